using System;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StripeIntercom.Connection;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// The short story of a run, logged at Information level with <see cref="EventId"/>: where it is connected, the mode
/// and why, the events read, the customers and companies done, and how it ended. A logger can tell a milestone from
/// the per-call lines by the event id (the cmdlets write milestones to the Information stream, tagged
/// <see cref="Tag"/>, and per-call lines to Verbose). Never a key or token: only names, modes and counts.
/// </summary>
public static class RunMilestones
{
    public const string Tag = "StripeIntercom.Milestone";

    public static readonly EventId EventId = new EventId(5100, Tag);

    public static bool Is(EventId eventId) => eventId.Id == EventId.Id;

    public static void Connected(ILogger logger, ConnectionInfo info)
    {
        if (info == null)
        {
            throw new ArgumentNullException(nameof(info));
        }

        Log(logger,
            $"Connected: Stripe in {info.StripeMode.ToLowerInvariant()} mode, Intercom {DescribeWorkspace(info)}.");
    }

    public static void Mode(ILogger logger, string mode, string reason) => Log(logger, $"Mode: {mode}. {reason}");

    public static void EventsRead(ILogger logger, int events, int changedCustomers, int retried) => Log(logger,
        $"Events read: {N(events)} Stripe event{S(events)} since the cursor, "
            + $"naming {N(changedCustomers)} customer{S(changedCustomers)}; "
            + $"{N(retried)} more retried from the last run.");

    /// <summary>The end of a run: customers done, companies done when there were any, and how it ended.</summary>
    public static void Ended(ILogger logger, SyncSummary summary)
    {
        if (summary == null)
        {
            throw new ArgumentNullException(nameof(summary));
        }

        Log(logger,
            $"Customers done: {N(summary.Customers)} ({N(summary.Created)} created, {N(summary.Updated)} updated, "
                + $"{N(summary.Unchanged)} unchanged, {N(summary.Skipped)} skipped, {N(summary.Conflict)} conflicts, "
                + $"{N(summary.Failed)} failed, {N(summary.Archived)} archived).");
        if (summary.Companies > 0 || summary.CompaniesFailed > 0)
        {
            Log(logger,
                $"Companies done: {N(summary.Companies)} ({N(summary.CompaniesCreated)} created, "
                    + $"{N(summary.CompaniesUpdated)} updated, {N(summary.CompaniesUnchanged)} unchanged, "
                    + $"{N(summary.CompaniesFailed)} failed).");
        }

        Log(logger, summary.Stopped
            ? $"Stopped: {summary.StopReason}"
            : summary.Failed > 0 || summary.Conflict > 0 || summary.CompaniesFailed > 0
                ? "Finished, not every customer succeeded: see the errors and warnings."
                : "Finished: every customer succeeded.");
    }

    /// <summary>"workspace Acme (US)", or the region alone when the workspace has no name.</summary>
    public static string DescribeWorkspace(
        ConnectionInfo info) => string.IsNullOrEmpty(info.IntercomWorkspace)
                                    ? $"workspace in region {info.IntercomRegion}"
                                    : $"workspace {info.IntercomWorkspace} ({info.IntercomRegion})";

    private static void Log(ILogger logger, string message) => logger?.Log(
        LogLevel.Information, EventId, message, null, (text, _) => text);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string S(long value) => value == 1 ? "" : "s";
}
