using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Stripe;
using StripeIntercom.Incremental;
using StripeIntercom.Intercom;

namespace StripeIntercom.Events;

/// <summary>
/// Turns a Stripe event into the <see cref="BillingEvent"/> it becomes, or null when it is not a billing moment (a
/// type the sync does not send, or a subscription update that changed none of plan, quantity, status or
/// cancel-at-period-end). Metadata comes from the event's own payload, flat as Intercom requires, at most 10 keys.
/// </summary>
public sealed class BillingEventReader
{
    private const int MaxMetadataKeys = 10;
    private readonly Func<string, CancellationToken, Task<string?>> _productName;
    private readonly Func<string, CancellationToken, Task<string?>> _chargeCustomer;

    /// <param name="productName">A product's name (read once and cached by the caller).</param>
    /// <param name="chargeCustomer">A charge's customer: a dispute names only its charge.</param>
    public BillingEventReader(Func<string, CancellationToken, Task<string?>> productName,
        Func<string, CancellationToken, Task<string?>> chargeCustomer)
    {
        _productName = productName ?? throw new ArgumentNullException(nameof(productName));
        _chargeCustomer = chargeCustomer ?? throw new ArgumentNullException(nameof(chargeCustomer));
    }

    public async Task<BillingEvent?> ReadAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        if (stripeEvent == null || !BillingEventTypes.IsBillingType(stripeEvent.Type))
        {
            return null;
        }

        var created = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc))
            .ToUnixTimeSeconds();
        var customerId = EventCustomerId.FromEvent(stripeEvent);
        var metadata = new Metadata(stripeEvent.Livemode);
        string name;
        string? chargeId = null;
        switch (stripeEvent.Data?.Object)
        {
            case Invoice invoice when stripeEvent.Type == BillingEventTypes.InvoicePaymentFailed:
                name = "stripe-payment-failed";
                Invoice(metadata, invoice, invoice.AmountDue);
                metadata.Add("failure_reason", invoice.LastFinalizationError?.Message);
                metadata.Add("next_attempt_date", Seconds(invoice.NextPaymentAttempt));
                metadata.Link("invoices/" + invoice.Id);
                break;
            case Invoice invoice:
                // A first attempt that paid is routine; one that paid after failed attempts is a recovery.
                var recovered = invoice.AttemptCount > 1;
                name = recovered ? "stripe-payment-recovered" : "stripe-invoice-paid";
                Invoice(metadata, invoice, invoice.AmountPaid);
                metadata.Link("invoices/" + invoice.Id);
                break;
            case Subscription subscription:
                var named = await SubscriptionAsync(stripeEvent, subscription, metadata, cancellationToken)
                    .ConfigureAwait(false);
                if (named == null)
                {
                    return null;
                }

                name = named;
                metadata.Link("subscriptions/" + subscription.Id);
                break;
            case Charge charge:
                name = "stripe-charge-refunded";
                metadata.Add("amount", Price(charge.AmountRefunded, charge.Currency));
                metadata.Add("charge_amount", Price(charge.Amount, charge.Currency));
                metadata.Add("fully_refunded", charge.Refunded);
                metadata.Add("description", charge.Description);
                metadata.Add("failure_reason", charge.FailureMessage);
                metadata.Add("receipt", RichLink(charge.ReceiptUrl, "Receipt"));
                metadata.Link("payments/" + charge.Id);
                break;
            case Dispute dispute:
                name = "stripe-dispute-opened";
                chargeId = dispute.ChargeId;
                metadata.Add("amount", Price(dispute.Amount, dispute.Currency));
                metadata.Add("reason", dispute.Reason);
                metadata.Add("status", dispute.Status);
                metadata.Add("charge", dispute.ChargeId);
                metadata.Link("disputes/" + dispute.Id);
                if (customerId == null && !string.IsNullOrEmpty(chargeId))
                {
                    customerId = await _chargeCustomer(chargeId!, cancellationToken).ConfigureAwait(false);
                }

                break;
            default:
                return null;
        }

        metadata.Add("stripe_event_id", stripeEvent.Id);
        return new BillingEvent(stripeEvent.Id, stripeEvent.Type, name, customerId, created, metadata.Items,
            chargeId);
    }

    private static void Invoice(Metadata metadata, Invoice invoice, long amount)
    {
        metadata.Add("amount", Price(amount, invoice.Currency));
        metadata.Add("invoice_number", invoice.Number);
        metadata.Add("invoice", RichLink(invoice.HostedInvoiceUrl, invoice.Number ?? "Invoice"));
        metadata.Add("attempt_count", invoice.AttemptCount);
    }

    private async Task<string?> SubscriptionAsync(Event stripeEvent, Subscription subscription, Metadata metadata,
        CancellationToken cancellationToken)
    {
        var items = subscription.Items?.Data?.Select(i => ((Price?)i.Price, i.Quantity));
        var plan = await PlanAsync(items, cancellationToken).ConfigureAwait(false);
        var quantity = subscription.Items?.Data?.Sum(i => i.Quantity) ?? 0;
        switch (stripeEvent.Type)
        {
            case BillingEventTypes.SubscriptionCreated:
                metadata.Add("plan", plan);
                metadata.Add("status", subscription.Status);
                metadata.Add("quantity", quantity);
                metadata.Add("trial_end_date", Seconds(subscription.TrialEnd));
                return "stripe-subscription-started";
            case BillingEventTypes.SubscriptionDeleted:
                metadata.Add("plan", plan);
                metadata.Add("status", subscription.Status);
                metadata.Add("cancellation_reason", subscription.CancellationDetails?.Reason);
                metadata.Add("cancellation_feedback", subscription.CancellationDetails?.Feedback);
                metadata.Add("cancellation_comment", subscription.CancellationDetails?.Comment);
                return "stripe-subscription-canceled";
            case BillingEventTypes.TrialWillEnd:
                metadata.Add("plan", plan);
                metadata.Add("trial_end_date", Seconds(subscription.TrialEnd));
                return "stripe-trial-ending";
            default:
                return await SubscriptionChangeAsync(stripeEvent, subscription, plan, quantity, metadata,
                    cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One event naming every change that matters, or null when none of them changed.</summary>
    private async Task<string?> SubscriptionChangeAsync(Event stripeEvent, Subscription subscription, string? plan,
        long quantity, Metadata metadata, CancellationToken cancellationToken)
    {
        using var previous = PreviousAttributes(stripeEvent);
        if (previous == null)
        {
            return null;
        }

        var root = previous.RootElement;
        var changed = new List<string>();
        string? previousPlan = null;
        long? previousQuantity = null;
        if (root.TryGetProperty("items", out var items) && items.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Array)
        {
            var before = data.EnumerateArray().Select(PriceAndQuantity).ToList();
            previousPlan = await PlanAsync(before, cancellationToken).ConfigureAwait(false);
            previousQuantity = before.Sum(i => i.Quantity);
            if (!string.Equals(previousPlan, plan, StringComparison.Ordinal))
            {
                changed.Add("plan");
            }

            if (previousQuantity != quantity)
            {
                changed.Add("quantity");
            }
        }

        var statusChanged = root.TryGetProperty("status", out var previousStatus);
        if (statusChanged)
        {
            changed.Add("status");
        }

        if (root.TryGetProperty("cancel_at_period_end", out _))
        {
            changed.Add("cancel_at_period_end");
        }

        if (changed.Count == 0)
        {
            return null;
        }

        metadata.Add("changed", string.Join(", ", changed));
        metadata.Add("plan", plan);
        metadata.Add("previous_plan", changed.Contains("plan") ? previousPlan : null);
        metadata.Add("quantity", quantity);
        metadata.Add("previous_quantity", changed.Contains("quantity") ? previousQuantity : null);
        metadata.Add("status", subscription.Status);
        metadata.Add("previous_status", statusChanged ? previousStatus.ToString() : null);
        metadata.Add("cancel_at_period_end", subscription.CancelAtPeriodEnd);
        return "stripe-subscription-changed";
    }

    /// <summary>The price nickname, else the product's name, of the item with the largest list amount.</summary>
    private async Task<string?> PlanAsync(IEnumerable<(Price? Price, long Quantity)>? items,
        CancellationToken cancellationToken)
    {
        var best = (items ?? Enumerable.Empty<(Price? Price, long Quantity)>())
            .Where(i => i.Price != null)
            .OrderByDescending(i => (i.Price!.UnitAmount ?? 0) * Math.Max(1, i.Quantity))
            .Select(i => i.Price)
            .FirstOrDefault();
        if (best == null)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(best.Nickname))
        {
            return best.Nickname;
        }

        var productId = best.ProductId ?? best.Product?.Id;
        return productId == null
            ? null
            : await _productName(productId, cancellationToken).ConfigureAwait(false) ?? productId;
    }

    private static (Price? Price, long Quantity) PriceAndQuantity(JsonElement item)
    {
        Price? price = null;
        if (item.TryGetProperty("price", out var priceJson) && priceJson.ValueKind == JsonValueKind.Object)
        {
            price = new Price
            {
                Nickname = String(priceJson, "nickname"),
                ProductId = String(priceJson, "product"),
                UnitAmount = priceJson.TryGetProperty("unit_amount", out var unit)
                    && unit.ValueKind == JsonValueKind.Number ? unit.GetInt64() : (long?)null,
            };
        }

        var quantity = item.TryGetProperty("quantity", out var q) && q.ValueKind == JsonValueKind.Number
            ? q.GetInt64() : 0;
        return (price, quantity);
    }

    private static string? String(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The event's previous_attributes as JSON, whatever Stripe.net parsed them into.</summary>
    private static JsonDocument? PreviousAttributes(Event stripeEvent)
    {
        var text = stripeEvent.Data?.PreviousAttributes?.ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(text!);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // Not JSON: nothing to compare, so no change is named.
        }

        return null;
    }

    private static IntercomPrice? Price(long amount, string? currency) =>
        string.IsNullOrEmpty(currency) || amount < 0 ? null : new IntercomPrice(amount, currency!);

    private static IntercomRichLink? RichLink(string? url, string text) =>
        string.IsNullOrEmpty(url) ? null : new IntercomRichLink(url!, text);

    private static long? Seconds(DateTime? time) => time == null
        ? (long?)null
        : new DateTimeOffset(DateTime.SpecifyKind(time.Value, DateTimeKind.Utc)).ToUnixTimeSeconds();

    /// <summary>Flat metadata in the order added, nulls left out, the Stripe links and event id always kept.</summary>
    private sealed class Metadata
    {
        private readonly List<KeyValuePair<string, object?>> _items = new List<KeyValuePair<string, object?>>();
        private readonly string _dashboard;
        private string? _link;

        public Metadata(bool livemode)
        {
            _dashboard = livemode ? "https://dashboard.stripe.com/" : "https://dashboard.stripe.com/test/";
        }

        public IReadOnlyList<KeyValuePair<string, object?>> Items
        {
            get
            {
                var items = _items.Where(p => p.Key != "stripe_event_id").Take(MaxMetadataKeys - 2).ToList();
                if (_link != null)
                {
                    items.Add(new KeyValuePair<string, object?>("stripe_link", new IntercomRichLink(_link, "Stripe")));
                }

                items.AddRange(_items.Where(p => p.Key == "stripe_event_id"));
                return items;
            }
        }

        public void Add(string key, object? value)
        {
            if (value != null && !(value is string text && text.Length == 0))
            {
                _items.Add(new KeyValuePair<string, object?>(key, value));
            }
        }

        public void Link(string path) => _link = _dashboard + path;
    }
}
