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

        /// <summary>Checks the credentials, keeps the connection, and stops the cmdlet with one clear error if either is rejected.</summary>
        public static ServiceConnection Open(AsyncCmdlet cmdlet, ConnectionOptions options)
        {
            // Said once, when connecting: where the credentials go if not to the services' own hosts.
            foreach (var warning in options.Warnings)
            {
                cmdlet.WriteWarning(warning);
            }

            ServiceConnection? connection = null;
            try
            {
                cmdlet.Run(async token => connection = await ServiceConnection.OpenAsync(options, new CmdletLogger(cmdlet), token).ConfigureAwait(false));
            }
            catch (ConnectionFailedException ex)
            {
                _current = null;
                var category = ex.CredentialsRejected ? ErrorCategory.AuthenticationError : ErrorCategory.ConnectionError;
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "ConnectionFailed." + ex.Service.Replace(" and ", "And"), category, ex.Service));
            }

            _current = connection;
            return connection!;
        }

        /// <summary>
        /// Connects from the process environment alone (never from a .env file: only Connect-StripeIntercom
        /// -EnvFile reads one), for cmdlets that connect by themselves when the session is not connected.
        /// </summary>
        public static ServiceConnection ConnectFromEnvironment(AsyncCmdlet cmdlet)
        {
            ConnectionOptions options;
            try
            {
                options = ConnectionOptions.FromEnvironment(Environment.GetEnvironmentVariables());
            }
            catch (FormatException ex)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "InvalidConnectionSettings", ErrorCategory.InvalidArgument, null));
                throw;
            }

            return Open(cmdlet, options);
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
