using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using global::Stripe;

namespace StripeIntercom.Stripe;

/// <summary>
/// What a profile needs beyond a customers page, read once per run and shared by every customer: product names (for
/// plan names), tiers of tiered prices (<c>tiers</c> comes only with expand[]=tiers, five levels below a customers
/// page) and coupons (a discount names its coupon by id under source.coupon, also out of expansion's reach).
/// </summary>
internal sealed class BillingCatalog
{
    private readonly StripeObjectCache<Product> _products;
    private readonly StripeObjectCache<Price> _tieredPrices;
    private readonly StripeObjectCache<Coupon> _coupons;

    public BillingCatalog(StripeObjectCache<Product> products, StripeObjectCache<Price> tieredPrices,
        StripeObjectCache<Coupon> coupons)
    {
        _products = products;
        _tieredPrices = tieredPrices;
        _coupons = coupons;
    }

    public string? ProductName(string? productId) => _products.Get(productId)?.Name;

    /// <summary>Reads the named products that are not cached yet.</summary>
    public Task EnsureProductsAsync(IEnumerable<string> productIds, CancellationToken cancellationToken) =>
        _products.EnsureAsync(productIds, cancellationToken);

    /// <summary>The price's tiers: its own when they were expanded, else the cached copy read with
    /// expand[]=tiers.</summary>
    public IReadOnlyList<PriceTier>? Tiers(Price price) => price.Tiers ?? _tieredPrices.Get(price.Id)?.Tiers;

    public Coupon? Coupon(string? couponId) => _coupons.Get(couponId);

    /// <summary>Reads whatever the given customers' subscriptions name that is not cached yet, so mapping needs no
    /// calls.</summary>
    public async Task EnsureAsync(IEnumerable<Customer> customers, IEnumerable<Subscription> subscriptions,
        CancellationToken cancellationToken)
    {
        var subscriptionList = subscriptions.ToList();
        var prices = subscriptionList.SelectMany(s => s.Items?.Data ?? new List<SubscriptionItem>())
            .Select(i => i.Price).Where(p => p != null).ToList();
        await _products.EnsureAsync(prices.Select(p => p.ProductId).Where(id => id != null), cancellationToken)
            .ConfigureAwait(false);
        await _tieredPrices.EnsureAsync(prices.Where(p => p.BillingScheme == "tiered" && p.Tiers == null)
            .Select(p => p.Id), cancellationToken).ConfigureAwait(false);
        var discounts =
            subscriptionList.SelectMany(Discounts).Concat(customers.Select(c => c.Discount).Where(d => d != null));
        await _coupons.EnsureAsync(discounts.Select(d => d.Source?.CouponId).Where(id => id != null)!,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subscription's discounts and its items', as far as they were expanded.</summary>
    public static IEnumerable<Discount> Discounts(Subscription subscription) =>
        (subscription.Discounts ?? new List<Discount>())
            .Concat((subscription.Items?.Data ?? new List<SubscriptionItem>())
                .SelectMany(i => i.Discounts ?? new List<Discount>()))
            .Where(d => d != null);
}
