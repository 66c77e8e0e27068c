using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace StripeIntercom.Stripe;

/// <summary>
/// Counts HTTP requests actually sent, in total and per route ("GET /v1/customers/{id}"), thread-safely,
/// and logs each one (method, path, status, duration; never the query, which can hold emails).
/// Ids in paths (every second segment after /v1) become {id} so routes group like the API reference.
/// </summary>
internal sealed class ApiCallCountingHandler : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, long> _byRoute = new ConcurrentDictionary<string, long>();
    private long _total;

    private readonly ILogger? _logger;

    public ApiCallCountingHandler(HttpMessageHandler innerHandler) : base(innerHandler) { }

    public ApiCallCountingHandler(ILogger? logger = null) => _logger = logger;

    public long Total => Interlocked.Read(ref _total);

    public IReadOnlyDictionary<string, long> ByRoute => _byRoute.ToDictionary(p => p.Key, p => p.Value);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _total);
        _byRoute.AddOrUpdate(RouteOf(request), 1, (_, n) => n + 1);
        var elapsed = Stopwatch.StartNew();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        _logger?.LogInformation("Stripe {Method} {Path} -> {Status} in {ElapsedMs} ms",
            request.Method.Method, request.RequestUri?.AbsolutePath, (int)response.StatusCode,
                elapsed.ElapsedMilliseconds);
        return response;
    }

    internal static string RouteOf(HttpRequestMessage request)
    {
        var segments = (request.RequestUri?.AbsolutePath ?? "").Trim('/').Split('/');
        for (var i = 2; i < segments.Length; i += 2)
        {
            segments[i] = "{id}";
        }

        return request.Method.Method + " /" + string.Join("/", segments);
    }
}
