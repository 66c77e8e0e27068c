using System.Collections;
using System.Management.Automation;

namespace StripeIntercom.PowerShell.Internal;

/// <summary>
/// The syncing cmdlets that see Stripe events (Invoke-StripeIntercomSync -Incremental, Receive-StripeWebhook,
/// Start-StripeWebhookListener): they can also put billing moments on the contacts' timelines. Read into
/// <see cref="Runs.SyncSettings"/> by the library's reader, as the other settings are.
/// </summary>
public abstract class EventSyncingCmdlet : SyncingCmdlet
{
    /// <summary>Send billing events (payment failed, recovered, subscription changes, refunds, disputes) to the
    /// contacts' timelines as Intercom data events.</summary>
    [Parameter]
    public SwitchParameter SyncEvents { get; set; }

    /// <summary>Renames (a name) or drops ($null or '') events, keyed by event name or Stripe type.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? EventName { get; set; }
}
