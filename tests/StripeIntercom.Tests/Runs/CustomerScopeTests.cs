using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Runs;

/// <summary>
/// Each API call made during a customer's sync is logged while <see cref="CustomerScope"/> names that customer.
/// </summary>
public class CustomerScopeTests
{
    [Fact]
    public async Task Names_the_customer_in_its_own_flow_only_and_restores_the_one_before()
    {
        Assert.Null(CustomerScope.CurrentCustomerId);
        using (CustomerScope.Begin("cus_outer"))
        {
            var inner = Task.Run(async () =>
            {
                using var scope = CustomerScope.Begin("cus_inner");
                await Task.Yield();
                return CustomerScope.CurrentCustomerId;
            });
            Assert.Equal("cus_inner", await inner);
            Assert.Equal("cus_outer", CustomerScope.CurrentCustomerId);
        }

        Assert.Null(CustomerScope.CurrentCustomerId);
    }

    [Fact]
    public async Task Every_call_of_a_concurrent_sync_is_logged_under_the_customer_it_serves()
    {
        await using var rig = await EngineRig.StartAsync(customers: 12);
        var logger = new ScopeRecordingLogger();
        using var reader = new StripeCustomerReader(
            new StripeSettings { ApiKey = rig.Stripe.Options.ApiKey, ApiBase = rig.Stripe.BaseUrl }, logger);
        using var client = new IntercomClient(
            new IntercomSettings { AccessToken = rig.Intercom.Options.AccessToken, ApiBase = rig.Intercom.BaseUrl },
            logger);
        var settings = new SyncSettings { LookupMode = ContactLookupMode.PerCustomer };
        using var job = new SyncJob(settings, new SyncServices(reader, client, ownsClients: false));
        var ids = rig.Stripe.State.LiveCustomers().Take(8).Select(c => c.Id).ToList();
        logger.Lines.Clear();

        // Through the shipped job, as the cmdlets run it: its hop to the thread pool must carry the scope.
        var results = new List<SyncResult>();
        var reporting = new SyncRunReporting(r =>
        {
            lock (results)
            {
                results.Add(r);
            }
        });
        Assert.Null((await job.RunAsync(ids, reporting, CancellationToken.None)).StopError);

        Assert.Equal(ids.Count, results.Count);

        Assert.All(results, r => Assert.Equal(SyncAction.Created, r.Action));
        var contactCalls = logger.Lines.Where(l => l.Message.Contains("/contacts")).ToList();
        Assert.NotEmpty(contactCalls);
        Assert.All(contactCalls, l => Assert.Contains(l.CustomerId, ids));
        foreach (var id in ids)
        {
            Assert.Contains(logger.Lines,
                l => l.CustomerId == id && l.Message.StartsWith("POST /contacts ", StringComparison.Ordinal));
        }

        Assert.Null(CustomerScope.CurrentCustomerId);
    }

    private sealed class ScopeRecordingLogger : ILogger
    {
        public ConcurrentQueue<(string? CustomerId, string Message)> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue((CustomerScope.CurrentCustomerId, formatter(state, exception)));
    }
}
