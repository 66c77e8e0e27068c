using System;
using System.Collections.Generic;

namespace StripeIntercom.Stripe;

/// <summary>
/// How discounts reduce a recurring amount, as Stripe's Billing analytics counts them in MRR: only forever coupons
/// count (once and repeating ones leave MRR as it is); they apply in the order Stripe lists them, each to what the
/// previous left; percent_off takes its share, amount_off its amount per invoice in the subscription's currency; never
/// below zero. An amount_off coupon in another currency cannot be applied and is reported instead.
/// </summary>
internal static class ForeverDiscounts
{
    /// <param name="amountOffPerPeriod">Turns a coupon's amount off per invoice into the period
    /// <paramref name="amount"/> is for.</param>
    /// <param name="otherCurrency">Called for each forever amount_off discount left out because its currency
    /// differs.</param>
    public static decimal Apply(decimal amount, IEnumerable<DiscountSummary> discounts, string currency,
        Func<decimal, decimal> amountOffPerPeriod, Action<DiscountSummary>? otherCurrency)
    {
        foreach (var discount in discounts)
        {
            if (!discount.IsForever)
            {
                continue;
            }

            if (discount.PercentOff is { } percent)
            {
                amount -= amount * percent / 100m;
            }
            else if (discount.AmountOff is { } off)
            {
                if (!string.Equals(discount.Currency, currency, StringComparison.OrdinalIgnoreCase))
                {
                    otherCurrency?.Invoke(discount);
                    continue;
                }
                amount -= amountOffPerPeriod(off);
            }
            amount = Math.Max(0m, amount);
        }
        return amount;
    }
}
