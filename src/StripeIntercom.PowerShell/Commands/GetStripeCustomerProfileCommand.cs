using System.Management.Automation;
using StripeIntercom.Connection;
using StripeIntercom.PowerShell.Internal;
using StripeIntercom.Stripe;

namespace StripeIntercom.PowerShell.Commands;

/// <summary>Streams Stripe customers as CustomerProfile objects, page by page as Stripe returns them.</summary>
[Cmdlet(VerbsCommon.Get, "StripeCustomerProfile", DefaultParameterSetName = ListSet)]
[OutputType(typeof(CustomerProfile))]
public sealed class GetStripeCustomerProfileCommand : StripeIntercomCmdlet
{
    private const string ListSet = "List";
    private const string ByIdSet = "ById";
    private const int ProgressActivityId = 0x5717;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIdSet, ValueFromPipeline = true,
        ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string[] CustomerId { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = ListSet)]
    [ValidateNotNullOrEmpty]
    public string? Email { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public DateTime? CreatedAfter { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public DateTime? CreatedBefore { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    [Parameter(ParameterSetName = ListSet)]
    public SwitchParameter IncludeDeleted { get; set; }

    private ServiceConnection? _connection;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _connection = ModuleSession.Require(this);
    }

    protected override void ProcessRecord()
    {
        var byId = ParameterSetName == ByIdSet;
        var query = new CustomerQuery
        {
            Email = Email,
            CreatedAfter = CreatedAfter is { } after ? new DateTimeOffset(after) : null,
            CreatedBefore = CreatedBefore is { } before ? new DateTimeOffset(before) : null,
            First = First,
            IncludeDeleted = IncludeDeleted.IsPresent,
        };
        // Several ids in one call (not one per pipeline object) make a run whose length is known: show percent and time
        // left.
        var progress = !byId || CustomerId.Length > 1
            ? new ProgressTracker(this, ProgressActivityId, "Reading Stripe customers")
            : null;
        long? total = byId ? CustomerId.Length : First;
        Run(async token =>
        {
            using var reader = _connection!.CreateStripeReader(new CmdletLogger(this));
            var reads = byId ? reader.ReadByIdsAsync(CustomerId, token) : reader.ReadListAsync(query, token);
            long count = 0;
            try
            {
                await foreach (var read in reads.ConfigureAwait(false))
                {
                    Bridge.Post(() => WriteRead(read));
                    progress?.Report(++count, total, () => $"{reader.ApiCalls} Stripe calls");
                }
            }
            finally
            {
                progress?.Complete();
            }
        });
    }

    private void WriteRead(CustomerRead read)
    {
        if (read.Profile is null)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException($"Stripe customer '{read.Id}' does not exist."),
                "CustomerNotFound", ErrorCategory.ObjectNotFound, read.Id));
            return;
        }

        WriteObject(read.Profile);
    }
}
