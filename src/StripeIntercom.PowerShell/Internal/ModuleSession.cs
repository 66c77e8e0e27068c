using System;
using System.Management.Automation;
using StripeIntercom.Connection;

namespace StripeIntercom.PowerShell.Internal
{
    /// <summary>The connection Connect-StripeIntercom made, kept for the session's later cmdlets.</summary>
    internal static class ModuleSession
    {
        private static volatile ServiceConnection? _current;

        public static ServiceConnection? Current
        {
            get => _current;
            set => _current = value;
        }

        public static ServiceConnection Require(PSCmdlet cmdlet)
        {
            var connection = _current;
            if (connection is null)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("Not connected. Run Connect-StripeIntercom first."),
                    "NotConnected",
                    ErrorCategory.ConnectionError,
                    null));
            }

            return connection!;
        }
    }
}
