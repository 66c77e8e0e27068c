using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Companies;

/// <summary>
/// Gathers, while customers are synced, what each company needs: the customers' contributions by company_id, and
/// the contact of each customer with the companies it was attached to when read (so attaching needs no extra reads).
/// Deleted customers, whose metadata Stripe no longer returns, are kept apart until their company is found.
/// Thread-safe; one per run (<see cref="Runs.SyncJobRun"/> makes it).
/// </summary>
public sealed class CompanyCollector
{
    private readonly ConcurrentDictionary<string, CompanyAggregate> _companies
        = new ConcurrentDictionary<string, CompanyAggregate>(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CustomerProfile> _deleted
        = new ConcurrentDictionary<string, CustomerProfile>(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ContactSeen> _contacts
        = new ConcurrentDictionary<string, ContactSeen>(StringComparer.Ordinal);

    public CompanyCollector(CompanySyncOptions options) => Options
        = options ?? throw new ArgumentNullException(nameof(options));

    public CompanySyncOptions Options { get; }

    /// <summary>
    /// True when the run sees every customer (a full run): a customer a company lists that the run did not see is
    /// then gone from it. Otherwise such customers are re-read from Stripe.
    /// </summary>
    public bool CoversAllCustomers { get; set; }

    /// <summary>Companies named so far (deleted customers' companies not yet included).</summary>
    public int CompanyCount => _companies.Count;

    /// <summary>The company_id of every company named so far, sorted.</summary>
    public IReadOnlyList<string> CompanyIds => _companies.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

    /// <summary>Every customer seen so far, live and deleted.</summary>
    public IReadOnlyCollection<string> AllCustomerIds()
    {
        var ids = new HashSet<string>(_deleted.Keys, StringComparer.Ordinal);
        foreach (var aggregate in _companies.Values)
        {
            lock (aggregate)
            {
                ids.UnionWith(aggregate.AllCustomerIds);
            }
        }

        return ids;
    }

    /// <summary>Adds a customer's contribution to its company (or, for a deleted one, keeps it until its company is
    /// found).</summary>
    public void Observe(CustomerProfile profile)
    {
        if (profile == null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        if (profile.Deleted)
        {
            _deleted.TryAdd(profile.Id, profile);
            return;
        }

        var aggregate = GetOrAdd(Options.CompanyIdFor(profile));
        lock (aggregate)
        {
            aggregate.Add(profile);
        }
    }

    /// <summary>Records the customer's contact, when the sync found or made one.</summary>
    public void ObserveContact(SyncResult result)
    {
        if (result == null)
        {
            throw new ArgumentNullException(nameof(result));
        }

        switch (result.Action)
        {
            case SyncAction.Created:
            case SyncAction.Updated:
            case SyncAction.Unchanged:
                if (result.ContactId == null && !result.WhatIf)
                {
                    return;
                }

                _contacts[result.CustomerId] = new ContactSeen(result.ContactId, result.ContactCompanies);
                break;
        }
    }

    internal CompanyAggregate GetOrAdd(string companyId) => _companies.GetOrAdd(
        companyId, id => new CompanyAggregate(id));

    internal bool TryGet(string companyId, out CompanyAggregate aggregate) => _companies.TryGetValue(
        companyId, out aggregate!);

    internal IReadOnlyList<CustomerProfile>
        DeletedCustomers => _deleted.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

    internal ContactSeen? ContactOf(string customerId) => _contacts.TryGetValue(customerId, out var seen) ? seen : null;

    /// <summary>A customer's contact as the sync saw it. A null id under -WhatIf is a contact the run would
    /// create.</summary>
    internal sealed class ContactSeen
    {
        public ContactSeen(string? contactId, IntercomContactCompanies? companies)
        {
            ContactId = contactId;
            Companies = companies;
        }

        public string? ContactId { get; }
        public IntercomContactCompanies? Companies { get; }
    }
}
