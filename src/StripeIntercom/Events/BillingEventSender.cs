using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using StripeIntercom.Incremental;
using StripeIntercom.Intercom;
using StripeIntercom.Sync;

namespace StripeIntercom.Events;

/// <summary>
/// Sends one customer's billing events, oldest first, to the contact that customer's sync found: one POST /events
/// each, by contact id, so an event never lands on a contact the sync would not have picked and never creates one.
/// </summary>
public sealed class BillingEventSender
{
    private readonly IntercomClient _client;
    private readonly BillingEventNames _names;
    private readonly bool _whatIf;
    private readonly Func<DateTimeOffset> _utcNow;

    public BillingEventSender(IntercomClient client, BillingEventNames? names, bool whatIf,
        Func<DateTimeOffset>? utcNow = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _names = names ?? BillingEventNames.Default;
        _whatIf = whatIf;
        _utcNow = utcNow ?? (() => DateTimeOffset.UtcNow);
    }

    /// <param name="customer">The customer's sync result in this run; null when it was not synced.</param>
    /// <returns>One result per event not dropped by -EventName, in Stripe's order.</returns>
    /// <exception cref="Exception">
    /// A run-stopping error (a rejected token, a service judged down) is thrown.
    /// </exception>
    public async Task<IReadOnlyList<BillingEventResult>> SendAsync(IEnumerable<BillingEvent> events,
        SyncResult? customer, CancellationToken cancellationToken)
    {
        var results = new List<BillingEventResult>();
        string? blockedBy = null;
        foreach (var billingEvent in events.OrderBy(e => e.CreatedAt))
        {
            var name = _names.NameOf(billingEvent);
            if (name == null)
            {
                continue;
            }

            var result = new BillingEventResult
            {
                StripeEventId = billingEvent.StripeEventId,
                StripeType = billingEvent.StripeType,
                EventName = name,
                CustomerId = billingEvent.CustomerId,
                ContactId = customer?.ContactId,
                CreatedAt = billingEvent.Created,
            };
            results.Add(result);
            // Stripe keeps events for 30 days: an event older than that is never sent late.
            if (billingEvent.Created < _utcNow() - ChangedCustomerFeed.EventRetention)
            {
                Set(result, BillingEventAction.Expired,
                    "The event is older than Stripe's 30-day event window; it is not backfilled.");
            }
            else if (blockedBy != null)
            {
                Set(result, BillingEventAction.Failed,
                    $"Held back to keep Stripe's order: the customer's earlier event {blockedBy} was not sent.");
            }
            else if (Unsendable(customer, out var action, out var why))
            {
                Set(result, action, why);
            }
            else if (_whatIf)
            {
                result.Action = BillingEventAction.WouldSend;
            }
            else
            {
                await SendOneAsync(billingEvent, name, customer!.ContactId!, result, cancellationToken)
                    .ConfigureAwait(false);
            }

            if (result.Action == BillingEventAction.Failed && blockedBy == null)
            {
                blockedBy = billingEvent.StripeEventId;
            }
        }

        return results;
    }

    private async Task SendOneAsync(BillingEvent billingEvent, string name, string contactId,
        BillingEventResult result, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SendDataEventAsync(ToDataEvent(billingEvent, name, contactId), cancellationToken)
                .ConfigureAwait(false);
            result.Action = BillingEventAction.Sent;
        }
        catch (IntercomApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            Set(result, BillingEventAction.NoContact,
                $"Intercom has no contact {contactId} any more (it was deleted or merged meanwhile).");
            result.Exception = e;
        }
        catch (Exception e) when (!RunStoppingError.Is(e) && !cancellationToken.IsCancellationRequested)
        {
            Set(result, BillingEventAction.Failed, e.Message);
            result.Exception = e;
        }
    }

    /// <summary>The body sent: identical for the same Stripe event every time, so Intercom ignores a
    /// repeat.</summary>
    public static IntercomDataEvent ToDataEvent(BillingEvent billingEvent, string name, string contactId) =>
        new IntercomDataEvent
        {
            EventName = name,
            CreatedAt = billingEvent.CreatedAt,
            ContactId = contactId,
            Metadata = billingEvent.Metadata.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
        };

    private static bool Unsendable(SyncResult? customer, out BillingEventAction action, out string why)
    {
        action = BillingEventAction.NoContact;
        why = "";
        if (customer == null)
        {
            action = BillingEventAction.Failed;
            why = "The customer was not synced in this run, so its contact is not known.";
        }
        else if (customer.Action == SyncAction.Failed)
        {
            action = BillingEventAction.Failed;
            why = "The customer's sync failed: " + (customer.Error ?? "no detail");
        }
        else if (customer.Action == SyncAction.Conflict)
        {
            why = "Several contacts could be this customer (" + string.Join(", ", customer.Candidates)
                + "): the event is sent to none of them.";
        }
        else if (customer.Action is SyncAction.Skipped or SyncAction.Archived
                 || (string.IsNullOrEmpty(customer.ContactId) && !(customer.WhatIf
                     && customer.Action == SyncAction.Created)))
        {
            why = "The customer has no Intercom contact" + (customer.Note is { } note ? ": " + note : ".");
        }
        else
        {
            return false;
        }

        return true;
    }

    private static void Set(BillingEventResult result, BillingEventAction action, string why)
    {
        result.Action = action;
        result.Error = why;
    }
}
