namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// Builds billing objects exactly as asked (prices, coupons, discounts, subscriptions, card sources) and prices an item
/// the way Stripe invoices it. Not thread-safe: callers hold <see cref="FakeStripeState.Sync"/> or own the data.
/// </summary>
public static class FakeBilling
{
    /// <summary>What one period of an item costs before discounts, in minor units: metered items count nothing
    /// here.</summary>
    public static long ItemAmount(FakePrice price, long? quantity)
    {
        if (price.Recurring.UsageType == "metered")
        {
            return 0;
        }

        var units = quantity ?? 0;
        if (price.BillingScheme != "tiered")
        {
            return (long)Math.Round(
                decimal.Parse(price.UnitAmountDecimal ?? "0",
                System.Globalization.CultureInfo.InvariantCulture) * units);
        }

        var tiers = price.Tiers ?? [];
        if (price.TiersMode == "volume")
        {
            var tier = tiers.FirstOrDefault(t => t.UpTo is null || units <= t.UpTo) ?? tiers.Last();
            return units * (tier.UnitAmount ?? 0) + (tier.FlatAmount ?? 0);
        }
        long total = 0, below = 0;
        foreach (var tier in tiers)
        {
            if (units <= below)
            {
                break;
            }

            var slice = Math.Min(units, tier.UpTo ?? long.MaxValue) - below;
            total += slice * (tier.UnitAmount ?? 0) + (tier.FlatAmount ?? 0);
            below = tier.UpTo ?? long.MaxValue;
        }
        return total;
    }

    public static FakePrice AddPrice(FakeStripeData data, StripeIdFactory ids, FakePrice price)
    {
        if (price.Id.Length == 0)
        {
            price.Id = ids.Next("price_", 24);
        }

        if (price.Product.Length == 0)
        {
            price.Product = data.Products[0].Id;
        }

        data.Add(price);
        return price;
    }

    public static FakeCoupon AddCoupon(FakeStripeData data, StripeIdFactory ids, FakeCoupon coupon, long now)
    {
        if (coupon.Id.Length == 0)
        {
            coupon.Id = ids.Next("", 8).ToUpperInvariant();
        }

        if (coupon.Created == 0)
        {
            coupon.Created = now;
        }

        data.Add(coupon);
        return coupon;
    }

    /// <summary>Redeems a coupon: a repeating one ends duration_in_months later (months as 30 days); once and forever
    /// have no end.</summary>
    public static FakeDiscount Redeem(FakeStripeData data, StripeIdFactory ids, string couponId, string customerId,
        long start, string? subscription = null, string? item = null)
    {
        var coupon = data.Find<FakeCoupon>(couponId) ?? throw StripeApiException.NoSuch("coupon", couponId);
        coupon.TimesRedeemed++;
        var discount = new FakeDiscount
        {
            Id = ids.Next("di_", 24),
            Customer = customerId,
            Start = start,
            Subscription = subscription,
            SubscriptionItem = item,
            End = coupon.Duration == "repeating" ? start + (coupon.DurationInMonths ?? 1) * 30 * FakeStripeGenerator.Day
                : null,
            Source = new FakeDiscountSource { Coupon = coupon.Id },
        };
        data.Add(discount);
        return discount;
    }

    public static FakeSubscription Subscribe(FakeStripeData data, StripeIdFactory ids, Random random,
        FakeCustomer customer, FakeSubscriptionSpec spec, long now)
    {
        if (spec.Items.Count == 0)
        {
            throw new StripeApiException(400, "Missing required param: items.", param: "items");
        }

        var prices = spec.Items.Select(i => data.Find<FakePrice>(i.PriceId)
            ?? throw StripeApiException.NoSuch("price", i.PriceId)).ToList();
        var created = spec.CreatedAt
            ?? (spec.EndedAt is { } ended ? ended - 90 * FakeStripeGenerator.Day : now - 40 * FakeStripeGenerator.Day);
        var subscription = new FakeSubscription
        {
            Id = ids.Next("sub_", 24),
            Customer = customer.Id,
            Currency = prices[0].Currency,
            Status = spec.Status,
            Created = created,
            StartDate = created,
            BillingCycleAnchor = created,
        };
        var periodNow = spec.EndedAt ?? now;
        for (var k = 0; k < spec.Items.Count; k++)
        {
            var (start, end) = FakeStripeGenerator.CurrentPeriod(created, prices[k].Recurring, periodNow);
            var item = new FakeSubscriptionItem
            {
                Id = ids.Next("si_"),
                Created = created,
                PriceId = prices[k].Id,
                Subscription = subscription.Id,
                Quantity = prices[k].Recurring.UsageType == "metered" ? null : spec.Items[k].Quantity ?? 1,
                CurrentPeriodStart = start,
                CurrentPeriodEnd = end,
            };
            foreach (var coupon in spec.Items[k].Coupons ?? [])
            {
                item.Discounts.Add(Redeem(data, ids, coupon, customer.Id, created, subscription.Id, item.Id).Id);
            }

            subscription.Items.Add(item);
        }
        foreach (var coupon in spec.Coupons)
        {
            subscription.Discounts.Add(Redeem(data, ids, coupon, customer.Id, created, subscription.Id).Id);
        }

        if (spec.Status == "canceled")
        {
            subscription.CanceledAt = subscription.EndedAt = spec.EndedAt ?? now;
        }

        if (spec.Status == "trialing")
        {
            subscription.TrialStart = created;
            subscription.TrialEnd = created + 14 * FakeStripeGenerator.Day;
        }
        customer.Currency ??= subscription.Currency;
        data.Add(subscription);
        subscription.LatestInvoice =
            FakeStripeGenerator.BuildLatestInvoice(data, ids, random, customer, subscription, now).Id;
        return subscription;
    }

    public static FakeCardSource AddCardSource(FakeStripeData data, StripeIdFactory ids, FakeCustomer customer,
        string brand, string last4, long expMonth, long expYear)
    {
        var card = new FakeCardSource
        {
            Id = ids.Next("card_", 24),
            Customer = customer.Id,
            Brand = brand,
            Last4 = last4,
            ExpMonth = expMonth,
            ExpYear = expYear,
            Fingerprint = ids.Next("", 16),
            Name = customer.Name,
        };
        data.Add(card);
        customer.DefaultSource = card.Id;
        return card;
    }
}
