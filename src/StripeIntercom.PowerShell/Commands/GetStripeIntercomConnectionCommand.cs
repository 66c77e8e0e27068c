using System.Management.Automation;
using StripeIntercom.Connection;
using StripeIntercom.PowerShell.Internal;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Shows what this session is connected to (workspace, region, Stripe mode, API bases, when), never a
/// secret.</summary>
[Cmdlet(VerbsCommon.Get, "StripeIntercomConnection")]
[OutputType(typeof(ConnectionInfo))]
public sealed class GetStripeIntercomConnectionCommand : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (ModuleSession.Current is { } connection)
        {
            WriteObject(connection.Info);
            return;
        }

        WriteError(new ErrorRecord(
            new InvalidOperationException(
                "Not connected. Run Connect-StripeIntercom (or set STRIPE_SECRET_KEY and INTERCOM_ACCESS_TOKEN for "
                + "the cmdlets that connect by themselves)."),
            "NotConnected", ErrorCategory.ConnectionError, "StripeIntercom"));
    }
}
