using System.Management.Automation;
using System.Security;
using StripeIntercom.Connection;
using StripeIntercom.Intercom;
using StripeIntercom.PowerShell.Internal;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Checks the Stripe key and the Intercom token, then keeps the connection for the session.</summary>
[Cmdlet(VerbsCommunications.Connect, "StripeIntercom")]
[OutputType(typeof(ConnectionInfo))]
public sealed class ConnectStripeIntercomCommand : StripeIntercomCmdlet
{
    [Parameter]
    public SecureString? StripeApiKey { get; set; }

    [Parameter]
    public SecureString? IntercomAccessToken { get; set; }

    [Parameter]
    public IntercomRegion IntercomRegion { get; set; }

    [Parameter]
    public Uri? StripeApiBase { get; set; }

    [Parameter]
    public Uri? IntercomApiBase { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EnvFile { get; set; }

    protected override void ProcessRecord()
    {
        var options = ModuleSession.ReadOptionsOrStop(this, () => new ConnectionOptions
        {
            StripeApiKey = StripeApiKey.ToPlainText(),
            IntercomAccessToken = IntercomAccessToken.ToPlainText(),
            StripeApiBase = StripeApiBase,
            IntercomApiBase = IntercomApiBase,
            IntercomRegion = MyInvocation.BoundParameters.ContainsKey(nameof(IntercomRegion)) ? IntercomRegion : null,
        }.WithDefaultsFrom(
            Environment.GetEnvironmentVariables(),
            EnvFile is null ? null : GetUnresolvedProviderPathFromPSPath(EnvFile)), EnvFile);
        WriteObject(ModuleSession.Open(this, options).Info);
    }
}
