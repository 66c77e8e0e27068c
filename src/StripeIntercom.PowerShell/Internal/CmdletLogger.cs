using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StripeIntercom.Runs;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// Carries the library's log lines to PowerShell's streams: Debug and Trace to Write-Debug, Information to
/// Write-Verbose (each API call's method, path, status and duration), Warning and above to Write-Warning. A run's
/// milestones (<see cref="RunMilestones"/>: connected, mode and why, events read, customers and companies done, how
/// it ended) go to the Information stream tagged <c>StripeIntercom.Milestone</c>, so -InformationAction Continue or a
/// transcript tells the run's story while -Verbose keeps the per-call lines.
/// Errors that concern one customer reach the user as that customer's error record, not as a log line.
/// A line logged during one customer's sync starts with that customer's id (<see cref="CustomerScope"/>): many
/// customers sync at once, and their calls interleave.
/// </summary>
internal sealed class CmdletLogger(StripeIntercomCmdlet cmdlet) : ILogger
{
    private static readonly string[] MilestoneTags = { RunMilestones.Tag };

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => NullLogger.Instance.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        var message = formatter(state, exception);
        if (RunMilestones.Is(eventId))
        {
            cmdlet.Bridge.Post(() => cmdlet.WriteInformation(message, MilestoneTags));
            return;
        }

        if (CustomerScope.CurrentCustomerId is { } customerId)
        {
            message = customerId + ": " + message;
        }

        cmdlet.Bridge.Post(logLevel switch
        {
            LogLevel.Trace or LogLevel.Debug => () => cmdlet.WriteDebug(message),
            LogLevel.Information => () => cmdlet.WriteVerbose(message),
            _ => () => cmdlet.WriteWarning(message),
        });
    }
}
