using System;
using System.Threading;

namespace StripeIntercom.Runs;

/// <summary>
/// The Stripe customer whose sync the current asynchronous flow serves, so a log line about an API call can say for
/// whom it was made (many customers sync at once, and their calls interleave). <see cref="CustomerSync"/> sets it
/// around each customer's sync; loggers read <see cref="CurrentCustomerId"/>. Null outside a customer's sync (reading
/// the contact index, connecting).
/// </summary>
public static class CustomerScope
{
    private static readonly AsyncLocal<string?> Current = new AsyncLocal<string?>();

    public static string? CurrentCustomerId => Current.Value;

    /// <summary>Names <paramref name="customerId"/> until the result is disposed, then restores the one
    /// before.</summary>
    public static IDisposable Begin(string? customerId)
    {
        var previous = Current.Value;
        Current.Value = customerId;
        return new Restore(previous);
    }

    private sealed class Restore : IDisposable
    {
        private readonly string? _previous;

        public Restore(string? previous) => _previous = previous;

        public void Dispose() => Current.Value = _previous;
    }
}
