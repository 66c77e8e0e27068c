using System;
using System.Collections.Generic;
using System.Linq;
using global::Stripe;
using Microsoft.Extensions.Logging;

namespace StripeIntercom.Stripe;

/// <summary>Stripe subscription, invoice and card to summaries. The amount rules live here, each in one
/// method.</summary>
internal static class SubscriptionSummaryMapper
{
    /// <param name="customerDiscount">
    /// The customer's own discount: Stripe applies it to a subscription that has no discount of its own (nor on its
    /// items).
    /// </param>
    public static SubscriptionSummary Map(Subscription subscription, DiscountSummary? customerDiscount,
        BillingCatalog catalog, ILogger logger)
    {
        var items = (subscription.Items?.Data ?? new List<SubscriptionItem>()).Select(i => MapItem(i, catalog, logger))
            .ToList();
        var first = items.FirstOrDefault();
        var discounts = MapDiscounts(subscription.Discounts, "subscription", catalog, logger);
        var summary = new SubscriptionSummary
        {
            Id = subscription.Id,
            Status = subscription.Status ?? "",
            Currency = subscription.Currency ?? first?.Currency ?? "",
            Interval = first?.Interval,
            IntervalCount = first?.IntervalCount ?? 1,
            Quantity = items.Sum(i => i.Quantity),
            Created = StripeTime.At(subscription.Created),
            CurrentPeriodEnd = items.Where(i => i.CurrentPeriodEnd != null).Select(i => i.CurrentPeriodEnd).Min(),
            CancelAtPeriodEnd = subscription.CancelAtPeriodEnd,
            CancelAt = StripeTime.At(subscription.CancelAt),
            CanceledAt = StripeTime.At(subscription.CanceledAt),
            EndedAt = StripeTime.At(subscription.EndedAt),
            TrialEnd = StripeTime.At(subscription.TrialEnd),
            Discounts = discounts,
            Items = items,
            LatestInvoice = subscription.LatestInvoice == null ? null : MapInvoice(subscription.LatestInvoice),
            DefaultCard = MapCard(subscription.DefaultPaymentMethod),
        };
        var applied = discounts.Count > 0 || items.Any(i => i.Discounts.Count > 0) || customerDiscount == null
            ? discounts
            : new[] { customerDiscount };
        Action<DiscountSummary> otherCurrency = d => logger.LogWarning(
            "Stripe customer {CustomerId}: coupon {CouponId} takes {AmountOff} {CouponCurrency} off, but " +
            "subscription {SubscriptionId} bills in {Currency}; it is left out of the MRR.",
            subscription.CustomerId, d.CouponId, d.AmountOff, d.Currency?.ToUpperInvariant(), subscription.Id,
                summary.Currency.ToUpperInvariant());
        summary.PlanName = PlanName(items);
        summary.MonthlyAmount =
            StripeMoney.Round(MonthlyAmount(items, applied, summary.Currency, otherCurrency), summary.Currency);
        summary.Amount = StripeMoney.Round(Amount(items, applied, summary.Currency), summary.Currency);
        return summary;
    }

    /// <summary>
    /// Sum over items of their amount less their own forever discounts, each normalised to a month (see
    /// <see cref="BillingInterval"/>), less the subscription's forever discounts (an amount off per invoice normalised
    /// by the first item's interval).
    /// </summary>
    public static decimal MonthlyAmount(IReadOnlyList<SubscriptionItemSummary> items,
        IReadOnlyList<DiscountSummary> discounts, string currency,
        Action<DiscountSummary>? otherCurrency = null)
    {
        if (items.Count == 0)
        {
            return 0m;
        }

        var first = items[0];
        var itemsMonthly = items.Sum(i => ItemMonthly(i, currency, otherCurrency));
        return ForeverDiscounts.Apply(itemsMonthly, discounts, currency,
            off => BillingInterval.ToMonthly(off, first.Interval, first.IntervalCount), otherCurrency);
    }

    /// <summary>
    /// The amount charged per first-item interval: the plain sum of the items' discounted amounts when all items share
    /// the interval (the usual case); items on other intervals count with their monthly amount converted to the first
    /// item's interval. Then the subscription's forever discounts.
    /// </summary>
    public static decimal Amount(IReadOnlyList<SubscriptionItemSummary> items, IReadOnlyList<DiscountSummary> discounts,
        string currency)
    {
        if (items.Count == 0)
        {
            return 0m;
        }

        var first = items[0];
        var perInterval = items.Sum(i => i.Interval == first.Interval && i.IntervalCount == first.IntervalCount
            ? ItemDiscounted(i, currency, null)
            : BillingInterval.FromMonthly(ItemMonthly(i, currency, null), first.Interval, first.IntervalCount));
        return ForeverDiscounts.Apply(perInterval, discounts, currency, off => off, null);
    }

    /// <summary>Price nickname, else product name, of the item with the largest monthly amount (the first such item on
    /// a tie).</summary>
    public static string? PlanName(IReadOnlyList<SubscriptionItemSummary> items)
    {
        SubscriptionItemSummary? best = null;
        foreach (var item in items)
        {
            if (best == null || ListMonthly(item) > ListMonthly(best))
            {
                best = item;
            }
        }

        return best == null ? null : string.IsNullOrEmpty(best.PriceNickname) ? best.ProductName : best.PriceNickname;
    }

    private static decimal ListMonthly(SubscriptionItemSummary item) =>
        BillingInterval.ToMonthly(item.Amount, item.Interval, item.IntervalCount);

    private static decimal ItemMonthly(SubscriptionItemSummary item, string currency,
        Action<DiscountSummary>? otherCurrency) =>
        BillingInterval.ToMonthly(ItemDiscounted(item, currency, otherCurrency), item.Interval, item.IntervalCount);

    private static decimal ItemDiscounted(SubscriptionItemSummary item, string currency,
        Action<DiscountSummary>? otherCurrency) =>
        ForeverDiscounts.Apply(item.Amount, item.Discounts, currency, off => off, otherCurrency);

    private static SubscriptionItemSummary MapItem(SubscriptionItem item, BillingCatalog catalog, ILogger logger)
    {
        var price = item.Price;
        var currency = price?.Currency ?? "";
        var metered = price?.Recurring?.UsageType == "metered";
        var quantity = metered ? 0 : item.Quantity;
        var tiered = price?.BillingScheme == "tiered";
        decimal amountMinor;
        if (metered)
        {
            amountMinor = 0m;
        }
        else if (tiered)
        {
            amountMinor =
                TieredPricing.Amount(catalog.Tiers(price!) ?? Array.Empty<PriceTier>(), price!.TiersMode, quantity);
        }
        else
        {
            amountMinor = (price?.UnitAmount ?? price?.UnitAmountDecimal ?? 0m) * quantity;
        }

        var unitMinor = tiered ? (quantity == 0 ? 0m : amountMinor / quantity) : price?.UnitAmount
            ?? price?.UnitAmountDecimal ?? 0m;
        var productId = price?.ProductId ?? price?.Product?.Id;
        return new SubscriptionItemSummary
        {
            Id = item.Id,
            PriceId = price?.Id,
            ProductId = productId,
            ProductName = price?.Product?.Name ?? catalog.ProductName(productId),
            PriceNickname = price?.Nickname,
            UnitAmount = StripeMoney.ToMajorUnits(unitMinor, currency),
            Amount = StripeMoney.ToMajorUnits(amountMinor, currency),
            TiersMode = tiered ? price!.TiersMode : null,
            Metered = metered,
            Discounts = MapDiscounts(item.Discounts, "item", catalog, logger),
            Currency = currency,
            Interval = price?.Recurring?.Interval,
            IntervalCount = price?.Recurring?.IntervalCount ?? 1,
            Quantity = quantity,
            CurrentPeriodStart = StripeTime.At(item.CurrentPeriodStart),
            CurrentPeriodEnd = StripeTime.At(item.CurrentPeriodEnd),
        };
    }

    private static IReadOnlyList<DiscountSummary> MapDiscounts(IEnumerable<Discount>? discounts, string appliesTo,
        BillingCatalog catalog, ILogger logger) =>
        (discounts ?? Enumerable.Empty<Discount>())
            .Where(d => d != null)
            .Select(d => MapDiscount(d, appliesTo, catalog, logger))
            .Where(d => d != null)
            .Select(d => d!)
            .ToList();

    /// <returns>The discount with its coupon's terms; null when it has ended or its coupon cannot be read
    /// (logged).</returns>
    public static DiscountSummary? MapDiscount(Discount? discount, string appliesTo, BillingCatalog catalog,
        ILogger logger)
    {
        if (discount == null)
        {
            return null;
        }

        if (discount.End is { } end && end <= DateTime.UtcNow)
        {
            return null;
        }

        var couponId = discount.Source?.CouponId ?? discount.Source?.Coupon?.Id;
        var coupon = discount.Source?.Coupon ?? catalog.Coupon(couponId);
        if (coupon == null)
        {
            logger.LogWarning(
                "Stripe customer {CustomerId}: the coupon {CouponId} of discount {DiscountId} could not be read; the " +
                "discount is left out.",
                discount.CustomerId, couponId ?? "(none)", discount.Id);
            return null;
        }
        return new DiscountSummary
        {
            Id = discount.Id,
            CouponId = coupon.Id,
            CouponName = coupon.Name,
            AppliesTo = appliesTo,
            PercentOff = coupon.PercentOff,
            AmountOff = coupon.AmountOff is { } off ? StripeMoney.ToMajorUnits(off, coupon.Currency) : (decimal?)null,
            Currency = coupon.Currency,
            Duration = coupon.Duration ?? "",
            DurationInMonths = coupon.DurationInMonths,
            End = discount.End is { } e ? StripeTime.At(e) : (DateTimeOffset?)null,
        };
    }

    public static InvoiceSummary MapInvoice(Invoice invoice) => new InvoiceSummary
    {
        Id = invoice.Id,
        Number = invoice.Number,
        Status = invoice.Status,
        AmountDue = StripeMoney.ToMajorUnits(invoice.AmountDue, invoice.Currency),
        AmountPaid = StripeMoney.ToMajorUnits(invoice.AmountPaid, invoice.Currency),
        Currency = invoice.Currency ?? "",
        Created = StripeTime.At(invoice.Created),
        AttemptCount = invoice.AttemptCount,
        NextPaymentAttempt = StripeTime.At(invoice.NextPaymentAttempt),
        HostedInvoiceUrl = invoice.HostedInvoiceUrl,
        FinalizedAt = StripeTime.At(invoice.StatusTransitions?.FinalizedAt),
        SubscriptionId = invoice.Parent?.SubscriptionDetails?.SubscriptionId,
    };

    public static CardSummary? MapCard(PaymentMethod? paymentMethod) =>
        paymentMethod?.Card == null
            ? null
            : new CardSummary
            {
                PaymentMethodId = paymentMethod.Id,
                Brand = paymentMethod.Card.Brand,
                Last4 = paymentMethod.Card.Last4,
                ExpMonth = paymentMethod.Card.ExpMonth,
                ExpYear = paymentMethod.Card.ExpYear,
            };

    /// <summary>A legacy card source (customer.default_source, card_...); Sources spell brands "Visa", PaymentMethods
    /// "visa".</summary>
    public static CardSummary? MapCardSource(IPaymentSource? source) =>
        source is Card card
            ? new CardSummary
            {
                PaymentMethodId = card.Id,
                Brand = SourceBrand(card.Brand),
                Last4 = card.Last4,
                ExpMonth = card.ExpMonth,
                ExpYear = card.ExpYear,
            }
            : null;

    private static string? SourceBrand(string? brand)
    {
        switch (brand?.ToLowerInvariant())
        {
            case null: return null;
            case "american express": return "amex";
            case "diners club": return "diners";
            default: return brand.ToLowerInvariant().Replace(' ', '_');
        }
    }
}
