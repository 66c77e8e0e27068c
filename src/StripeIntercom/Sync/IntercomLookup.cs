using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Companies;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;

namespace StripeIntercom.Sync;

/// <summary>
/// The lookups Get-IntercomContact and Get-IntercomCompany make: by Stripe customer (as the sync finds contacts and
/// companies, through <see cref="ContactFinder"/> and <see cref="CompanyFinder"/>), by email, by id or by company_id;
/// each answers what it found or a message saying why nothing was.
/// </summary>
public sealed class IntercomLookup
{
    private readonly IntercomClient _client;
    private readonly ContactFinder? _contacts;
    private readonly CompanyFinder? _companies;

    public IntercomLookup(IntercomClient client, ContactFinder? contacts = null, CompanyFinder? companies = null)
    {
        _client = client;
        _contacts = contacts;
        _companies = companies;
    }

    public async Task<LookupResult<IntercomContact>> ContactOfCustomerAsync(string customerId,
        CancellationToken cancellationToken)
    {
        var found = await Contacts.FindAsync(customerId, cancellationToken).ConfigureAwait(false);
        return new LookupResult<IntercomContact>(found.Contact, found.NotFoundMessage);
    }

    public async Task<LookupResult<IntercomContact>> ContactOfProfileAsync(CustomerProfile profile,
        CancellationToken cancellationToken)
    {
        var found = await Contacts.FindAsync(profile, cancellationToken).ConfigureAwait(false);
        return new LookupResult<IntercomContact>(found.Contact, found.NotFoundMessage);
    }

    public async Task<LookupResult<IntercomContact>> ContactsByEmailAsync(string email,
        CancellationToken cancellationToken)
    {
        var page = await _client.SearchContactsAsync(
            IntercomSearchQuery.Field("email", "=", email), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new LookupResult<IntercomContact>(page.Contacts,
            $"No Intercom contact has the email '{email}' (search can lag a few minutes behind new contacts).");
    }

    public async Task<LookupResult<IntercomContact>> ContactByIdAsync(string id, CancellationToken cancellationToken)
    {
        var contact = await NullWhenMissing(() => _client.GetContactAsync(id, cancellationToken)).ConfigureAwait(false);
        return new LookupResult<IntercomContact>(contact, $"No Intercom contact has the id '{id}'.");
    }

    public async Task<LookupResult<IntercomCompany>> CompanyByCompanyIdAsync(string companyId,
        CancellationToken cancellationToken)
    {
        var company = await _client.FindCompanyByCompanyIdAsync(companyId, cancellationToken).ConfigureAwait(false);
        return new LookupResult<IntercomCompany>(company, $"No Intercom company has company_id '{companyId}'.");
    }

    public async Task<LookupResult<IntercomCompany>> CompanyByIdAsync(string id, CancellationToken cancellationToken)
    {
        var company = await NullWhenMissing(() => _client.GetCompanyAsync(id, cancellationToken)).ConfigureAwait(false);
        return new LookupResult<IntercomCompany>(company, $"No Intercom company has the id '{id}'.");
    }

    public async Task<LookupResult<IntercomCompany>> CompanyOfCustomerAsync(string customerId,
        CancellationToken cancellationToken)
    {
        var finder = _companies ?? throw new InvalidOperationException("This lookup has no company finder.");
        var company = await finder.FindAsync(customerId, cancellationToken).ConfigureAwait(false);
        return new LookupResult<IntercomCompany>(
            company, $"No Intercom company is billed to Stripe customer '{customerId}'.");
    }

    private ContactFinder Contacts =>
        _contacts ?? throw new InvalidOperationException("This lookup has no contact finder.");

    /// <summary>A 404 is an answer here (nothing has that id), not a failure.</summary>
    private static async Task<T?> NullWhenMissing<T>(Func<Task<T>> get)
        where T : class
    {
        try
        {
            return await get().ConfigureAwait(false);
        }
        catch (IntercomApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
