using System;
using System.Collections;
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
public sealed class SyncIntercomContactCommand : StripeIntercomCmdlet
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
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AttributeNameCompleter))]
    public string[]? Attribute { get; set; }

    [Parameter]
    [ValidateNotNull]
    public object? AttributeMap { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IDictionary? ComputedAttribute { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = SyncParameters.DefaultThrottleLimit;

    [Parameter]
    public ContactLookupMode LookupMode { get; set; } = ContactLookupMode.Auto;

    [Parameter]
    [ValidateRange(1, 100000)]
    public int? MaxRequestsPerWindow { get; set; }

    [Parameter]
    public DeletedCustomerAction DeletedCustomerAction { get; set; } = DeletedCustomerAction.Mark;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ExternalIdMetadataKey { get; set; }

    [Parameter]
    public SwitchParameter MergeLeads { get; set; }

    // Company sync (issue 10): kept together at the end of the parameters.
    [Parameter]
    public SwitchParameter SyncCompany { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CompanyIdMetadataKey { get; set; }

    private SyncSession? _session;
    private SyncResultWriter? _writer;
    private SyncRunner? _runner;
    private CompanyCollector? _companies;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        var connection = ModuleSession.Require(this);
        var map = AttributeMapParameters.BuildOrStop(this, Attribute, AttributeMap, ComputedAttribute);
        _session = new SyncSession(this, connection, map, SyncParameters.Options(IsWhatIf, Force, LookupMode, DeletedCustomerAction, ExternalIdMetadataKey, MergeLeads),
            SyncParameters.IntercomBudget(MaxRequestsPerWindow), ComputedAttribute is { Count: > 0 });
        _writer = new SyncResultWriter(this, _session.Intercom, IsWhatIf, writeResults: true);
        if (SyncParameters.CompanySyncRequested(this, SyncCompany, CompanyIdMetadataKey))
        {
            _session.EnableCompanies(AttributeMapParameters.BuildCompanyOrStop(this, map, ComputedAttribute),
                SyncParameters.CompanyOptions(IsWhatIf, Force, CompanyIdMetadataKey, DeletedCustomerAction, ThrottleLimit, LookupMode));
            // The pipeline may hold some customers of a company only: the others it lists are re-read from Stripe.
            _companies = _session.NewCompanyCollector(coversAllCustomers: false);
        }

        _runner = new SyncRunner(_session.CustomerSync.WithCompanies(_companies), ThrottleLimit, _writer.Post, CancellationToken);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ProfileSet)
        {
            foreach (var item in InputObject)
            {
                if (item.BaseObject is CustomerProfile { IsFromStripe: true } profile)
                {
                    if (!Confirmed(profile.Id, profile.Email))
                    {
                        continue;
                    }

                    Submit(_runner!.SubmitAsync(profile));
                }
                else if (CustomerInput.IdOf(item) is { } id)
                {
                    WriteVerbose($"Input {CustomerInput.Describe(item)} is not a profile read from Stripe; re-reading Stripe customer {id}.");
                    if (!Confirmed(id, null))
                    {
                        continue;
                    }

                    Submit(_runner!.SubmitAsync(id));
                }
                else
                {
                    WriteError(new ErrorRecord(
                        new ArgumentException($"Sync-IntercomContact takes profiles from Get-StripeCustomerProfile or Stripe customer ids (cus_...); {CustomerInput.Describe(item)} is neither, so nothing was written for it."),
                        "InvalidCustomerInput", ErrorCategory.InvalidArgument, item));
                }
            }
        }
        else
        {
            foreach (var id in CustomerId)
            {
                if (!CustomerInput.IsCustomerId(id))
                {
                    WriteError(new ErrorRecord(new ArgumentException($"'{id}' is not a Stripe customer id (cus_ followed by letters and digits)."),
                        "InvalidCustomerInput", ErrorCategory.InvalidArgument, id));
                    continue;
                }

                if (!Confirmed(id, null))
                {
                    continue;
                }

                Submit(_runner!.SubmitAsync(id));
            }
        }
    }

    protected override void EndProcessing()
    {
        Bridge.PumpUntil(_runner!.CompleteAsync());
        if (_companies is not null)
        {
            Bridge.PumpUntil(CompanyPhase.RunAfterAsync(_runner, _session!.Companies!, _companies, _writer!.PostCompany, CancellationToken));
        }

        _writer!.CompleteProgress();
        StopIfStopped();
    }

    private bool Confirmed(string customerId, string? email)
    {
        if (IsWhatIf || ShouldProcess($"Stripe customer {customerId}{(email is null ? "" : $" ({email})")}", "Create or update its Intercom contact"))
        {
            return true;
        }

        _runner!.SubmitResult(new SyncResult { CustomerId = customerId, Email = email, Action = SyncAction.Skipped, Error = "Declined at the confirmation prompt." });
        return false;
    }

    /// <summary>Carries out the writes of finished customers while waiting for a free slot.</summary>
    private void Submit(System.Threading.Tasks.Task<bool> submitted)
    {
        Bridge.PumpUntil(submitted);
        if (!submitted.GetAwaiter().GetResult())
        {
            Bridge.PumpUntil(_runner!.CompleteAsync());
            StopIfStopped();
        }
    }

    private void StopIfStopped()
    {
        if (_runner!.StopError is { } error)
        {
            ThrowTerminatingError(RunStopErrors.ToErrorRecord(error));
        }

        if (_runner.WasCancelled)
        {
            throw new PipelineStoppedException();
        }
    }

    protected override void ReleaseResources()
    {
        _runner?.Dispose();
        _session?.Dispose();
    }
}
