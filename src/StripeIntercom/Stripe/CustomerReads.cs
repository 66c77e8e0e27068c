using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace StripeIntercom.Stripe;

/// <summary>
/// Get-StripeCustomerProfile's two ways of reading, as one stream of <see cref="CustomerRead"/>: the ids asked for,
/// one by one (a missing customer is a read without a profile), or the customers a query lists, page by page.
/// </summary>
public static class CustomerReads
{
    public static async IAsyncEnumerable<CustomerRead> ReadByIdsAsync(this StripeCustomerReader reader,
        IEnumerable<string> ids, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var id in ids)
        {
            yield return new CustomerRead(id, await reader.GetAsync(id, cancellationToken).ConfigureAwait(false));
        }
    }

    public static async IAsyncEnumerable<CustomerRead> ReadListAsync(this StripeCustomerReader reader,
        CustomerQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var profile in reader.ReadAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return new CustomerRead(profile.Id, profile);
        }
    }
}
