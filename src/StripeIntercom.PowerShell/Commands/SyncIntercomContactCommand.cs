using System.Management.Automation;
using StripeIntercom.Companies;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Creates or updates the Intercom contact of each profile it is given, writing only what differs.</summary>
[Cmdlet(VerbsData.Sync, "IntercomContact", SupportsShouldProcess = true, DefaultParameterSetName = ProfileSet)]
[OutputType(typeof(SyncResult), typeof(CompanySyncResult))]
public sealed class SyncIntercomContactCommand : SyncingCmdlet
{
    private const string ProfileSet = "Profile";
    private const string ByIdSet = "ById";

    /// <summary>
    /// Profiles from Get-StripeCustomerProfile are synced as they are. Anything else that names a customer (a
    /// customer id string, an object with Id or CustomerId, a profile built by hand or deserialised) is re-read
    /// from Stripe first: a half-filled object never becomes a write.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ProfileSet)]
    [ValidateNotNull]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] CustomerId { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = SyncSettings.DefaultThrottleLimit;

    [Parameter]
    public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

    private SyncJobRun? _run;
    private SyncResultWriter? _writer;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var connection = ModuleSession.Require(this);
        var job = Own(CreateJob(connection, ReadSettingsOrStop()));
        _writer = new SyncResultWriter(this, job.Services.Intercom, IsWhatIf, writeResults: true);
        // The pipeline may hold some customers of a company only: the others it lists are re-read from Stripe.
        _run = Own(job.Begin(_writer.Reporting, coversAllCustomers: false, CancellationToken));
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByIdSet)
        {
            foreach (var id in CustomerId)
            {
                if (CustomerInput.IsCustomerId(id))
                {
                    SubmitIfConfirmed(id, null, null);
                }
                else
                {
                    WriteInvalidInput(CustomerInput.NotACustomerId(id), id);
                }
            }

            return;
        }

        foreach (var item in InputObject)
        {
            if (item.BaseObject is CustomerProfile { IsFromStripe: true } profile)
            {
                SubmitIfConfirmed(profile.Id, profile.Email, profile);
            }
            else if (CustomerInput.IdOf(item.BaseObject, PropertyOf(item)) is { } id)
            {
                WriteVerbose(
                    $"Input {Describe(item)} is not a profile read from Stripe; re-reading Stripe customer {id}.");
                SubmitIfConfirmed(id, null, null);
            }
            else
            {
                WriteInvalidInput(CustomerInput.NeitherProfileNorId("Sync-IntercomContact", Describe(item)), item);
            }
        }
    }

    protected override void EndProcessing() => Complete();

    private static Func<string, object?> PropertyOf(PSObject item) =>
        name => item.Properties[name]?.Value is { } value ? PSObject.AsPSObject(value).BaseObject : null;

    private static string Describe(PSObject item) => CustomerInput.Describe(
        item.BaseObject is PSCustomObject ? "an object" : $"a {item.BaseObject.GetType().Name}", item.BaseObject,
        PropertyOf(item));

    private void WriteInvalidInput(string message, object target) => WriteError(new ErrorRecord(
        new ArgumentException(message), "InvalidCustomerInput", ErrorCategory.InvalidArgument, target));

    /// <summary>Asks (-Confirm), then submits the profile or the id; a declined customer is reported as
    /// skipped.</summary>
    private void SubmitIfConfirmed(string customerId, string? email, CustomerProfile? profile)
    {
        if (IsWhatIf
            || ShouldProcess($"Stripe customer {customerId}{(email is null ? "" : $" ({email})")}",
                "Create or update its Intercom contact"))
        {
            Submit(profile is null ? _run!.SubmitAsync(customerId) : _run!.SubmitAsync(profile));
            return;
        }

        _run!.SubmitResult(new SyncResult
        {
            CustomerId = customerId,
            Email = email,
            Action = SyncAction.Skipped,
            Error = "Declined at the confirmation prompt.",
        });
    }

    /// <summary>Carries out the writes of finished customers while waiting for a free slot.</summary>
    private void Submit(Task<bool> submitted)
    {
        Bridge.PumpUntil(submitted);
        if (!submitted.GetAwaiter().GetResult())
        {
            Complete();
        }
    }

    /// <summary>Waits for the run (its companies included) and ends with its stop, if it stopped.</summary>
    private void Complete()
    {
        var completing = _run!.CompleteAsync();
        Bridge.PumpUntil(completing);
        _writer!.CompleteProgress();
        var outcome = completing.GetAwaiter().GetResult();
        EndRun(outcome.Cancelled, outcome.StopError);
    }
}
