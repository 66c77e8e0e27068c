using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace StripeIntercom.Events;

/// <summary>
/// The Intercom event name of each billing event: the default, or a rename from -EventName keyed by the default name
/// ("stripe-invoice-paid") or by the Stripe type ("invoice.paid", every name it makes). An empty or null value
/// drops the event.
/// </summary>
public sealed class BillingEventNames
{
    public static readonly BillingEventNames Default = new BillingEventNames(null);

    private static readonly Regex NameShape = new Regex("^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,254}$");
    private readonly Dictionary<string, string?> _renames;

    /// <exception cref="ArgumentException">A key that is neither a billing type nor a default name, or a name
    /// Intercom would not take; the message names it.</exception>
    public BillingEventNames(IReadOnlyDictionary<string, string?>? renames)
    {
        _renames = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pair in renames ?? new Dictionary<string, string?>())
        {
            var key = pair.Key?.Trim() ?? "";
            if (!BillingEventTypes.DefaultNames.Any(p => p.Key == key || p.Value == key))
            {
                throw new ArgumentException(
                    $"EventName key '{key}' is neither a Stripe event type the sync sends nor one of its event names. "
                    + "Known: " + string.Join(", ", BillingEventTypes.DefaultNames.Select(p => p.Value)) + "; "
                    + string.Join(", ", BillingEventTypes.All) + ".");
            }

            var value = string.IsNullOrWhiteSpace(pair.Value) ? null : pair.Value!.Trim();
            if (value != null && !NameShape.IsMatch(value))
            {
                throw new ArgumentException(
                    $"EventName '{key}' = '{value}' is not a usable Intercom event name: use letters, digits, "
                    + "'-', '_', '.', ':' or spaces, at most 255 characters.");
            }

            _renames[key] = value;
        }
    }

    public IReadOnlyDictionary<string, string?> Renames => _renames;

    /// <summary>The name to send, or null when the event is dropped.</summary>
    public string? NameOf(BillingEvent billingEvent)
    {
        if (_renames.TryGetValue(billingEvent.DefaultName, out var byName))
        {
            return byName;
        }

        return _renames.TryGetValue(billingEvent.StripeType, out var byType) ? byType : billingEvent.DefaultName;
    }
}
