namespace StripeIntercom.Runs;

/// <summary>One progress update: the status line, and percent and seconds left where the total is known.</summary>
public sealed class ProgressReading
{
    public ProgressReading(string status, int? percentComplete, int? secondsRemaining)
    {
        Status = status;
        PercentComplete = percentComplete;
        SecondsRemaining = secondsRemaining;
    }

    public string Status { get; }

    public int? PercentComplete { get; }

    public int? SecondsRemaining { get; }
}
