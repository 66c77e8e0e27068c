using System;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;

namespace StripeIntercom.Sync;

/// <summary>Which custom attributes a contact carries and how each is computed. Immutable: operations return a new
/// map.</summary>
public sealed class AttributeMap
{
    private static readonly Lazy<AttributeMap> DefaultMap = new Lazy<AttributeMap>(BuildDefault);

    public AttributeMap(IEnumerable<AttributeDefinition> attributes)
    {
        var list = attributes.ToList();
        var duplicate = list.GroupBy(a => a.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new ArgumentException($"The attribute map names '{duplicate.Key}' more than once.");
        }

        Attributes = list;
        // Read for every customer a sync writes: found once, not per call.
        _link = list.FirstOrDefault(a => a.Role == AttributeRole.CustomerLink);
        _otherCustomers = list.FirstOrDefault(a => a.Role == AttributeRole.OtherCustomers);
    }

    private readonly AttributeDefinition? _link;
    private readonly AttributeDefinition? _otherCustomers;

    public IReadOnlyList<AttributeDefinition> Attributes { get; }

    public IEnumerable<string> Names => Attributes.Select(a => a.Name);

    /// <summary>The stripe_* catalog.</summary>
    public static AttributeMap Default => DefaultMap.Value;

    public AttributeDefinition? Find(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>
    /// The app's own user id is in this metadata key of the Stripe customer (its Intercom external_id); null means
    /// the Stripe customer id is the external_id. From the map file's <c>externalIdMetadataKey</c>.
    /// </summary>
    public string? ExternalIdMetadataKey { get; private set; }

    /// <summary>The attribute that names the Stripe customer a contact carries, as this map names it.</summary>
    public string LinkAttributeName =>
        (_link ?? throw new InvalidOperationException("The attribute map has no customer link attribute.")).Name;

    /// <summary>The attribute that lists the other Stripe customers sharing the contact's email, if the map has
    /// it.</summary>
    public string? OtherCustomersAttributeName => _otherCustomers?.Name;

    public AttributeMap WithExternalIdMetadataKey(string? key) =>
        new AttributeMap(Attributes) { ExternalIdMetadataKey = string.IsNullOrWhiteSpace(key) ? null : key!.Trim() };

    /// <summary>
    /// Only the named attributes, in the order given, plus the customer link, which identity needs whatever is picked.
    /// </summary>
    public AttributeMap Select(IEnumerable<string> names)
    {
        if (names == null)
        {
            throw new ArgumentNullException(nameof(names));
        }

        var picked = names.Select(name => Find(name) ?? throw Unknown(name, nameof(names))).ToList();
        var link = _link ?? throw new InvalidOperationException("The attribute map has no customer link attribute.");
        if (!picked.Contains(link))
        {
            picked.Insert(0, link);
        }

        return new AttributeMap(picked) { ExternalIdMetadataKey = ExternalIdMetadataKey };
    }

    /// <summary>Renames attributes: keys are current names, values the names Intercom should see.</summary>
    public AttributeMap Rename(IDictionary<string, string> renames)
    {
        if (renames == null)
        {
            throw new ArgumentNullException(nameof(renames));
        }

        foreach (var source in renames.Keys)
        {
            if (Find(source) == null)
            {
                throw Unknown(source, nameof(renames));
            }
        }

        return new AttributeMap(Attributes.Select(a => renames.TryGetValue(a.Name, out var to) ? a.WithName(to) : a))
        {
            ExternalIdMetadataKey = ExternalIdMetadataKey
        };
    }

    /// <summary>
    /// Adds an attribute computed by <paramref name="value"/>, replacing one of the same name. With a null
    /// <paramref name="type"/> the type is taken from the first non-null value (see
    /// <see cref="AttributeDefinition.InferType"/>).
    /// </summary>
    public AttributeMap WithComputed(
        string name, IntercomDataType? type, Func<CustomerProfile, object?> value, string? description = null)
    {
        var computed = new AttributeDefinition(name, type, description ?? "Computed by StripeIntercom", value);
        return new AttributeMap(Attributes.Where(a => a.Name != name).Concat(new[] { computed }))
        {
            ExternalIdMetadataKey = ExternalIdMetadataKey
        };
    }

    /// <summary>
    /// Every attribute's normalised value for one profile, in map order. For a deleted customer the attributes
    /// <see cref="AttributeDefinition.KeptWhenDeleted"/> are left out, so the contact keeps them as they were.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Evaluate(CustomerProfile profile)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var attribute in Attributes)
        {
            if (profile.Deleted && attribute.KeptWhenDeleted)
            {
                continue;
            }

            values[attribute.Name] = attribute.Evaluate(profile);
        }
        return values;
    }

    private ArgumentException Unknown(string name, string parameter) =>
        new ArgumentException(
            $"The attribute map has no attribute named '{name}'. Known: {string.Join(", ", Names)}.", parameter);

    private static AttributeMap BuildDefault()
    {
        AttributeDefinition A(
            string name, IntercomDataType type, string description, Func<CustomerProfile, object?> value) =>
            new AttributeDefinition(name, type, description, value) { CatalogName = name };
        AttributeDefinition Kept(
            string name, IntercomDataType type, string description, Func<CustomerProfile, object?> value) =>
            new AttributeDefinition(name, type, description, value) { KeptWhenDeleted = true, CatalogName = name };
        string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        return new AttributeMap(new[]
        {
            new AttributeDefinition("stripe_customer_id", IntercomDataType.String, "Stripe customer id",
                p => p.Id) { Role = AttributeRole.CustomerLink },
            Kept("stripe_balance", IntercomDataType.Float,
                "Customer balance in major units: positive is owed, negative is credit",
                p => p.Balance),
            Kept("stripe_currency", IntercomDataType.String, "Customer currency", p => p.Currency),
            Kept("stripe_delinquent", IntercomDataType.Boolean, "Stripe marks the customer delinquent",
                p => p.Delinquent),
            A("stripe_livemode", IntercomDataType.Boolean, "Live (not test) Stripe data", p => p.Livemode),
            Kept("stripe_created_at", IntercomDataType.Date, "When the Stripe customer was created", p => p.Created),
            A("stripe_subscription_status", IntercomDataType.String, "Status of the primary subscription, or none",
                p => p.SubscriptionStatus),
            A("stripe_subscription_id", IntercomDataType.String, "Primary subscription id",
                p => p.PrimarySubscription?.Id),
            A("stripe_plan_name", IntercomDataType.String, "Plan name of the primary subscription", p => p.Plan),
            A("stripe_plan_interval", IntercomDataType.String, "Billing interval of the primary subscription",
                p => p.PrimarySubscription?.Interval),
            A("stripe_plan_amount", IntercomDataType.Float, "Recurring amount of the primary subscription per interval",
                p => p.PrimarySubscription?.Amount),
            A("stripe_mrr", IntercomDataType.Float,
                "Monthly recurring revenue as Stripe's Billing analytics counts it: " +
                "active and past_due subscriptions, forever discounts, no trials or metered prices",
                p => p.Mrr),
            A("stripe_subscription_count", IntercomDataType.Integer, "Number of subscriptions",
                p => p.Subscriptions.Count),
            A("stripe_current_period_end_at", IntercomDataType.Date, "End of the current billing period",
                p => p.CurrentPeriodEnd),
            A("stripe_cancel_at_period_end", IntercomDataType.Boolean, "The subscription ends at the period end",
                p => p.PrimarySubscription?.CancelAtPeriodEnd),
            A("stripe_trial_end_at", IntercomDataType.Date, "End of the trial", p => p.PrimarySubscription?.TrialEnd),
            A("stripe_canceled_at", IntercomDataType.Date, "When a churned customer's last subscription ended",
                p => p.CanceledAt),
            A("stripe_discount", IntercomDataType.String, "Discount in force, e.g. 50% off forever",
                p => p.DiscountDescription),
            Kept("stripe_latest_invoice_status", IntercomDataType.String, "Status of the latest invoice",
                p => p.LatestInvoice?.Status),
            Kept("stripe_latest_invoice_amount", IntercomDataType.Float, "Amount due on the latest invoice",
                p => p.LatestInvoice?.AmountDue),
            Kept("stripe_latest_invoice_at", IntercomDataType.Date, "When the latest invoice was created",
                p => p.LatestInvoice?.Created),
            A("stripe_payment_failing", IntercomDataType.Boolean, "The latest invoice is open after a failed payment",
                p => p.PaymentFailing),
            Kept("stripe_card_brand", IntercomDataType.String, "Brand of the default card", p => p.DefaultCard?.Brand),
            Kept("stripe_card_expiry", IntercomDataType.String, "Expiry of the default card (MM/YYYY)",
                p => p.DefaultCard?.Expiry),
            A("stripe_dashboard_url", IntercomDataType.String, "The customer in the Stripe dashboard",
                p => NullIfEmpty(p.DashboardUrl)),
            A("stripe_deleted", IntercomDataType.Boolean, "The Stripe customer was deleted", p => p.Deleted),
            // Filled by the sync when several live Stripe customers share the contact's email; none from one profile.
            new AttributeDefinition("stripe_other_customer_ids", IntercomDataType.String,
                "Other Stripe customers with this email (comma-separated)",
                _ => null) { Role = AttributeRole.OtherCustomers },
        });
    }
}
