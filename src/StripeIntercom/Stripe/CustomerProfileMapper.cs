using System;
using System.Collections.Generic;
using System.Linq;
using global::Stripe;
using Microsoft.Extensions.Logging;

namespace StripeIntercom.Stripe;

/// <summary>Stripe customer plus its subscriptions to a <see cref="CustomerProfile"/>. Each derived field's rule is one
/// method here.</summary>
internal static class CustomerProfileMapper
{
    /// <summary>Statuses that count towards MRR: money is (or should be) coming in. Trials, pauses, unpaid and canceled
    /// do not.</summary>
    public static readonly IReadOnlyCollection<string> MrrStatuses = new[] { "active", "past_due" };

    /// <param name="subscriptions">The customer's live subscriptions (Stripe leaves canceled ones out of its
    /// lists).</param>
    /// <param name="lastCanceled">
    /// The subscription that ended last, read only for a customer with no live one: it makes a churned customer
    /// <c>canceled</c> with the plan it left, where one who never subscribed stays <c>none</c>.
    /// </param>
    public static CustomerProfile Map(Customer customer, IReadOnlyList<Subscription> subscriptions,
        SubscriptionSummary? lastCanceled, BillingCatalog catalog, ILogger logger)
    {
        var customerDiscount = SubscriptionSummaryMapper.MapDiscount(customer.Discount, "customer", catalog, logger);
        var summaries =
            subscriptions.Select(s => SubscriptionSummaryMapper.Map(s, customerDiscount, catalog, logger)).ToList();
        var primary = PrimarySubscriptionRule.Pick(summaries) ?? lastCanceled;
        var latestInvoice = LatestInvoice(primary, summaries);
        var (mrr, mrrCurrency) = Mrr(summaries, primary, customer.Currency);
        return new CustomerProfile
        {
            IsFromStripe = true,
            Id = customer.Id,
            Email = customer.Email,
            Name = customer.Name,
            Description = customer.Description,
            Created = StripeTime.At(customer.Created),
            Livemode = customer.Livemode,
            Deleted = customer.Deleted == true,
            Balance = StripeMoney.ToMajorUnits(customer.Balance, customer.Currency),
            Currency = customer.Currency,
            Delinquent = customer.Delinquent == true,
            Subscriptions = summaries,
            PrimarySubscription = primary,
            Mrr = mrr,
            MrrCurrency = mrrCurrency,
            LatestInvoice = latestInvoice,
            PaymentFailing = IsPaymentFailing(latestInvoice),
            PaymentFailingSince = IsPaymentFailing(latestInvoice) ? latestInvoice!.FinalizedAt ?? latestInvoice.Created
                : (DateTimeOffset?)null,
            DefaultCard = DefaultCard(customer, primary, summaries),
            CustomerDiscount = customerDiscount,
            Discounts = LiveDiscounts(primary, customerDiscount),
            DashboardUrl = DashboardUrl(customer.Id, customer.Livemode),
            Metadata = customer.Metadata ?? new Dictionary<string, string>(),
        };
    }

    /// <summary>A deleted customer as far as we know it (from GET {"deleted":true} or a customer.deleted event's
    /// snapshot).</summary>
    public static CustomerProfile Deleted(Customer customer, bool livemode) => new CustomerProfile
    {
        IsFromStripe = true,
        Id = customer.Id,
        Email = customer.Email,
        Name = customer.Name,
        Created = customer.Created > StripeTime.UnixEpoch ? StripeTime.At(customer.Created) : default,
        Livemode = livemode,
        Deleted = true,
        Currency = customer.Currency,
        DashboardUrl = DashboardUrl(customer.Id, livemode),
        Metadata = customer.Metadata ?? new Dictionary<string, string>(),
    };

    /// <summary>
    /// Sum of <see cref="SubscriptionSummary.MonthlyAmount"/> over active and past_due subscriptions. Amounts in
    /// different currencies cannot be added: the currency is the primary subscription's (which is one of the counted
    /// ones whenever any is counted, by the primary rule) and only subscriptions in it count. With nothing counted MRR
    /// is 0 in the customer's currency.
    /// </summary>
    public static (decimal Mrr, string? Currency) Mrr(IReadOnlyList<SubscriptionSummary> subscriptions,
        SubscriptionSummary? primary, string? customerCurrency)
    {
        var counted = subscriptions.Where(s => MrrStatuses.Contains(s.Status)).ToList();
        if (counted.Count == 0)
        {
            return (0m, primary?.Currency ?? customerCurrency);
        }

        var currency = primary != null && MrrStatuses.Contains(primary.Status) ? primary.Currency : counted[0].Currency;
        return (counted.Where(s => string.Equals(s.Currency, currency, StringComparison.OrdinalIgnoreCase))
            .Sum(s => s.MonthlyAmount), currency);
    }

    /// <summary>The primary subscription's latest invoice; without one, the newest latest invoice over all
    /// subscriptions.</summary>
    public static InvoiceSummary? LatestInvoice(SubscriptionSummary? primary,
        IReadOnlyList<SubscriptionSummary> subscriptions) =>
        primary?.LatestInvoice
        ?? subscriptions.Where(s => s.LatestInvoice != null).Select(s => s.LatestInvoice!)
            .OrderByDescending(i => i.Created).FirstOrDefault();

    /// <summary>
    /// Failing = the latest invoice is open and at least one payment attempt was made. Since = when it was finalized:
    /// automatic collection makes the first attempt at finalization, and the exact attempt times would cost a call per
    /// invoice.
    /// </summary>
    public static bool IsPaymentFailing(InvoiceSummary? invoice) =>
        invoice != null && invoice.Status == "open" && invoice.AttemptCount > 0;

    /// <summary>
    /// The customer's invoice_settings.default_payment_method card, else the primary subscription's, else any
    /// subscription's, else the customer's default_source when it is a (legacy) card.
    /// </summary>
    public static CardSummary? DefaultCard(Customer customer, SubscriptionSummary? primary,
        IReadOnlyList<SubscriptionSummary> subscriptions) =>
        SubscriptionSummaryMapper.MapCard(customer.InvoiceSettings?.DefaultPaymentMethod)
        ?? primary?.DefaultCard
        ?? subscriptions.Select(s => s.DefaultCard).FirstOrDefault(c => c != null)
        ?? SubscriptionSummaryMapper.MapCardSource(customer.DefaultSource);

    /// <summary>
    /// The discounts an agent should know about: the primary live subscription's own (then its items'), else the
    /// customer's. Finite ones are included: they change what the next invoices cost even though MRR leaves them out.
    /// </summary>
    public static IReadOnlyList<DiscountSummary> LiveDiscounts(SubscriptionSummary? primary,
        DiscountSummary? customerDiscount)
    {
        var live = primary == null || primary.Status == "canceled" || primary.Status == "incomplete_expired"
            ? new List<DiscountSummary>()
            : primary.Discounts.Concat(primary.Items.SelectMany(i => i.Discounts)).ToList();
        if (live.Count == 0 && customerDiscount != null)
        {
            live.Add(customerDiscount);
        }

        return live;
    }

    public static string DashboardUrl(string customerId, bool livemode) =>
        livemode ? $"https://dashboard.stripe.com/customers/{customerId}"
            : $"https://dashboard.stripe.com/test/customers/{customerId}";
}
