using System;
using Microsoft.Extensions.Logging;
using StripeIntercom.Connection;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;

namespace StripeIntercom.Runs;

/// <summary>
/// The clients one job works with: a Stripe reader and an Intercom client (over the connection's pools when opened from
/// a <see cref="ServiceConnection"/>), and the counters their resilience handlers fill, for the run's summary.
/// </summary>
public sealed class SyncServices : IDisposable
{
    private readonly bool _ownsClients;

    /// <param name="ownsClients">True when disposing these services disposes the reader and the client.</param>
    public SyncServices(StripeCustomerReader stripe, IntercomClient intercom, ResilienceCounters? counters = null,
        ConnectionInfo? connection = null, bool ownsClients = true)
    {
        Stripe = stripe ?? throw new ArgumentNullException(nameof(stripe));
        Intercom = intercom ?? throw new ArgumentNullException(nameof(intercom));
        Counters = counters ?? new ResilienceCounters();
        Connection = connection;
        _ownsClients = ownsClients;
    }

    /// <summary>New clients over <paramref name="connection"/>'s pools, with the settings' Intercom budget.</summary>
    public static SyncServices Open(ServiceConnection connection, SyncSettings settings, ILogger? logger)
    {
        if (connection == null)
        {
            throw new ArgumentNullException(nameof(connection));
        }

        var counters = new ResilienceCounters();
        var stripe = connection.CreateStripeReader(logger, counters);
        var intercom = connection.CreateIntercomClient(logger, counters, settings.IntercomBudget());
        return new SyncServices(stripe, intercom, counters, connection.Info);
    }

    public StripeCustomerReader Stripe { get; }
    public IntercomClient Intercom { get; }
    public ResilienceCounters Counters { get; }

    /// <summary>Where the clients are connected (workspace, region, Stripe mode); null for clients made by
    /// hand.</summary>
    public ConnectionInfo? Connection { get; }

    public void Dispose()
    {
        if (_ownsClients)
        {
            Stripe.Dispose();
            Intercom.Dispose();
        }
    }
}
