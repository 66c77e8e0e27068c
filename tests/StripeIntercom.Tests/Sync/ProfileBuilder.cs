using StripeIntercom.Stripe;

namespace StripeIntercom.Tests.Sync;

/// <summary>Deterministic customer profiles covering paying, trialing, late, leaving and plain customers.</summary>
public static class ProfileBuilder
{
    private static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Statuses = ["active", "trialing", "past_due", "canceled", "none"];
    private static readonly string[] Plans = ["Starter", "Team", "Business"];

    public static CustomerProfile Build(int i)
    {
        var status = Statuses[i % Statuses.Length];
        var subscription = status == "none" ? null : new SubscriptionSummary
        {
            Id = $"sub_{i:D6}",
            Status = status,
            PlanName = Plans[i % Plans.Length],
            Amount = 9.99m * (1 + i % 3),
            Currency = "usd",
            Interval = i % 4 == 0 ? "year" : "month",
            Quantity = 1 + i % 3,
            MonthlyAmount = 9.99m * (1 + i % 3),
            Created = Epoch.AddDays(i % 300),
            CurrentPeriodEnd = Epoch.AddDays(30 + i % 300),
            CancelAtPeriodEnd = i % 11 == 0,
            TrialEnd = status == "trialing" ? Epoch.AddDays(14 + i % 300) : null,
        };
        return new CustomerProfile
        {
            Id = $"cus_{i:D6}",
            Email = $"customer{i}@example.test",
            Name = $"Customer {i}",
            Created = Epoch.AddHours(i),
            Livemode = false,
            Balance = (i % 7 - 3) * 1.255m,
            Currency = "usd",
            Delinquent = status == "past_due",
            Subscriptions = subscription is null ? [] : [subscription],
            PrimarySubscription = subscription,
            Mrr = status is "active" or "past_due" ? subscription!.MonthlyAmount : 0m,
            MrrCurrency = "usd",
            LatestInvoice = subscription is null ? null : new InvoiceSummary
            {
                Id = $"in_{i:D6}",
                Status = status == "past_due" ? "open" : "paid",
                AmountDue = subscription.Amount,
                AmountPaid = status == "past_due" ? 0 : subscription.Amount,
                Currency = "usd",
                Created = Epoch.AddDays(i % 300),
                AttemptCount = status == "past_due" ? 2 : 1,
            },
            PaymentFailing = status == "past_due",
            DefaultCard = i % 3 == 0
                ? null
                : new CardSummary
                {
                    PaymentMethodId = $"pm_{i:D6}",
                    Brand = i % 2 == 0 ? "visa" : "mastercard",
                    Last4 = $"{i % 10000:D4}",
                    ExpMonth = 1 + i % 12,
                    ExpYear = 2027 + i % 4,
                },
            DashboardUrl = $"https://dashboard.stripe.com/test/customers/cus_{i:D6}",
        };
    }

    public static List<CustomerProfile> BuildMany(int count, int start = 0) =>
        Enumerable.Range(start, count).Select(i => Build(i)).ToList();
}
