using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using global::Stripe;
using Microsoft.Extensions.Logging;

namespace StripeIntercom.Stripe;

/// <summary>
/// The subscription each churned customer ended last. Stripe leaves canceled subscriptions out of a customer's embedded
/// list and of the default subscription listing, so they are read separately, and only for customers with no live one:
/// for a large read, one listing of all canceled subscriptions (status=canceled, 100 a page) kept as summaries; for a
/// small read (one customer, an email, a first few), one call per such customer.
/// </summary>
internal sealed class CanceledSubscriptions
{
    private static readonly List<string> Expansions = new List<string> { "data.latest_invoice" };

    private readonly Func<SubscriptionListOptions, CancellationToken, Task<StripeList<Subscription>>> _list;
    private readonly BillingCatalog _catalog;
    private readonly ILogger _logger;
    private readonly bool _listAll;
    private readonly DateTimeOffset? _createdAfter;
    private Task<Dictionary<string, SubscriptionSummary>>? _listing;

    /// <param name="listAll">List every canceled subscription once (created after <paramref name="createdAfter"/>)
    /// instead of per customer.</param>
    public CanceledSubscriptions(Func<SubscriptionListOptions, CancellationToken, Task<StripeList<Subscription>>> list,
        BillingCatalog catalog, ILogger logger,
        bool listAll, DateTimeOffset? createdAfter = null)
    {
        _list = list;
        _catalog = catalog;
        _logger = logger;
        _listAll = listAll;
        _createdAfter = createdAfter;
    }

    /// <summary>
    /// Starts the listing of every canceled subscription (with <c>listAll</c>), so that it runs beside the customer
    /// pages instead of holding up the first churned customer. A failure surfaces in <see cref="LastOfAsync"/>.
    /// </summary>
    public void StartListing(CancellationToken cancellationToken)
    {
        if (_listAll && _listing == null)
        {
            _listing = ListAllAsync(cancellationToken);
            // Observed here too, for a read that ends before any customer asks.
            _listing.ObserveFailure();
        }
    }

    /// <returns>The summary of the customer's last ended subscription; null when it never had one.</returns>
    public async Task<SubscriptionSummary?> LastOfAsync(string customerId, CancellationToken cancellationToken)
    {
        if (_listAll)
        {
            StartListing(cancellationToken);
            var lastByCustomer = await _listing!.ConfigureAwait(false);
            return lastByCustomer.TryGetValue(customerId, out var last) ? last : null;
        }

        var options = new SubscriptionListOptions
        {
            Customer = customerId,
            Status = "canceled",
            Limit = StripeCustomerReader.PageSize,
            Expand = Expansions
        };
        var page = await _list(options, cancellationToken).ConfigureAwait(false);
        var ended = page.Data.OrderByDescending(EndedAt).FirstOrDefault();
        if (ended == null)
        {
            return null;
        }

        await _catalog.EnsureAsync(Enumerable.Empty<Customer>(), new[] { ended }, cancellationToken)
            .ConfigureAwait(false);
        return SubscriptionSummaryMapper.Map(ended, null, _catalog, _logger);
    }

    private async Task<Dictionary<string, SubscriptionSummary>> ListAllAsync(CancellationToken cancellationToken)
    {
        var lastByCustomer = new Dictionary<string, SubscriptionSummary>(StringComparer.Ordinal);
        var options = new SubscriptionListOptions
        {
            Status = "canceled",
            Limit = StripeCustomerReader.PageSize,
            Expand = Expansions,
            Created = _createdAfter is { } after ? new DateRangeOptions { GreaterThan = after.UtcDateTime } : null,
        };
        while (true)
        {
            var page = await _list(options, cancellationToken).ConfigureAwait(false);
            await _catalog.EnsureAsync(Enumerable.Empty<Customer>(), page.Data, cancellationToken)
                .ConfigureAwait(false);
            foreach (var subscription in page.Data)
            {
                if (subscription.CustomerId == null)
                {
                    continue;
                }

                if (lastByCustomer.TryGetValue(subscription.CustomerId, out var known)
                    && (known.EndedAt ?? known.CanceledAt) >= EndedAt(subscription))
                {
                    continue;
                }

                lastByCustomer[subscription.CustomerId] =
                    SubscriptionSummaryMapper.Map(subscription, null, _catalog, _logger);
            }
            if (!page.HasMore || page.Data.Count == 0)
            {
                break;
            }

            options.StartingAfter = page.Data[page.Data.Count - 1].Id;
        }
        _logger.LogDebug("Read {Count} churned customers' last subscriptions.", lastByCustomer.Count);
        return lastByCustomer;
    }

    private static DateTimeOffset? EndedAt(Subscription subscription) =>
        StripeTime.At(subscription.EndedAt) ?? StripeTime.At(subscription.CanceledAt);
}
