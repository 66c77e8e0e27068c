using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using global::Stripe;

namespace StripeIntercom.Stripe
{
    /// <summary>
    /// Product names for plan names. The first unknown product loads the whole catalog in pages of 100 (catalogs are small
    /// and shared by every customer); a product still unknown afterwards (created since) is fetched by id once. Expansion
    /// cannot reach products from a customer list: data.subscriptions.data.items.data.price.product is deeper than Stripe's 4 levels.
    /// </summary>
    internal sealed class ProductCatalog
    {
        private readonly ProductService _products;
        private readonly Func<Func<Task>, Task> _call;
        // Concurrent: GetAsync calls may map profiles on several threads while one of them fills the catalog.
        private readonly ConcurrentDictionary<string, string?> _names = new ConcurrentDictionary<string, string?>(StringComparer.Ordinal);
        private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
        private bool _listed;

        public ProductCatalog(ProductService products, Func<Func<Task>, Task> call)
        {
            _products = products;
            _call = call;
        }

        public string? NameOf(string? productId) =>
            productId != null && _names.TryGetValue(productId, out var name) ? name : null;

        public async Task EnsureAsync(IEnumerable<string> productIds, CancellationToken cancellationToken)
        {
            var missing = productIds.Where(id => !_names.ContainsKey(id)).Distinct().ToList();
            if (missing.Count == 0) return;
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_listed)
                {
                    await ListAllAsync(cancellationToken).ConfigureAwait(false);
                    _listed = true;
                }
                foreach (var id in missing.Where(id => !_names.ContainsKey(id)))
                    await FetchAsync(id, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }

        private async Task ListAllAsync(CancellationToken cancellationToken)
        {
            var options = new ProductListOptions { Limit = 100 };
            while (true)
            {
                StripeList<Product> page = null!;
                await _call(async () => page = await _products.ListAsync(options, null, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
                foreach (var product in page.Data) _names[product.Id] = product.Name;
                if (!page.HasMore || page.Data.Count == 0) return;
                options.StartingAfter = page.Data[page.Data.Count - 1].Id;
            }
        }

        private async Task FetchAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                await _call(async () => _names[id] = (await _products.GetAsync(id, null, null, cancellationToken).ConfigureAwait(false)).Name).ConfigureAwait(false);
            }
            catch (StripeException e) when (e.HttpStatusCode == HttpStatusCode.NotFound)
            {
                _names[id] = null;
            }
        }
    }
}
