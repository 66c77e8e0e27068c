using System.Management.Automation;
using StripeIntercom.PowerShell.Internal;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Forgets and closes the session's connection; later cmdlets need Connect-StripeIntercom again.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "StripeIntercom")]
[OutputType(typeof(void))]
public sealed class DisconnectStripeIntercomCommand : PSCmdlet
{
    protected override void ProcessRecord() => ModuleSession.Close();
}
