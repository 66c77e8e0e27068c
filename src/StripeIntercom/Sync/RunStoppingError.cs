using System;
using System.Threading;
using StripeIntercom.Intercom;
using StripeIntercom.Resilience;
using StripeIntercom.Stripe;

namespace StripeIntercom.Sync;

/// <summary>
/// The failures no later customer could get past: a rejected Stripe key or Intercom token, and a service whose
/// circuit opened or whose overall timeout ran out. They stop the whole run once instead of failing every customer
/// after them one by one.
/// </summary>
public static class RunStoppingError
{
    /// <summary>The run-stopping error in <paramref name="error"/> or its inner exceptions (Stripe.net may wrap what
    /// the handlers throw), or null.</summary>
    public static Exception? Find(Exception? error)
    {
        for (var current = error; current != null; current = current.InnerException)
        {
            if (current is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
            {
                return Find(aggregate.InnerExceptions[0]);
            }

            if (current is IntercomAuthenticationException || current is StripeCredentialsException
                || current is ServiceUnavailableException
                || current is ServiceTimeoutException { IsOverall: true })
            {
                return current;
            }
        }

        return null;
    }

    public static bool Is(Exception? error) => Find(error) != null;

    /// <summary>
    /// True for a failure of the one customer or company being synced: neither run-stopping nor the caller's
    /// cancellation, so it is reported on that item and the run goes on.
    /// </summary>
    public static bool FailsOnlyItsItem(Exception error, CancellationToken cancellationToken) =>
        !Is(error) && !(error is OperationCanceledException && cancellationToken.IsCancellationRequested);
}
