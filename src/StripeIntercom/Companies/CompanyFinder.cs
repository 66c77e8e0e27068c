using System;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;

namespace StripeIntercom.Companies;

/// <summary>
/// Finds the Intercom company a Stripe customer is billed for, by the company_id the company sync writes
/// (<see cref="CompanySyncOptions.CompanyIdFor"/>: metadata[<see cref="CompanySyncOptions.CompanyIdMetadataKey"/>],
/// else the customer id). A deleted customer, whose metadata Stripe no longer returns, is looked up by its own id.
/// </summary>
public sealed class CompanyFinder
{
    private readonly IntercomClient _client;
    private readonly StripeCustomerReader? _stripe;

    /// <param name="stripe">
    /// Reads a customer given by id; without it, the customer id is the company_id looked up.
    /// </param>
    public CompanyFinder(IntercomClient client, CompanySyncOptions? options = null, StripeCustomerReader? stripe = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Options = options ?? new CompanySyncOptions();
        _stripe = stripe;
    }

    public CompanySyncOptions Options { get; }

    /// <summary>The company_id the sync gives this customer's company.</summary>
    public string CompanyIdFor(CustomerProfile profile)
    {
        if (profile == null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        return profile.Deleted ? profile.Id : Options.CompanyIdFor(profile);
    }

    /// <summary>The customer's company, or null.</summary>
    public Task<IntercomCompany?> FindAsync(CustomerProfile profile, CancellationToken cancellationToken = default) =>
        _client.FindCompanyByCompanyIdAsync(CompanyIdFor(profile), cancellationToken);

    /// <summary>
    /// The company of a customer given by id, read from Stripe as it is now (when a reader was given), or null.
    /// </summary>
    public async Task<IntercomCompany?> FindAsync(string customerId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(customerId))
        {
            throw new ArgumentException("A customer id is required.", nameof(customerId));
        }

        var profile = _stripe == null
            ? null
            : await _stripe.GetAsync(customerId, cancellationToken).ConfigureAwait(false);
        var companyId = profile == null ? customerId : CompanyIdFor(profile);
        return await _client.FindCompanyByCompanyIdAsync(companyId, cancellationToken).ConfigureAwait(false);
    }
}
