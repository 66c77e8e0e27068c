using System;
using StripeIntercom.Sync;

namespace StripeIntercom.Runs;

/// <summary>
/// Stopped a run that was asked to stop at its first failed customer (<see cref="SyncRunner.StopOnFailure"/>, the
/// cmdlets' <c>-ErrorAction Stop</c>). Names the customer; the failure itself is the inner exception.
/// </summary>
public sealed class CustomerSyncFailedException : Exception
{
    public CustomerSyncFailedException(SyncResult result)
        : base(Describe(result ?? throw new ArgumentNullException(nameof(result))), result.Exception)
    {
        CustomerId = result.CustomerId;
        Result = result;
    }

    public string CustomerId { get; }

    /// <summary>The failed customer's result, as it was reported.</summary>
    public SyncResult Result { get; }

    private static string Describe(SyncResult result)
    {
        var error = result.Error ?? "it could not be synced.";
        return error.IndexOf(result.CustomerId, StringComparison.Ordinal) >= 0 && result.CustomerId.Length > 0
            ? error
            : $"Stripe customer {result.CustomerId} could not be synced: {error}";
    }
}
