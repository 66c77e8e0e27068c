using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StripeIntercom.Events;
using StripeIntercom.Fakes.Intercom;
using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Resilience;
using StripeIntercom.Runs;
using StripeIntercom.Tests.Runs;
using StripeIntercom.Webhooks;
using Xunit;
using static StripeIntercom.Tests.Webhooks.SignedDeliveries;

namespace StripeIntercom.Tests.Events;

/// <summary>
/// Both fakes, a state-file run with -SyncEvents, and a webhook host fed the fake Stripe's own events as signed
/// deliveries: what Stripe would send to the listener and what the next scheduled run reads are the same events.
/// </summary>
internal sealed class BillingEventRig : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new();

    private BillingEventRig(EngineRig engine) => Engine = engine;

    public EngineRig Engine { get; }
    public FakeStripeState Stripe => Engine.Stripe.State;
    public FakeIntercomState Intercom => Engine.Intercom.State;
    public ConcurrentQueue<WebhookActivity> Activities { get; } = new();
    public List<BillingEventResult> RunEvents { get; } = new();

    public static async Task<BillingEventRig> StartAsync(int customers = 12) =>
        new(await EngineRig.StartAsync(customers));

    /// <summary>The Intercom client's budget for the jobs made from now on (none by default).</summary>
    public RateLimitBudget? IntercomBudget { get; set; }

    public SyncJob NewJob(Action<SyncSettings>? configure = null) => Engine.NewSyncJob(configure: s =>
    {
        s.SyncEvents = true;
        configure?.Invoke(s);
    }, intercomBudget: IntercomBudget);

    /// <summary>A state-file run with -SyncEvents; its event results are added to <see cref="RunEvents"/>.</summary>
    public async Task<SyncRunOutcome> RunAsync(Action<SyncSettings>? configure = null)
    {
        var job = NewJob(configure);
        return await Engine.NewJob(job).RunAsync(new SyncRunReporting(null, null, r =>
        {
            lock (RunEvents)
            {
                RunEvents.Add(r);
            }
        }), CancellationToken.None);
    }

    /// <summary>The events the fake Stripe emitted from <paramref name="from"/> on, oldest first.</summary>
    public List<FakeEvent> EventsSince(int from) => Stripe.Data.Events.Skip(from).ToList();

    /// <summary>Delivers the events to a listener with -SyncEvents, as Stripe would, and waits until they are
    /// processed.</summary>
    public async Task DeliverAsync(IEnumerable<FakeEvent> events, Action<SyncSettings>? configure = null,
        int maxConcurrency = 4)
    {
        var job = NewJob(configure);
        var port = LoopbackPort.Free();
        using var host = new WebhookHost($"http://127.0.0.1:{port}/",
            new StripeWebhookVerifier(Secret, TimeSpan.FromMinutes(5)),
            (id, token) => job.SyncCustomerAsync(id, SyncRunReporting.None, token), Activities.Enqueue,
            processorOptions: new WebhookProcessorOptions
            {
                MaxConcurrency = maxConcurrency,
                SendEvents = (result, stripeEvents, token) => job.SendEventsAsync(stripeEvents, result, token),
            });
        using var stop = new CancellationTokenSource();
        var running = host.RunAsync(null, stop.Token);
        var url = new Uri($"http://127.0.0.1:{port}/");
        foreach (var stripeEvent in events)
        {
            var payload = FakeStripeJson.Event(stripeEvent).ToJsonString();
            Assert.Equal(HttpStatusCode.OK, await PostAsync(url, payload));
        }

        stop.Cancel();
        await running.WaitAsync(Patience);
    }

    public async Task<HttpStatusCode> PostAsync(Uri url, string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Sign(payload));
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    public FakeContact ContactOf(string customerId) =>
        Assert.Single(Engine.LiveContacts(), c => c.ExternalId == customerId
            || c.CustomAttributes.TryGetValue("stripe_customer_id", out var id) && (string?)id == customerId);

    public List<FakeDataEvent> EventsOn(string contactId) =>
        Intercom.DataEvents.Where(e => e.ContactId == contactId).ToList();


    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Engine.DisposeAsync();
    }
}
