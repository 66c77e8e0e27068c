namespace StripeIntercom.Runs;

/// <summary>What stopped a run, as far as the one error it ends with is concerned.</summary>
public enum RunStopKind
{
    Stopped,
    CredentialsRejected,
    ServiceUnavailable,
    CustomerFailed,
}
