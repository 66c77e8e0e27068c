using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using StripeIntercom.Resilience;
using Xunit;
using static StripeIntercom.Tests.Resilience.ResilienceTestSetup;

namespace StripeIntercom.Tests.Resilience;

public sealed class ResilientHttpHandlerTests
{
    [Fact]
    public async Task A_429_with_Retry_After_is_retried_after_the_requested_wait()
    {
        await using var server =
            await ScriptedServer.StartAsync(Respond.Status(429, headers: ("Retry-After", "1")), Respond.Ok());
        var counters = new ResilienceCounters();
        using var client = Client(server, FastOptions(), counters);

        using var response = await client.GetAsync("contacts/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Hits);
        var gap = server.Requests[1].ArrivedAt - server.Requests[0].ArrivedAt;
        Assert.True(gap >= TimeSpan.FromMilliseconds(900),
            $"retried after {gap.TotalMilliseconds} ms despite Retry-After: 1");
        Assert.Equal(1, counters.Retries);
        Assert.Equal(1, counters.ThrottledResponses);
    }

    [Fact]
    public async Task A_429_with_only_X_RateLimit_Reset_waits_for_the_reset()
    {
        long resetUnixSeconds = 0;
        await using var server = await ScriptedServer.StartAsync(
            context =>
            {
                resetUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
                return Respond.Status(429, "{\"type\":\"error.list\"}",
                    ("X-RateLimit-Limit", "10"), ("X-RateLimit-Remaining", "0"),
                        ("X-RateLimit-Reset", resetUnixSeconds.ToString()))(context);
            },
            Respond.Ok());
        var counters = new ResilienceCounters();
        var options = FastOptions();
        // Reset waits are capped at MaxDelay; the reset here is up to 2 s away.
        options.MaxDelay = TimeSpan.FromSeconds(3);
        using var client = Client(server, options, counters);

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Hits);
        var reset = DateTimeOffset.FromUnixTimeSeconds(resetUnixSeconds);
        // Loosely: not before the reset (a little clock slack), and not much after it.
        Assert.True(server.Requests[1].ArrivedAt >= reset - TimeSpan.FromMilliseconds(50),
            $"retried at {server.Requests[1].ArrivedAt:O}, before reset {reset:O}");
        Assert.True(server.Requests[1].ArrivedAt < reset + TimeSpan.FromSeconds(1),
            "waited far longer than the reset asked");
    }

    [Fact]
    public async Task A_429_without_headers_is_retried_with_backoff()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.Status(429), Respond.Ok());
        var counters = new ResilienceCounters();
        using var client = Client(server, FastOptions(), counters);

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Hits);
        Assert.Equal(1, counters.Retries);
        Assert.Equal(1, counters.ThrottledResponses);
    }

    [Fact]
    public async Task A_storm_of_503s_is_ridden_out()
    {
        var unavailable = Respond.Status(503);
        await using var server = await ScriptedServer.StartAsync(unavailable, unavailable, unavailable, Respond.Ok());
        var counters = new ResilienceCounters();
        using var client = Client(server, FastOptions(), counters);

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, server.Hits);
        Assert.Equal(3, counters.Retries);
    }

    [Fact]
    public async Task A_reset_connection_is_retried()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.ResetConnection(), Respond.Ok());
        var counters = new ResilienceCounters();
        using var client = Client(server, FastOptions(), counters);

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Hits);
        Assert.Equal(1, counters.ConnectionFailures);
        Assert.Equal(1, counters.Retries);
    }

    // The server may well have created the contact before the client gave up on the first attempt; the retry then
    // meets a 409 and the sync engine adopts the existing contact. Here we only prove the retry resends the same body.
    [Fact]
    public async Task A_create_that_times_out_is_sent_again_with_the_same_body()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.After(TimeSpan.FromSeconds(3), Respond.Ok()),
            Respond.Status(200, "{\"id\":\"c1\"}"));
        var counters = new ResilienceCounters();
        var options = FastOptions();
        options.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        using var client = Client(server, options, counters);
        const string json = "{\"role\":\"user\",\"external_id\":\"cus_123\",\"email\":\"ada@example.com\"}";

        using var response =
            await client.PostAsync("contacts", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Hits);
        Assert.All(server.Requests, request =>
        {
            Assert.Equal("POST", request.Method);
            Assert.Equal(json, request.Body);
            Assert.StartsWith("application/json", request.ContentType);
        });
        Assert.Equal(1, counters.Timeouts);
        Assert.Equal(1, counters.Retries);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(422)]
    public async Task Client_errors_are_not_retried(int status)
    {
        await using var server =
            await ScriptedServer.StartAsync(Respond.Status(status, "{\"type\":\"error.list\"}"), Respond.Ok());
        var counters = new ResilienceCounters();
        using var client = Client(server, FastOptions(), counters);

        using var response = await client.PutAsync("contacts/abc123", new StringContent("{}"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(1, server.Hits);
        Assert.Equal(0, counters.Retries);
    }

    [Fact]
    public async Task Without_health_judgement_the_last_response_is_returned_when_retries_run_out()
    {
        await using var server =
            await ScriptedServer.StartAsync((context, index) => Respond.Status(503, $"attempt {index + 1}")(context));
        var counters = new ResilienceCounters();
        var options = FastOptions();
        options.MaxRetries = 2;
        options.UseCircuitBreaker = false;
        using var client = Client(server, options, counters);

        using var response = await client.GetAsync("contacts");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("attempt 3", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, server.Hits);
        Assert.Equal(2, counters.Retries);
    }

    [Fact]
    public async Task A_request_that_uses_up_its_retries_while_nothing_succeeds_judges_the_service_down()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.Status(503));
        var counters = new ResilienceCounters();
        var options = FastOptions();
        options.MaxRetries = 2;
        using var client = Client(server, options, counters);

        var unavailable = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync("contacts"));
        var later = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync("contacts/1"));

        Assert.Equal(3, unavailable.Attempts);
        Assert.Equal("Intercom", unavailable.ServiceName);
        Assert.Contains("503 Service Unavailable", unavailable.Message);
        Assert.Equal(0, later.Attempts);
        Assert.Equal(3, server.Hits);
        Assert.Equal(1, counters.CircuitBreaks);
    }

    [Fact]
    public async Task A_request_that_uses_up_its_retries_while_other_requests_succeed_returns_its_last_response()
    {
        // One path the service cannot handle, answered slowly enough that other requests succeed between its attempts.
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            if (context.Request.Path == "/poison")
            {
                await Task.Delay(40);
                await Respond.Status(503)(context);
                return;
            }
            await Respond.Status(200)(context);
        });
        var counters = new ResilienceCounters();
        var options = FastOptions();
        options.MaxRetries = 2;
        using var client = Client(server, options, counters);
        using var done = new CancellationTokenSource();
        var healthy = Task.Run(async () =>
        {
            var answered = 0;
            while (!done.IsCancellationRequested)
            {
                using var ok = await client.GetAsync("ok");
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                answered++;
                await Task.Delay(2);
            }
            return answered;
        });

        using (var poisoned = await client.GetAsync("poison"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, poisoned.StatusCode);
        }
        done.Cancel();
        Assert.True(await healthy > 0);

        Assert.Equal(3, server.Requests.Count(r => r.Path == "/poison"));
        Assert.Equal(0, counters.CircuitBreaks);
        using var after = await client.GetAsync("ok");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Failing_for_OutageAfter_judges_the_service_down_and_fails_the_requests_in_flight_at_once()
    {
        // No volume for the ratio and retries to spare: only time can judge this service down.
        using var release = new CancellationTokenSource();
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            if (context.Request.Path == "/slow")
            {
                await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { });
                await Respond.Status(200)(context);
                return;
            }
            await Respond.Status(503)(context);
        });
        var counters = new ResilienceCounters();
        var options = FastOptions();
        options.MaxRetries = 1000;
        options.BaseDelay = TimeSpan.FromMilliseconds(20);
        options.MaxDelay = TimeSpan.FromMilliseconds(50);
        options.MinimumThroughput = 100_000;
        options.OutageAfter = TimeSpan.FromMilliseconds(400);
        options.AttemptTimeout = TimeSpan.FromSeconds(20);
        options.OverallTimeout = TimeSpan.FromSeconds(25);
        using var client = Client(server, options, counters);

        var slow = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync("slow"));
            return (error, clock.Elapsed);
        });
        await WaitUntil(() => server.Requests.Any(r => r.Path == "/slow"));
        var failing = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync("contacts"));
        var (inFlight, waited) = await slow;
        release.Cancel();

        Assert.Equal("Intercom", failing.ServiceName);
        Assert.Contains("503 Service Unavailable", failing.Message);
        Assert.InRange(failing.Attempts, OutageDetector.MinimumFailures, options.MaxRetries);
        // The request waiting for an answer was cancelled when the service was judged down, not left to its 20 s
        // timeout.
        Assert.Equal(1, inFlight.Attempts);
        Assert.True(waited < TimeSpan.FromSeconds(15),
            $"the request in flight took {waited.TotalSeconds:0.0} s to fail");
        Assert.Equal(1, counters.CircuitBreaks);
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync("contacts"));
    }

    [Fact]
    public async Task Persistent_failure_opens_the_circuit_and_later_requests_fail_fast()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.Status(503));
        var counters = new ResilienceCounters();
        var options = FastOptions();
        options.MaxRetries = 6;
        options.MinimumThroughput = 4;
        options.SamplingDuration = TimeSpan.FromSeconds(10);
        options.BreakDuration = TimeSpan.FromSeconds(5);
        using var client = Client(server, options, counters);

        // The fourth failed attempt fills the sampling window: the circuit opens and the request stops retrying.
        var opened = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync("contacts"));
        var hitsWhenOpened = server.Hits;

        var clock = Stopwatch.StartNew();
        var rejected = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.GetAsync("contacts"));
        clock.Stop();

        Assert.Equal(4, hitsWhenOpened);
        Assert.Equal(hitsWhenOpened, server.Hits);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(500),
            $"open circuit took {clock.ElapsedMilliseconds} ms to fail");
        Assert.Contains("Intercom", opened.Message);
        Assert.Contains("503 Service Unavailable", opened.Message);
        Assert.Equal(4, opened.Attempts);
        Assert.Equal(0, rejected.Attempts);
        Assert.Contains("503 Service Unavailable", rejected.Message);
        await WaitUntil(() => counters.CircuitBreaks == 1);
    }

    [Fact]
    public async Task Caller_cancellation_stops_promptly_without_retrying()
    {
        using var cancellation = new CancellationTokenSource();
        var cancelledAt = new TaskCompletionSource<TimeSpan>();
        var clock = Stopwatch.StartNew();
        // The caller gives up while the server is working on the request.
        await using var server = await ScriptedServer.StartAsync(context =>
        {
            cancellation.CancelAfter(TimeSpan.FromMilliseconds(100));
            cancellation.Token.Register(() => cancelledAt.TrySetResult(clock.Elapsed));
            return Respond.After(TimeSpan.FromSeconds(10), Respond.Ok())(context);
        });
        var counters = new ResilienceCounters();
        using var client = Client(server, FastOptions(), counters);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("contacts", cancellation.Token));
        var stoppedAt = clock.Elapsed;

        var reaction = stoppedAt - await cancelledAt.Task;
        Assert.True(reaction < TimeSpan.FromSeconds(1),
            $"cancellation took {reaction.TotalMilliseconds} ms to stop the request");
        Assert.Equal(1, server.Hits);
        Assert.Equal(0, counters.Retries);
        Assert.Equal(0, counters.Timeouts);
    }

    [Fact]
    public async Task The_overall_timeout_ends_the_request_with_a_TimeoutException_naming_the_service()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.After(TimeSpan.FromSeconds(10), Respond.Ok()));
        var counters = new ResilienceCounters();
        var options = FastOptions("Stripe");
        options.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        options.OverallTimeout = TimeSpan.FromMilliseconds(1200);
        using var client = Client(server, options, counters);

        var timeout = await Assert.ThrowsAsync<ServiceTimeoutException>(() => client.GetAsync("v1/customers/cus_9Xa1"));

        Assert.True(timeout.IsOverall);
        Assert.Equal("Stripe", timeout.ServiceName);
        Assert.Contains("Stripe", timeout.Message);
        Assert.DoesNotContain("cus_9Xa1", timeout.Message);
        // The overall timeout, not the retries, ended it: the options allow 7 attempts of 0.3 s, 1.2 s holds 4 or 5.
        // (With 0.7 s a clean clone's first, cold request on a busy machine had not reached the server once.)
        Assert.InRange(server.Hits, 1, 5);
    }

    [Fact]
    public async Task Retries_are_logged_with_ids_replaced_and_without_credentials()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.Status(503), Respond.Ok());
        var logger = new TestLogger();
        using var client = Client(server, FastOptions(), new ResilienceCounters(), logger: logger);
        using var request = new HttpRequestMessage(HttpMethod.Put, "contacts/6543abc21?email=ada@example.com")
        {
            Content = new StringContent("{}"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "tok_secret");

        using var response = await client.SendAsync(request);

        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning).Message;
        Assert.StartsWith("Intercom 503 Service Unavailable on PUT /contacts/{id}; retry 1 of 6 in ", warning);
        Assert.DoesNotContain("tok_secret", warning);
        Assert.DoesNotContain("ada@example.com", warning);
    }

    [Fact]
    public async Task A_failed_response_is_disposed_before_the_retry()
    {
        await using var server = await ScriptedServer.StartAsync(Respond.Status(503, "busy"), Respond.Ok());
        var transport = new RecordingHandler(new HttpClientHandler());
        using var client = new HttpClient(
            ResilientHandlerFactory.Create(FastOptions(), null, new ResilienceCounters(), null, transport))
        {
            BaseAddress = server.BaseUrl,
        };

        using var response = await client.GetAsync("contacts");

        Assert.Equal(2, transport.Responses.Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.Responses[0].Content.ReadAsStringAsync());
        Assert.Equal("{\"ok\":true}", await response.Content.ReadAsStringAsync());
    }

    private sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public List<HttpResponseMessage> Responses { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
            CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Responses.Add(response);
            return response;
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "condition not met within 2 s");
            await Task.Delay(10);
        }
    }
}
