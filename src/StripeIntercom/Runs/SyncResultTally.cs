using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>Counts a run's customer results as they are reported, for its progress line.</summary>
public sealed class SyncResultTally
{
    public long Reported { get; private set; }

    public long Created { get; private set; }

    public long Updated { get; private set; }

    public long Failed { get; private set; }

    public void Add(SyncResult result)
    {
        Reported++;
        switch (result.Action)
        {
            case SyncAction.Created:
                Created++;
                break;
            case SyncAction.Updated:
                Updated++;
                break;
            case SyncAction.Failed:
                Failed++;
                break;
        }
    }

    public override string ToString() => $"{Created} created, {Updated} updated, {Failed} failed";
}
