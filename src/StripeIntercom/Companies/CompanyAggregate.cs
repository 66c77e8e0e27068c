using System;
using System.Collections.Generic;
using System.Linq;
using StripeIntercom.Intercom;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.Companies;

/// <summary>
/// Everything one company_id's customers contribute, kept small (one profile, sums and ids) and independent of the
/// order customers arrive in, so two runs over the same data write the same company.
/// <list type="bullet">
/// <item>The primary customer: the one whose primary subscription ranks best (<see cref="PrimarySubscriptionRule"/>),
/// then the lowest customer id. Status, plan, interval, period end, balance, currency and the dashboard URL are
/// its.</item>
/// <item>MRR is summed over the live customers billing in the primary customer's currency (other currencies are left
/// out, and said so in the log); subscriptions are counted over all; payment failing is true if any fails.</item>
/// <item>Deleted customers count only when no customer is live: the company is then marked deleted.</item>
/// </list>
/// Not thread-safe: the collector locks it.
/// </summary>
internal sealed class CompanyAggregate
{
    private readonly SortedDictionary<string, bool> _customers
        = new SortedDictionary<string, bool>(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _mrrByCurrency
        = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
    private readonly List<SubscriptionSummary> _subscriptions = new List<SubscriptionSummary>();

    public CompanyAggregate(string companyId) => CompanyId = companyId;

    public string CompanyId { get; }

    /// <summary>The company as Intercom holds it, once read (null: not read yet, or it does not exist).</summary>
    public IntercomCompany? Existing { get; set; }

    /// <summary>True once <see cref="Existing"/> has been looked up.</summary>
    public bool ExistingKnown { get; set; }

    public CustomerProfile? Primary { get; private set; }
    public CustomerProfile? Deleted { get; private set; }
    public bool PaymentFailing { get; private set; }

    public bool HasLiveCustomers => Primary != null;
    public bool Contains(string customerId) => _customers.ContainsKey(customerId);

    /// <summary>Live customers, or when there are none, the deleted ones; sorted.</summary>
    public IReadOnlyList<string> CustomerIds =>
        _customers.Where(p => HasLiveCustomers ? !p.Value : p.Value).Select(p => p.Key).ToList();

    public IReadOnlyList<string> AllCustomerIds => _customers.Keys.ToList();

    public IReadOnlyList<string> LiveCustomerIds => _customers.Where(p => !p.Value).Select(p => p.Key).ToList();

    /// <summary>Adds a customer once; a second report of the same customer changes nothing.</summary>
    public void Add(CustomerProfile profile)
    {
        if (_customers.ContainsKey(profile.Id))
        {
            return;
        }

        _customers[profile.Id] = profile.Deleted;
        if (profile.Deleted)
        {
            if (Deleted == null || string.CompareOrdinal(profile.Id, Deleted.Id) < 0)
            {
                Deleted = profile;
            }

            return;
        }

        if (Primary == null || Better(profile, Primary))
        {
            Primary = profile;
        }

        var currency = profile.MrrCurrency ?? profile.Currency;
        if (currency != null)
        {
            _mrrByCurrency.TryGetValue(currency, out var sum);
            _mrrByCurrency[currency] = sum + profile.Mrr;
        }

        _subscriptions.AddRange(profile.Subscriptions);
        PaymentFailing |= profile.PaymentFailing;
    }

    /// <summary>MRR currencies other than the primary customer's (their MRR is not in the sum).</summary>
    public IEnumerable<string> OtherCurrencies
    {
        get
        {
            var currency = MrrCurrency;
            return _mrrByCurrency
                .Where(p => p.Value != 0 && !string.Equals(p.Key, currency, StringComparison.OrdinalIgnoreCase))
                .Select(p => p.Key);
        }
    }

    private string? MrrCurrency => Primary?.MrrCurrency ?? Primary?.Currency
        ?? _mrrByCurrency.Keys.OrderBy(k => k, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// The profile the company's attributes are computed from (computed attributes get it as $_): the primary
    /// customer's, with MRR, subscriptions and payment failing over all live customers; the deleted one when none is
    /// live.
    /// </summary>
    public CustomerProfile CompanyProfile()
    {
        if (Primary == null)
        {
            return Deleted ?? throw new InvalidOperationException($"Company {CompanyId} has no customers.");
        }

        var currency = MrrCurrency;
        var mrr = currency != null && _mrrByCurrency.TryGetValue(currency, out var sum) ? sum : 0m;
        var p = Primary;
        return new CustomerProfile
        {
            Id = p.Id,
            Email = p.Email,
            Name = p.Name,
            Created = p.Created,
            Livemode = p.Livemode,
            Deleted = false,
            Balance = p.Balance,
            Currency = p.Currency,
            Delinquent = p.Delinquent,
            Subscriptions = _subscriptions.ToList(),
            PrimarySubscription = p.PrimarySubscription,
            Mrr = mrr,
            MrrCurrency = currency,
            LatestInvoice = p.LatestInvoice,
            PaymentFailing = PaymentFailing,
            PaymentFailingSince = p.PaymentFailingSince,
            DefaultCard = p.DefaultCard,
            DashboardUrl = p.DashboardUrl,
            Metadata = p.Metadata,
        };
    }

    /// <summary>Monthly spend in whole units of the MRR currency (Intercom stores integers), rounded half away from
    /// zero.</summary>
    public long MonthlySpend(CustomerProfile companyProfile) =>
        (long)Math.Round(companyProfile.Mrr, 0, MidpointRounding.AwayFromZero);

    /// <summary>True when <paramref name="a"/> ranks before <paramref name="b"/> as the company's primary
    /// customer.</summary>
    internal static bool Better(CustomerProfile a, CustomerProfile b)
    {
        var rankA = a.PrimarySubscription == null ? int.MaxValue
                                                  : PrimarySubscriptionRule.StatusRank(a.PrimarySubscription.Status);
        var rankB = b.PrimarySubscription == null ? int.MaxValue
                                                  : PrimarySubscriptionRule.StatusRank(b.PrimarySubscription.Status);
        if (rankA != rankB)
        {
            return rankA < rankB;
        }

        var monthlyA = a.PrimarySubscription?.MonthlyAmount ?? 0m;
        var monthlyB = b.PrimarySubscription?.MonthlyAmount ?? 0m;
        if (monthlyA != monthlyB)
        {
            return monthlyA > monthlyB;
        }

        var createdA = a.PrimarySubscription?.Created ?? default;
        var createdB = b.PrimarySubscription?.Created ?? default;
        if (createdA != createdB)
        {
            return createdA > createdB;
        }

        return string.CompareOrdinal(a.Id, b.Id) < 0;
    }
}
