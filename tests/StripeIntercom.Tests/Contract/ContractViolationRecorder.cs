using System.Collections.Concurrent;
using System.Text.Json;

namespace StripeIntercom.Tests.Contract;

/// <summary>
/// Sits in the Intercom client's handler chain and keeps what Prism says of each exchange (its sl-violations
/// header). Errors in a request are the client's fault; errors in a response are the fake's. Warnings (such as
/// a 404 the description does not list) are kept apart: they describe gaps in the description, not in the code.
/// </summary>
public sealed class ContractViolationRecorder : DelegatingHandler
{
    private readonly ConcurrentQueue<string> _requestViolations = new();
    private readonly ConcurrentQueue<string> _responseViolations = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private int _exchanges;

    public ContractViolationRecorder() : base(new HttpClientHandler()) { }

    public IReadOnlyList<string> RequestViolations => _requestViolations.ToList();
    public IReadOnlyList<string> ResponseViolations => _responseViolations.ToList();
    public IReadOnlyList<string> Warnings => _warnings.ToList();
    public int Exchanges => _exchanges;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request,
        CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref _exchanges);
        if (!response.Headers.TryGetValues("sl-violations", out var values))
        {
            return response;
        }

        foreach (var value in values)
        {
            using var document = JsonDocument.Parse(value);
            foreach (var violation in document.RootElement.EnumerateArray())
            {
                var location = violation.GetProperty("location").EnumerateArray().Select(e => e.GetString()).ToList();
                var text =
                    $"{request.Method} {request.RequestUri!.AbsolutePath}: [{string.Join(".", location)}] " +
                    $"{violation.GetProperty("message").GetString()}";
                var queue = violation.GetProperty("severity").GetString() != "Error" ? _warnings
                    : location.FirstOrDefault() == "request" ? _requestViolations
                    : _responseViolations;
                queue.Enqueue(text);
            }
        }

        return response;
    }
}
