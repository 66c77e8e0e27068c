using System.Management.Automation;
using System.Management.Automation.Runspaces;
using StripeIntercom.Connection;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// The connection Connect-StripeIntercom made, kept per runspace: a runbook, a job or a second runspace in the same
/// process each have their own, never another's.
/// </summary>
internal static class ModuleSession
{
    private static readonly ConnectionSlots Connections = new ConnectionSlots();

    /// <summary>This runspace's connection (call on the pipeline thread), or null.</summary>
    public static ServiceConnection? Current => Connections.Get(Runspace.DefaultRunspace);

    /// <summary>
    /// Checks the credentials and keeps the connection, closing the one it replaces. A failed check stops the cmdlet
    /// with one clear error and keeps the working connection.
    /// </summary>
    public static ServiceConnection Open(StripeIntercomCmdlet cmdlet, ConnectionOptions options)
    {
        // Said once, when connecting: where the credentials go if not to the services' own hosts.
        foreach (var warning in options.Warnings)
        {
            cmdlet.WriteWarning(warning);
        }

        ServiceConnection connection;
        try
        {
            connection
                = cmdlet.Run(token => ServiceConnection.OpenAsync(options, new CmdletLogger(cmdlet), token));
        }
        catch (ConnectionFailedException ex)
        {
            var category
                = ex.CredentialsRejected ? ErrorCategory.AuthenticationError : ErrorCategory.ResourceUnavailable;
            cmdlet.ThrowTerminatingError(
                new ErrorRecord(ex, "ConnectionFailed." + ex.Service.Replace(" and ", "And"), category, ex.Service));
            throw;
        }

        Connections.Set(Runspace.DefaultRunspace, connection);
        return connection;
    }

    /// <summary>Forgets and closes this runspace's connection.</summary>
    public static void Close() => Connections.Close(Runspace.DefaultRunspace);

    /// <summary>
    /// Connects from the process environment alone (never from a .env file: only Connect-StripeIntercom
    /// -EnvFile reads one), for cmdlets that connect by themselves when the session is not connected.
    /// </summary>
    public static ServiceConnection ConnectFromEnvironment(StripeIntercomCmdlet cmdlet)
    {
        var options = ReadOptionsOrStop(
            cmdlet, () => ConnectionOptions.FromEnvironment(Environment.GetEnvironmentVariables()), null);
        return Open(cmdlet, options);
    }

    /// <summary>The options <paramref name="read"/> makes, or one terminating error when a setting or the .env file
    /// it reads is malformed or unreadable.</summary>
    public static ConnectionOptions ReadOptionsOrStop(PSCmdlet cmdlet, Func<ConnectionOptions> read, object? target)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is FormatException || ex is IOException)
        {
            cmdlet.ThrowTerminatingError(
                new ErrorRecord(ex, "InvalidConnectionSettings", ErrorCategory.InvalidArgument, target));
            throw;
        }
    }

    public static ServiceConnection Require(PSCmdlet cmdlet)
    {
        var connection = Current;
        if (connection is null)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException("Not connected. Run Connect-StripeIntercom first."), "NotConnected",
                ErrorCategory.ConnectionError, null));
        }

        return connection!;
    }
}
