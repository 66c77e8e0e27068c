using System;
using Microsoft.Extensions.Logging;
using StripeIntercom.Runs;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>
    /// Carries the library's log lines to PowerShell's streams: Debug and Trace to Write-Debug, Information to
    /// Write-Verbose (each API call's method, path, status and duration), Warning and above to Write-Warning.
    /// Errors that concern one customer reach the user as that customer's error record, not as a log line.
    /// A line logged during one customer's sync starts with that customer's id (<see cref="CustomerScope"/>): many
    /// customers sync at once, and their calls interleave.
    /// </summary>
    internal sealed class CmdletLogger : ILogger
    {
        private readonly StripeIntercomCmdlet _cmdlet;

        public CmdletLogger(StripeIntercomCmdlet cmdlet) => _cmdlet = cmdlet;

        public IDisposable BeginScope<TState>(TState state) where TState : notnull => NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (CustomerScope.CurrentCustomerId is { } customerId)
            {
                message = customerId + ": " + message;
            }

            switch (logLevel)
            {
                case LogLevel.Trace:
                case LogLevel.Debug:
                    _cmdlet.Bridge.Post(() => _cmdlet.WriteDebug(message));
                    break;
                case LogLevel.Information:
                    _cmdlet.Bridge.Post(() => _cmdlet.WriteVerbose(message));
                    break;
                default:
                    _cmdlet.Bridge.Post(() => _cmdlet.WriteWarning(message));
                    break;
            }
        }

        private sealed class NullScope : IDisposable
        {
            public static readonly NullScope Instance = new NullScope();

            public void Dispose()
            {
            }
        }
    }
}
