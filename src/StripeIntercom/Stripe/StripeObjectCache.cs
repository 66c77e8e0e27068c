using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using global::Stripe;

namespace StripeIntercom.Stripe;

/// <summary>
/// Objects shared by many customers (products, coupons, tiered prices), read once per run instead of once per customer.
/// With a <c>listPage</c>, the first unknown id loads the whole list in pages of 100 (catalogs are small); an id still
/// unknown afterwards (created since) is fetched by id once. An id Stripe no longer knows (404) is remembered as null.
/// </summary>
internal sealed class StripeObjectCache<T> where T : class, IHasId
{
    private readonly Func<string?, CancellationToken, Task<StripeList<T>>>? _listPage;
    private readonly Func<string, CancellationToken, Task<T>> _fetch;
    // Concurrent: GetAsync calls may map profiles on several threads while one of them fills the cache.
    private readonly ConcurrentDictionary<string, T?> _items =
        new ConcurrentDictionary<string, T?>(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
    private bool _listed;

    /// <param name="listPage">Reads the page after the given id (null: the first page); null when the objects are only
    /// fetched by id.</param>
    public StripeObjectCache(Func<string?, CancellationToken, Task<StripeList<T>>>? listPage,
        Func<string, CancellationToken, Task<T>> fetch)
    {
        _listPage = listPage;
        _fetch = fetch;
    }

    /// <returns>The object, or null when it is unknown to Stripe or not ensured.</returns>
    public T? Get(string? id) => id != null && _items.TryGetValue(id, out var item) ? item : null;

    public async Task EnsureAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var missing = ids.Where(id => !_items.ContainsKey(id)).Distinct().ToList();
        if (missing.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_listPage != null && !_listed)
            {
                await ListAllAsync(cancellationToken).ConfigureAwait(false);
                _listed = true;
            }
            foreach (var id in missing.Where(id => !_items.ContainsKey(id)))
            {
                await FetchAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ListAllAsync(CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            var page = await _listPage!(after, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Data)
            {
                _items[item.Id] = item;
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                return;
            }

            after = page.Data[page.Data.Count - 1].Id;
        }
    }

    private async Task FetchAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            _items[id] = await _fetch(id, cancellationToken).ConfigureAwait(false);
        }
        catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
        {
            _items[id] = null;
        }
    }
}
