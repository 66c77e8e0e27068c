using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using global::Stripe;
using Microsoft.Extensions.Logging;

namespace StripeIntercom.Stripe;

/// <summary>
/// Reads Stripe customers as <see cref="CustomerProfile"/>s in bulk, at a cost of a few calls per 100 customers:
/// one customers page of 100 carries each customer's subscriptions (with their latest invoice, default payment method
/// and discounts), default payment method and default source through expansion; only a customer whose embedded
/// subscriptions list is cut (has_more, more than 10) costs a separate subscriptions call, and a subscription with a
/// discount on an item (out of expansion's reach) one call. Product names, tiers of tiered prices and coupons come from
/// a <see cref="BillingCatalog"/> read once; churned customers' last subscriptions from
/// <see cref="CanceledSubscriptions"/>. Stripe.net's own retries are off: retries and pacing belong to the handlers
/// given in <see cref="StripeSettings.InnerHandler"/>.
/// </summary>
public sealed class StripeCustomerReader : IDisposable
{
    public const int PageSize = 100;

    /// <summary>Calls made side by side for one page's customers whose subscriptions the page did not carry
    /// whole.</summary>
    private const int ExtraReadsAtOnce = 8;

    /// <summary>
    /// Customer pages read, with their extra calls started, ahead of the customers being yielded: the first churned
    /// customer waits for the whole canceled listing, and a consumer writing in bulk waits for Intercom's setup, while
    /// the reading of Stripe goes on.
    /// </summary>
    internal const int PagesAhead = 8;

    /// <summary>Stripe keeps events for 30 days, so deleted customers are only known that far back.</summary>
    public static readonly TimeSpan EventRetention = TimeSpan.FromDays(30);

    // Expansion paths from a customers list; Stripe's depth limit is 4, so items.price.product, items.price.tiers,
    // items.data.discounts and discounts' source.coupon are out of reach.
    private static readonly string[] ListExpansions =
    {
        "data.subscriptions",
        "data.subscriptions.data.latest_invoice",
        "data.subscriptions.data.default_payment_method",
        "data.subscriptions.data.discounts",
        "data.invoice_settings.default_payment_method",
        "data.default_source",
    };

    private static readonly string[] SubscriptionExpansions =
        { "data.latest_invoice", "data.default_payment_method", "data.discounts", "data.items.data.discounts" };

    private static readonly string[] SingleSubscriptionExpansions =
        SubscriptionExpansions.Select(p => p.Substring("data.".Length)).ToArray();

    private readonly HttpClient _httpClient;
    private readonly StripeClient _stripeClient;
    private readonly ApiCallCountingHandler _counter;
    private readonly CustomerService _customers;
    private readonly SubscriptionService _subscriptions;
    private readonly EventService _events;
    private readonly BillingCatalog _catalog;
    private readonly bool _livemodeKey;
    private readonly ILogger _logger;

    public StripeCustomerReader(StripeSettings settings, ILogger? logger = null)
    {
        if (settings == null)
        {
            throw new ArgumentNullException(nameof(settings));
        }

        if (string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            throw new ArgumentException("A Stripe API key is required.", nameof(settings));
        }

        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _counter = new ApiCallCountingHandler(logger);
        _httpClient = new HttpClient(BuildPipeline(settings, _counter), disposeHandler: true);
        var client = _stripeClient = new StripeClient(new StripeClientOptions
        {
            ApiKey = settings.ApiKey,
            ApiBase = settings.ApiBase?.GetLeftPart(UriPartial.Path).TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(_httpClient, maxNetworkRetries: 0),
        });
        _customers = new CustomerService(client);
        _subscriptions = new SubscriptionService(client);
        _events = new EventService(client);
        var products = new ProductService(client);
        var prices = new PriceService(client);
        var coupons = new CouponService(client);
        _catalog = new BillingCatalog(
            new StripeObjectCache<Product>(
                (after, token) => SendAsync(
                    () => products.ListAsync(new ProductListOptions { Limit = PageSize, StartingAfter = after }, null,
                    token)),
                (id, token) => SendAsync(() => products.GetAsync(id, null, null, token))),
            new StripeObjectCache<Price>(
                null,
                (id, token) => SendAsync(() =>
                    prices.GetAsync(id, new PriceGetOptions { Expand = new List<string> { "tiers" } }, null, token))),
            new StripeObjectCache<Coupon>(
                (after, token) => SendAsync(() =>
                    coupons.ListAsync(new CouponListOptions { Limit = PageSize, StartingAfter = after }, null, token)),
                (id, token) => SendAsync(() => coupons.GetAsync(id, null, null, token))));
        _livemodeKey = settings.ApiKey.StartsWith("sk_live_", StringComparison.Ordinal)
            || settings.ApiKey.StartsWith("rk_live_", StringComparison.Ordinal);
    }

    /// <summary>HTTP requests actually sent to Stripe (each retry counts).</summary>
    public long ApiCalls => _counter.Total;

    /// <summary>Requests sent per route, e.g. "GET /v1/customers" or "GET /v1/products/{id}".</summary>
    public IReadOnlyDictionary<string, long> ApiCallsByRoute => _counter.ByRoute;

    /// <summary>One cheap call (a customers page of one).</summary>
    /// <exception cref="StripeCredentialsException">Stripe rejected the key.</exception>
    public Task VerifyCredentialsAsync(CancellationToken cancellationToken = default) =>
        SendAsync(() => _customers.ListAsync(new CustomerListOptions { Limit = 1 }, null, cancellationToken));

    /// <summary>
    /// Streams profiles page by page (100 customers a page, newest first), in order; pages and their extra calls are
    /// read up to <see cref="PagesAhead"/> pages ahead of the customers yielded. Deleted customers follow the live ones
    /// when <see cref="CustomerQuery.IncludeDeleted"/>.
    /// </summary>
    /// <exception cref="StripeCredentialsException">Stripe rejected the key.</exception>
    public async IAsyncEnumerable<CustomerProfile> ReadAsync(CustomerQuery? query = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        query = query ?? CustomerQuery.All;
        var yielded = 0;
        var canceled = CanceledFor(query);
        var liveIds = query.IncludeDeleted ? new HashSet<string>(StringComparer.Ordinal) : null;
        var pages = ReadAhead.Of(LivePageProfilesAsync(query, canceled), PagesAhead, cancellationToken);
        await foreach (var profilesOfPage in pages.ConfigureAwait(false))
        {
            foreach (var nextProfile in await profilesOfPage.ConfigureAwait(false))
            {
                var profile = await nextProfile.ConfigureAwait(false);
                liveIds?.Add(profile.Id);
                yield return profile;
                if (++yielded == query.First)
                {
                    yield break;
                }
            }
        }

        if (liveIds == null)
        {
            yield break;
        }

        await foreach (var deleted in ReadDeletedAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (!liveIds.Add(deleted.Id))
            {
                continue;
            }

            yield return deleted;
            if (++yielded == query.First)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The query's pages of live customers, each as the profiles of its customers in order: mapped as soon as the
    /// page's extra reads are done, so that pages waiting for the consumer hold profiles rather than Stripe's objects;
    /// a churned customer's once the canceled listing is done.
    /// </summary>
    private async IAsyncEnumerable<Task<IReadOnlyList<Task<CustomerProfile>>>> LivePageProfilesAsync(
        CustomerQuery query, CanceledSubscriptions canceled,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in LivePagesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            if (page.Data.Any(c => c.Subscriptions is { HasMore: false, Data.Count: 0 }))
            {
                // A customer without a live subscription asks for its last canceled one: the listing of them runs
                // beside the pages.
                canceled.StartListing(cancellationToken);
            }

            var profiles = ProfilesOfPageAsync(page.Data, canceled, cancellationToken);
            profiles.ObserveFailure();
            yield return profiles;
        }
    }

    private async Task<IReadOnlyList<Task<CustomerProfile>>> ProfilesOfPageAsync(IReadOnlyList<Customer> customers,
        CanceledSubscriptions canceled, CancellationToken cancellationToken)
    {
        var subscriptionsByCustomer =
            await SubscriptionsOfPageAsync(customers, cancellationToken).ConfigureAwait(false);
        // A read of a few customers asks Stripe for each churned one's last subscription: as many at a time as the
        // page's other extra reads.
        var turns = new SemaphoreSlim(ExtraReadsAtOnce);
        var profiles = new List<Task<CustomerProfile>>(customers.Count);
        foreach (var customer in customers)
        {
            var subscriptions = subscriptionsByCustomer[customer.Id];
            profiles.Add(subscriptions.Count == 0
                ? ProfileOfChurnedAsync(customer, canceled, turns, cancellationToken)
                : Mapped(() => CustomerProfileMapper.Map(customer, subscriptions, null, _catalog, _logger)));
        }

        return profiles;
    }

    private async Task<CustomerProfile> ProfileOfChurnedAsync(Customer customer, CanceledSubscriptions canceled,
        SemaphoreSlim turns, CancellationToken cancellationToken)
    {
        var lastCanceled = await TakingTurnAsync(turns, () => canceled.LastOfAsync(customer.Id, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return CustomerProfileMapper.Map(customer, Array.Empty<Subscription>(), lastCanceled, _catalog, _logger);
    }

    /// <summary>A mapping that fails reaches the consumer at its own customer, after the ones before it.</summary>
    private static Task<CustomerProfile> Mapped(Func<CustomerProfile> map)
    {
        try
        {
            return Task.FromResult(map());
        }
        catch (Exception e)
        {
            return Task.FromException<CustomerProfile>(e);
        }
    }

    /// <summary>
    /// The query's pages of live customers, newest first. Each page is requested as soon as the one before it arrives,
    /// so it is on its way while that one's subscriptions are completed and its customers synced; a read that ends
    /// early cancels the page still on its way.
    /// </summary>
    private async IAsyncEnumerable<StripeList<Customer>> LivePagesAsync(CustomerQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var limit = Math.Min(PageSize, Remaining(query, 0));
        if (limit == 0)
        {
            yield break;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var options = new CustomerListOptions
        {
            Email = query.Email,
            Created = CreatedRange(query),
            Expand = ListExpansions.ToList(),
            StartingAfter = query.StartingAfter,
            Limit = limit,
        };
        var requested = limit;
        Task<StripeList<Customer>>? next = ListCustomersPageAsync(options, query, stop.Token);
        try
        {
            while (next != null)
            {
                var page = await next.ConfigureAwait(false);
                next = null;
                limit = Math.Min(PageSize, Remaining(query, requested));
                if (page.HasMore && page.Data.Count > 0 && limit > 0)
                {
                    // The listing's options as the request left them: a resume point that no longer existed has
                    // turned into a created range, which every later page keeps.
                    options = new CustomerListOptions
                    {
                        Email = options.Email,
                        Created = options.Created,
                        Expand = options.Expand,
                        StartingAfter = page.Data[page.Data.Count - 1].Id,
                        Limit = limit,
                    };
                    requested += limit;
                    next = ListCustomersPageAsync(options, query, stop.Token);
                }

                yield return page;
            }
        }
        finally
        {
            if (next == null)
            {
                stop.Dispose();
            }
            else
            {
                stop.Cancel();
                _ = next.ContinueWith(t =>
                {
                    stop.Dispose();
                    return t.Exception;
                }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// One customers page. A resume point that no longer exists (the customer was deleted since the checkpoint) makes
    /// Stripe answer 400 resource_missing for every later run; the listing then restarts from the resume point's
    /// creation time, or from the start when it is unknown. Customers of that second may be synced again, which
    /// writes nothing when they are unchanged.
    /// </summary>
    private async Task<StripeList<Customer>> ListCustomersPageAsync(CustomerListOptions options, CustomerQuery query,
        CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(() => _customers.ListAsync(options, null, cancellationToken)).ConfigureAwait(false);
        }
        catch (StripeException e) when (query.StartingAfter != null && options.StartingAfter == query.StartingAfter
            && e.StripeError?.Code == "resource_missing" && e.StripeError?.Param == "starting_after")
        {
            _logger.LogWarning(
                "The resume point, Stripe customer {CustomerId}, no longer exists; listing again from {Created}.",
                query.StartingAfter, query.StartingAfterCreated?.ToString("u") ?? "the newest customer");
            options.StartingAfter = null;
            if (query.StartingAfterCreated is { } created)
            {
                var range = options.Created?.Value as DateRangeOptions ?? new DateRangeOptions();
                range.LessThan = null;
                range.LessThanOrEqual = created.UtcDateTime;
                if (query.CreatedBefore is { } before && before <= created)
                {
                    range.LessThan = before.UtcDateTime;
                }

                options.Created = range;
            }

            return await SendAsync(() => _customers.ListAsync(options, null, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <returns>The profile; for a deleted customer one with <see cref="CustomerProfile.Deleted"/> set; null for an
    /// unknown id.</returns>
    /// <exception cref="StripeCredentialsException">Stripe rejected the key.</exception>
    public async Task<CustomerProfile?> GetAsync(string customerId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(customerId))
        {
            throw new ArgumentException("A customer id is required.", nameof(customerId));
        }

        Customer customer;
        try
        {
            var options =
                new CustomerGetOptions { Expand = ListExpansions.Select(p => p.Substring("data.".Length)).ToList() };
            customer = await SendAsync(() => _customers.GetAsync(customerId, options, null, cancellationToken))
                .ConfigureAwait(false);
        }
        catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        if (customer.Deleted == true)
        {
            return CustomerProfileMapper.Deleted(customer, _livemodeKey);
        }

        var subscriptions =
            (await SubscriptionsOfPageAsync(new[] { customer }, cancellationToken).ConfigureAwait(false))[customer.Id];
        var lastCanceled = subscriptions.Count == 0
            ? await Canceled(listAll: false).LastOfAsync(customer.Id, cancellationToken).ConfigureAwait(false)
            : null;
        return CustomerProfileMapper.Map(customer, subscriptions, lastCanceled, _catalog, _logger);
    }

    /// <summary>
    /// Reads billing events from Stripe events over this reader's client: plan names from the cached catalog, a
    /// dispute's customer from its charge (one call per dispute).
    /// </summary>
    public Events.BillingEventReader CreateBillingEventReader() => new Events.BillingEventReader(
        async (productId, token) =>
        {
            await _catalog.EnsureProductsAsync(new[] { productId }, token).ConfigureAwait(false);
            return _catalog.ProductName(productId);
        },
        async (chargeId, token) =>
        {
            try
            {
                var charge = await SendAsync(() => new ChargeService(_stripeClient).GetAsync(chargeId, null, null,
                    token)).ConfigureAwait(false);
                return charge.CustomerId;
            }
            catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
        });

    /// <summary>One event by id, or null when Stripe no longer has it (events are kept 30 days).</summary>
    public async Task<Event?> GetEventAsync(string eventId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendAsync(() => _events.GetAsync(eventId, null, null, cancellationToken))
                .ConfigureAwait(false);
        }
        catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A feed of changed customers over this reader's client, so its calls are counted with the
    /// rest.</summary>
    public Incremental.ChangedCustomerFeed CreateChangeFeed() => new Incremental.ChangedCustomerFeed(_stripeClient);

    public void Dispose() => _httpClient.Dispose();

    /// <summary>
    /// Where churned customers' last subscriptions come from: one listing of every canceled subscription for a read of
    /// many customers, a call per churned customer for a read of a few (an email, a first page or less).
    /// </summary>
    private CanceledSubscriptions CanceledFor(CustomerQuery query) =>
        Canceled(listAll: query.Email == null && (query.First == null || query.First > PageSize), query.CreatedAfter);

    private CanceledSubscriptions Canceled(bool listAll, DateTimeOffset? createdAfter = null) =>
        new CanceledSubscriptions(
            (options, token) => SendAsync(() => _subscriptions.ListAsync(options, null, token)), _catalog, _logger,
                listAll, createdAfter);

    /// <summary>
    /// Each customer's subscriptions: the embedded list, or, where Stripe cut it (has_more), a full subscriptions
    /// listing for that customer; a subscription whose items carry discounts is read again with them expanded. These
    /// reads go <see cref="ExtraReadsAtOnce"/> at a time: the page's customers wait for them all. Then makes sure
    /// every product, tiered price and coupon named is in the catalog, so mapping needs no further calls.
    /// </summary>
    private async Task<Dictionary<string, IReadOnlyList<Subscription>>> SubscriptionsOfPageAsync(
        IReadOnlyList<Customer> customers, CancellationToken cancellationToken)
    {
        using var turns = new SemaphoreSlim(ExtraReadsAtOnce);
        var lists = await Task.WhenAll(customers.Select(c => SubscriptionsOfAsync(c, turns, cancellationToken)))
            .ConfigureAwait(false);
        var result = new Dictionary<string, IReadOnlyList<Subscription>>(StringComparer.Ordinal);
        for (var i = 0; i < customers.Count; i++)
        {
            result[customers[i].Id] = lists[i];
        }

        await _catalog.EnsureAsync(customers, result.Values.SelectMany(s => s), cancellationToken)
            .ConfigureAwait(false);
        return result;
    }

    private async Task<IReadOnlyList<Subscription>> SubscriptionsOfAsync(Customer customer, SemaphoreSlim turns,
        CancellationToken cancellationToken)
    {
        var embedded = customer.Subscriptions;
        var subscriptions = embedded == null || embedded.HasMore
            ? await TakingTurnAsync(turns, () => ListSubscriptionsAsync(customer.Id, cancellationToken),
                cancellationToken).ConfigureAwait(false)
            : embedded.Data;
        for (var i = 0; i < subscriptions.Count; i++)
        {
            if (HasUnexpandedItemDiscounts(subscriptions[i]))
            {
                var id = subscriptions[i].Id;
                subscriptions[i] = await TakingTurnAsync(turns, () => SendAsync(() => _subscriptions.GetAsync(id,
                    new SubscriptionGetOptions { Expand = SingleSubscriptionExpansions.ToList() }, null,
                    cancellationToken)), cancellationToken).ConfigureAwait(false);
            }
        }

        return subscriptions;
    }

    private static async Task<T> TakingTurnAsync<T>(SemaphoreSlim turns, Func<Task<T>> read,
        CancellationToken cancellationToken)
    {
        await turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await read().ConfigureAwait(false);
        }
        finally
        {
            turns.Release();
        }
    }

    private static bool HasUnexpandedItemDiscounts(Subscription subscription) =>
        (subscription.Items?.Data ?? new List<SubscriptionItem>())
            .Any(i => i.Discounts != null && i.Discounts.Any(d => d == null));

    private async Task<List<Subscription>> ListSubscriptionsAsync(string customerId,
        CancellationToken cancellationToken)
    {
        var all = new List<Subscription>();
        var options = new SubscriptionListOptions
        {
            Customer = customerId,
            Limit = PageSize,
            Expand = SubscriptionExpansions.ToList()
        };
        while (true)
        {
            var page =
                await SendAsync(() => _subscriptions.ListAsync(options, null, cancellationToken)).ConfigureAwait(false);
            all.AddRange(page.Data);
            if (!page.HasMore || page.Data.Count == 0)
            {
                return all;
            }

            options.StartingAfter = page.Data[page.Data.Count - 1].Id;
        }
    }

    private async IAsyncEnumerable<CustomerProfile> ReadDeletedAsync(CustomerQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new EventListOptions
        {
            Types = new List<string> { "customer.deleted" },
            Created = new DateRangeOptions { GreaterThanOrEqual = DateTime.UtcNow - EventRetention },
            Limit = PageSize,
        };
        while (true)
        {
            var page = await SendAsync(() => _events.ListAsync(options, null, cancellationToken)).ConfigureAwait(false);
            foreach (var stripeEvent in page.Data)
            {
                if (!(stripeEvent.Data?.Object is Customer customer))
                {
                    continue;
                }

                var profile = CustomerProfileMapper.Deleted(customer, stripeEvent.Livemode);
                if (Matches(query, profile))
                {
                    yield return profile;
                }
            }
            if (!page.HasMore || page.Data.Count == 0)
            {
                yield break;
            }

            options.StartingAfter = page.Data[page.Data.Count - 1].Id;
        }
    }

    private static bool Matches(CustomerQuery query, CustomerProfile profile) =>
        (query.Email == null || string.Equals(query.Email, profile.Email, StringComparison.Ordinal))
        && (query.CreatedAfter == null || profile.Created > query.CreatedAfter)
        && (query.CreatedBefore == null || profile.Created < query.CreatedBefore);

    private static int Remaining(CustomerQuery query, int yielded) =>
        query.First == null ? int.MaxValue : Math.Max(0, query.First.Value - yielded);

    private static AnyOf<DateTime?, DateRangeOptions>? CreatedRange(CustomerQuery query)
    {
        if (query.CreatedAfter == null && query.CreatedBefore == null)
        {
            return null;
        }

        return new DateRangeOptions
        {
            GreaterThan = query.CreatedAfter?.UtcDateTime,
            LessThan = query.CreatedBefore?.UtcDateTime
        };
    }

    private static HttpMessageHandler BuildPipeline(StripeSettings settings, ApiCallCountingHandler counter)
    {
        var inner = settings.InnerHandler;
        if (inner == null)
        {
            counter.InnerHandler = new HttpClientHandler();
            return counter;
        }
        var last = inner as DelegatingHandler;
        while (last?.InnerHandler is DelegatingHandler next)
        {
            last = next;
        }

        if (last != null && last.InnerHandler == null)
        {
            counter.InnerHandler = new HttpClientHandler();
            last.InnerHandler = counter;
            return inner;
        }
        counter.InnerHandler = inner;
        return counter;
    }

    private async Task SendAsync(Func<Task> call) =>
        await SendAsync(async () => { await call().ConfigureAwait(false); return true; }).ConfigureAwait(false);

    /// <summary>Turns Stripe's 401 into <see cref="StripeCredentialsException"/>, dropping Stripe's message: it quotes
    /// the masked key.</summary>
    private static async Task<T> SendAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.Unauthorized)
        {
            throw new StripeCredentialsException { RequestId = e.StripeResponse?.RequestId };
        }
    }
}
