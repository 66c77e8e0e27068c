using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
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
        if (ParameterSetName == ByIdSet)
        {
            ReadByIds();
        }
        else
        {
            ReadList();
        }
    }

    private void ReadByIds()
    {
        // Several ids in one call (not one per pipeline object) make a run whose length is known: show percent and time
        // left.
        var progress
            = CustomerId.Length > 1 ? new ProgressTracker(this, ProgressActivityId, "Reading Stripe customers") : null;
        Run(async token =>
        {
            using var reader = _connection!.CreateStripeReader(new CmdletLogger(this));
            long count = 0;
            try
            {
                foreach (var id in CustomerId)
                {
                    await ReadOneAsync(reader, id, token).ConfigureAwait(false);
                    progress?.Report(++count, CustomerId.Length, () => $"{reader.ApiCalls} Stripe calls");
                }
            }
            finally
            {
                progress?.Complete();
            }
        });
    }

    private async Task ReadOneAsync(StripeCustomerReader reader, string id, CancellationToken token)
    {
        var profile = await reader.GetAsync(id, token).ConfigureAwait(false);
        if (profile is null)
        {
            Bridge.Post(() => WriteError(new ErrorRecord(
                new ItemNotFoundException($"Stripe customer '{id}' does not exist."),
                "CustomerNotFound", ErrorCategory.ObjectNotFound, id)));
        }
        else
        {
            Bridge.Post(() => WriteObject(profile));
        }
    }

    private void ReadList()
    {
        var query = new CustomerQuery
        {
            Email = Email,
            CreatedAfter = ToOffset(CreatedAfter),
            CreatedBefore = ToOffset(CreatedBefore),
            First = First,
            IncludeDeleted = IncludeDeleted.IsPresent,
        };
        var progress = new ProgressTracker(this, ProgressActivityId, "Reading Stripe customers");
        Run(async token =>
        {
            using var reader = _connection!.CreateStripeReader(new CmdletLogger(this));
            long count = 0;
            try
            {
                var profiles = reader.ReadAsync(query, token).GetAsyncEnumerator(token);
                try
                {
                    while (await profiles.MoveNextAsync().ConfigureAwait(false))
                    {
                        var profile = profiles.Current;
                        Bridge.Post(() => WriteObject(profile));
                        progress.Report(++count, First, () => $"{reader.ApiCalls} Stripe calls");
                    }
                }
                finally
                {
                    await profiles.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                progress.Complete();
            }
        });
    }

    private static DateTimeOffset? ToOffset(
        DateTime? value) => value is null ? (DateTimeOffset?)null
                            : value.Value.Kind == DateTimeKind.Unspecified
                                ? new DateTimeOffset(DateTime.SpecifyKind(value.Value, DateTimeKind.Local))
                                : new DateTimeOffset(value.Value);
}
