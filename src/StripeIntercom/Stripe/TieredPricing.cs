using System;
using System.Collections.Generic;
using System.Linq;
using global::Stripe;

namespace StripeIntercom.Stripe;

/// <summary>
/// What a quantity costs on a tiered price, in minor units, as Stripe bills it
/// (https://docs.stripe.com/products-prices/pricing-models#tiered-pricing): <c>volume</c> prices the whole quantity at
/// the tier it reaches; <c>graduated</c> prices each slice at its own tier. A tier's flat_amount is added once for the
/// tier reached (volume) or for each tier the quantity enters (graduated). up_to null is "inf". A quantity of 0 costs
/// 0.
/// </summary>
public static class TieredPricing
{
    public static decimal Amount(IReadOnlyList<PriceTier> tiers, string? tiersMode, long quantity)
    {
        if (tiers == null || tiers.Count == 0 || quantity <= 0)
        {
            return 0m;
        }

        var ordered = tiers.OrderBy(t => t.UpTo ?? long.MaxValue).ToList();
        if (tiersMode == "volume")
        {
            var reached =
                ordered.FirstOrDefault(t => t.UpTo == null || quantity <= t.UpTo) ?? ordered[ordered.Count - 1];
            return quantity * Unit(reached) + Flat(reached);
        }

        var total = 0m;
        long below = 0;
        foreach (var tier in ordered)
        {
            if (quantity <= below)
            {
                break;
            }

            var top = tier.UpTo ?? long.MaxValue;
            total += (Math.Min(quantity, top) - below) * Unit(tier) + Flat(tier);
            below = top;
        }
        return total;
    }

    private static decimal Unit(PriceTier tier) => tier.UnitAmountDecimal ?? tier.UnitAmount ?? 0m;

    private static decimal Flat(PriceTier tier) => tier.FlatAmountDecimal ?? tier.FlatAmount ?? 0m;
}
