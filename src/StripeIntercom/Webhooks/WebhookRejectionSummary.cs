using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;

namespace StripeIntercom.Webhooks;

/// <summary>
/// Counts the requests the listener refused, per reason and remote address, and turns them into one Rejected activity
/// per interval instead of one report per request. Bounded: a flood from many addresses is folded into one line per
/// reason.
/// </summary>
internal sealed class WebhookRejectionSummary
{
    private const int MaxKeys = 200;
    private const int MaxLines = 20;
    private readonly object _gate = new object();
    private Dictionary<(string Reason, string Address), int> _counts = new Dictionary<(string, string), int>();
    private DateTimeOffset _windowStart = DateTimeOffset.UtcNow;
    private long _total;

    /// <summary>Requests refused since the start, for any reason.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Count(string reason, string remote)
    {
        Interlocked.Increment(ref _total);
        lock (_gate)
        {
            var key = (reason, remote);
            if (!_counts.ContainsKey(key) && _counts.Count >= MaxKeys)
            {
                key = (reason, "other addresses");
            }

            _counts.TryGetValue(key, out var count);
            _counts[key] = count + 1;
        }
    }

    /// <summary>
    /// The summary of the window that ends now, and a new window; null when nothing was refused and no report was
    /// dropped.
    /// </summary>
    /// <param name="droppedReports">Activity reports dropped in the window, said in the same summary.</param>
    public WebhookActivity? TakeSummary(long droppedReports)
    {
        Dictionary<(string Reason, string Address), int> counts;
        DateTimeOffset since;
        lock (_gate)
        {
            counts = _counts;
            since = _windowStart;
            _counts = new Dictionary<(string, string), int>();
            _windowStart = DateTimeOffset.UtcNow;
        }

        if (counts.Count == 0 && droppedReports == 0)
        {
            return null;
        }

        var total = counts.Values.Sum();
        var seconds = Math.Max(1, (int)Math.Round((DateTimeOffset.UtcNow - since).TotalSeconds));
        var lines = counts.OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key.Reason, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Address, StringComparer.Ordinal)
            .Take(MaxLines)
            .Select(p => $"{p.Key.Reason} {p.Value} from {p.Key.Address}")
            .ToList();
        if (counts.Count > MaxLines)
        {
            lines.Add($"and {counts.Count - MaxLines} more");
        }

        var text = new StringBuilder();
        if (total > 0)
        {
            text.Append($"{total} webhook request(s) rejected in the last {seconds} s: ")
                .Append(string.Join("; ", lines))
                .Append('.');
        }

        if (droppedReports > 0)
        {
            text.Append(text.Length > 0 ? " " : "")
                .Append($"{droppedReports} activity report(s) dropped because output was slower than deliveries.");
        }

        return new WebhookActivity(WebhookActivityKind.Rejected, null, detail: text.ToString());
    }
}
