using System.Collections.Generic;
using System.Linq;
using global::Stripe;

namespace StripeIntercom.Stripe
{
    /// <summary>Stripe subscription, invoice and card to summaries. The amount rules live here, each in one method.</summary>
    internal static class SubscriptionSummaryMapper
    {
        public static SubscriptionSummary Map(Subscription subscription, ProductCatalog catalog)
        {
            var items = (subscription.Items?.Data ?? new List<SubscriptionItem>()).Select(i => MapItem(i, catalog)).ToList();
            var first = items.FirstOrDefault();
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
                TrialEnd = StripeTime.At(subscription.TrialEnd),
                Items = items,
                LatestInvoice = subscription.LatestInvoice == null ? null : MapInvoice(subscription.LatestInvoice),
                DefaultCard = MapCard(subscription.DefaultPaymentMethod),
            };
            summary.PlanName = PlanName(items);
            summary.MonthlyAmount = StripeMoney.Round(MonthlyAmount(items), summary.Currency);
            summary.Amount = StripeMoney.Round(Amount(items), summary.Currency);
            return summary;
        }

        /// <summary>Sum over items of unit amount x quantity, each normalised to a month (see <see cref="BillingInterval"/>).</summary>
        public static decimal MonthlyAmount(IReadOnlyList<SubscriptionItemSummary> items) => items.Sum(ItemMonthly);

        /// <summary>
        /// The amount charged per first-item interval: the plain sum of unit amount x quantity when all items share the interval
        /// (the usual case); items on other intervals count with their monthly amount converted to the first item's interval.
        /// </summary>
        public static decimal Amount(IReadOnlyList<SubscriptionItemSummary> items)
        {
            if (items.Count == 0) return 0m;
            var first = items[0];
            return items.Sum(i => i.Interval == first.Interval && i.IntervalCount == first.IntervalCount
                ? i.UnitAmount * i.Quantity
                : BillingInterval.FromMonthly(ItemMonthly(i), first.Interval, first.IntervalCount));
        }

        /// <summary>Price nickname, else product name, of the item with the largest monthly amount (the first such item on a tie).</summary>
        public static string? PlanName(IReadOnlyList<SubscriptionItemSummary> items)
        {
            SubscriptionItemSummary? best = null;
            foreach (var item in items)
                if (best == null || ItemMonthly(item) > ItemMonthly(best)) best = item;
            return best == null ? null : string.IsNullOrEmpty(best.PriceNickname) ? best.ProductName : best.PriceNickname;
        }

        private static decimal ItemMonthly(SubscriptionItemSummary item) =>
            BillingInterval.ToMonthly(item.UnitAmount * item.Quantity, item.Interval, item.IntervalCount);

        private static SubscriptionItemSummary MapItem(SubscriptionItem item, ProductCatalog catalog)
        {
            var price = item.Price;
            var currency = price?.Currency ?? "";
            var minor = price?.UnitAmount ?? price?.UnitAmountDecimal ?? 0m;
            var productId = price?.ProductId ?? price?.Product?.Id;
            return new SubscriptionItemSummary
            {
                Id = item.Id,
                PriceId = price?.Id,
                ProductId = productId,
                ProductName = price?.Product?.Name ?? catalog.NameOf(productId),
                PriceNickname = price?.Nickname,
                UnitAmount = StripeMoney.ToMajorUnits(minor, currency),
                Currency = currency,
                Interval = price?.Recurring?.Interval,
                IntervalCount = price?.Recurring?.IntervalCount ?? 1,
                Quantity = item.Quantity,
                CurrentPeriodStart = StripeTime.At(item.CurrentPeriodStart),
                CurrentPeriodEnd = StripeTime.At(item.CurrentPeriodEnd),
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
    }
}
