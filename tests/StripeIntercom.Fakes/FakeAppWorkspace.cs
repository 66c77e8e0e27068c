using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;

namespace StripeIntercom.Fakes;

/// <summary>
/// Makes the fakes look like a real SaaS workspace rather than an empty one: the app's Messenger already identifies
/// its signed-in users by the app's own user id and email, half of their Stripe customers carry that id in metadata,
/// visitors left leads under paying customers' emails, two of the app's users share one email, and some people
/// re-subscribed as a second and third Stripe customer with the same email.
/// </summary>
public static class FakeAppWorkspace
{
    public const string DefaultMetadataKey = "app_user_id";

    /// <summary>
    /// The app's users are every live Stripe customer: each customer's metadata carries its app user id
    /// (<paramref name="metadataKey"/>) and Intercom holds that user (external_id the app id, the customer's email
    /// and name, one attribute of the app's own), none of the sync's attributes yet. A sync with that
    /// ExternalIdMetadataKey finds each by external_id and updates every one. No leads, shared emails or returning
    /// customers (see <see cref="Seed"/> for those).
    /// </summary>
    /// <returns>How many app users were seeded.</returns>
    public static int SeedEveryCustomer(FakeStripeState stripe, FakeIntercomState intercom,
        string metadataKey = DefaultMetadataKey)
    {
        var live = stripe.LiveCustomers();
        for (var i = 0; i < live.Count; i++)
        {
            var customer = live[i];
            var appId = $"app_{i + 1:D6}";
            intercom.Seed("user", appId, customer.Email, customer.Name ?? $"App user {i + 1}",
                new Dictionary<string, object?> { ["app_plan_tier"] = i % 2 == 0 ? "team" : "solo" });
            stripe.ChangeCustomer(customer.Id,
                new FakeCustomerChange { Metadata = new Dictionary<string, string> { [metadataKey] = appId } });
        }

        return live.Count;
    }

    /// <returns>What was seeded, for a demo or a test to show.</returns>
    public static FakeAppWorkspaceSummary Seed(FakeStripeState stripe, FakeIntercomState intercom, int appUsers,
        string metadataKey = DefaultMetadataKey)
    {
        var live = stripe.LiveCustomers().Where(c => !string.IsNullOrEmpty(c.Email)).ToList();
        appUsers = Math.Min(appUsers, Math.Max(0, live.Count - 20));
        var withMetadata = 0;
        for (var i = 0; i < appUsers; i++)
        {
            var customer = live[i];
            var appId = $"app_{i + 1:D5}";
            // The app stores emails as people typed them: the case may differ from Stripe's.
            var email = i % 4 == 1 ? customer.Email!.ToUpperInvariant() : customer.Email!;
            intercom.Seed("user", appId, email, customer.Name ?? $"App user {i + 1}",
                new Dictionary<string, object?> { ["app_plan_tier"] = i % 2 == 0 ? "team" : "solo" });
            if (i % 2 == 0)
            {
                stripe.ChangeCustomer(customer.Id,
                    new FakeCustomerChange { Metadata = new Dictionary<string, string> { [metadataKey] = appId } });
                withMetadata++;
            }
        }

        // Visitors who chatted under a paying customer's email before signing in.
        var leads = 0;
        foreach (var customer in live.Skip(appUsers).Take(5))
        {
            intercom.Seed("lead", null, customer.Email, "Website visitor");
            leads++;
        }

        // Two of the app's users share one email (a team inbox): the customer with that email needs a human.
        var shared = live[appUsers + 5];
        intercom.Seed("user", "app_team_a", shared.Email, "Team inbox (A)");
        intercom.Seed("user", "app_team_b", shared.Email, "Team inbox (B)");

        // People who came back as new Stripe customers with the same email.
        var returning = live.Skip(appUsers + 6).Take(3).ToList();
        foreach (var customer in returning)
        {
            stripe.CreateCustomer(
                new FakeCustomerChange
                {
                    Email = customer.Email,
                    Name = customer.Name,
                    SubscriptionStatus = "canceled"
                });
        }

        return new FakeAppWorkspaceSummary(appUsers, withMetadata, leads, shared.Email!,
            returning.Select(c => c.Email!).ToList(), metadataKey);
    }
}

/// <summary>What <see cref="FakeAppWorkspace.Seed"/> put in the fakes.</summary>
public sealed record FakeAppWorkspaceSummary(int AppUsers, int WithMetadata, int Leads, string SharedEmail,
    IReadOnlyList<string> ReturningEmails, string MetadataKey);
