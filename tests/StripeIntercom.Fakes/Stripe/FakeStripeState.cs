using System.Diagnostics;
using System.Text.Json.Nodes;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>
/// The fake's live state and the changes tests make to it. Every change emits the events Stripe would
/// (customer.created/updated/deleted, customer.subscription.created/updated/deleted/trial_will_end,
/// invoice.payment_failed, invoice.paid, charge.refunded, charge.dispute.created).
/// Take <see cref="Sync"/> to read <see cref="Data"/> directly.
/// </summary>
public sealed class FakeStripeState
{
    private readonly Random _random;
    private readonly StripeIdFactory _ids;
    private readonly long _anchor;
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    public FakeStripeState(FakeStripeOptions options)
    {
        Options = options;
        var now = options.Now ?? DateTimeOffset.UtcNow;
        _anchor = now.ToUnixTimeSeconds();
        Data = FakeStripeGenerator.Generate(options.Seed, options.CustomerCount, now);
        if (options.BillingShapes)
        {
            FakeBillingShapes.Apply(Data, options.Seed, _anchor);
        }

        _random = new Random(unchecked(options.Seed * 31 + 7));
        _ids = new StripeIdFactory(_random, Data.Contains);
        RateLimiter = new FakeStripeRateLimiter(() => Options.RequestsPerSecond);
    }

    public object Sync { get; } = new();
    public FakeStripeData Data { get; }
    public FakeStripeOptions Options { get; }
    public FakeStripeCounters Counters { get; } = new();
    public FakeStripeFaults Faults { get; } = new();
    public FakeStripeRateLimiter RateLimiter { get; }

    /// <summary>The fake's clock: the generator's "now" plus the time the server has been running.</summary>
    public long Now => _anchor + (long)Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;

    public IReadOnlyList<FakeCustomer> LiveCustomers()
    {
        lock (Sync)
        {
            return Data.Customers.Where(c => !c.Deleted).ToList();
        }
    }

    public IReadOnlyList<FakeCustomer> DeletedCustomers()
    {
        lock (Sync)
        {
            return Data.Customers.Where(c => c.Deleted).ToList();
        }
    }

    public FakeCustomer? Customer(string id)
    {
        lock (Sync)
        {
            return Data.Find<FakeCustomer>(id);
        }
    }

    public IReadOnlyList<FakeSubscription> SubscriptionsOf(string customerId)
    {
        lock (Sync)
        {
            return Data.SubscriptionsOf(customerId).ToList();
        }
    }

    public T? Find<T>(string? id) where T : class
    {
        lock (Sync)
        {
            return Data.Find<T>(id);
        }
    }

    /// <summary>Everything the fake holds about one customer, fully expanded, including canceled
    /// subscriptions.</summary>
    public JsonObject RawCustomer(string id)
    {
        lock (Sync)
        {
            var customer = Data.Find<FakeCustomer>(id) ?? throw StripeApiException.NoSuch("customer", id);
            var subscriptions =
                Data.SubscriptionsOf(id).Reverse().Select(s => (JsonNode)FakeStripeJson.Subscription(s, Data)).ToList();
            var node = new JsonObject
            {
                ["customer"] = FakeStripeJson.Customer(customer),
                ["deleted"] = customer.Deleted,
                ["subscriptions"] = new JsonArray(subscriptions.ToArray()),
                ["invoices"]
                = new JsonArray(Data.Invoices.Where(i => i.Customer == id).Reverse()
                    .Select(i => (JsonNode)FakeStripeJson.Invoice(i)).ToArray()),
                ["payment_methods"]
                = new JsonArray(Data.PaymentMethods.Where(p => p.Customer == id)
                    .Select(p => (JsonNode)FakeStripeJson.PaymentMethod(p)).ToArray()),
            };
            return node;
        }
    }

    public FakeCustomer CreateCustomer(FakeCustomerChange draft)
    {
        lock (Sync)
        {
            var now = Now;
            var customer = new FakeCustomer
            {
                Id = _ids.Next("cus_"),
                Created = Math.Max(now, Data.Customers.Count == 0 ? now : Data.Customers[^1].Created + 1),
                Email = draft.Email,
                Name = draft.Name,
                Description = draft.Description,
                Balance = draft.Balance ?? 0,
                InvoicePrefix = $"N{Data.Customers.Count:X6}",
            };
            foreach (var (key, value) in draft.Metadata ?? new Dictionary<string, string>())
            {
                if (value.Length > 0)
                {
                    customer.Metadata[key] = value;
                }
            }
            Data.Add(customer);
            Emit("customer.created", FakeStripeJson.Customer(customer));
            if (draft.TouchesSubscription)
            {
                CreateSubscription(customer, draft, now);
            }

            return customer;
        }
    }

    /// <returns>The types of the events emitted, in order.</returns>
    public IReadOnlyList<string> ChangeCustomer(string id, FakeCustomerChange change)
    {
        lock (Sync)
        {
            var customer = LiveCustomer(id);
            var eventsBefore = Data.Events.Count;
            var emitted = new List<string>();
            var previous = new JsonObject();
            if (change.Email is not null
                && change.Email != customer.Email)
            {
                previous["email"] = customer.Email; customer.Email =
                change.Email;
            }
            if (change.Name is not null
                && change.Name != customer.Name) { previous["name"] = customer.Name; customer.Name = change.Name; }
            if (change.Description is not null
                && change.Description != customer.Description)
            {
                previous["description"] =
                customer.Description; customer.Description = change.Description;
            }
            if (change.Balance is not null
                && change.Balance != customer.Balance)
            {
                previous["balance"] = customer.Balance; customer.Balance =
                change.Balance.Value;
            }
            if (change.Metadata is { Count: > 0 })
            {
                previous["metadata"] =
                    new JsonObject(customer.Metadata.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
                foreach (var (key, value) in change.Metadata)
                {
                    if (value.Length == 0)
                    {
                        customer.Metadata.Remove(key);
                    }
                    else
                    {
                        customer.Metadata[key] = value;
                    }
                }
            }
            if (previous.Count > 0)
            {
                emitted.Add(Emit("customer.updated", FakeStripeJson.Customer(customer), previous));
            }

            if (change.TouchesSubscription)
            {
                emitted.AddRange(ChangeSubscription(customer, change));
            }

            if (change.LateEvents)
            {
                foreach (var stripeEvent in Data.Events.Skip(eventsBefore))
                {
                    stripeEvent.Hidden = true;
                }
            }
            return emitted;
        }
    }

    /// <summary>Lists the events held back by a change with <see cref="FakeCustomerChange.LateEvents"/>, with their
    /// original times.</summary>
    /// <returns>How many were revealed.</returns>
    public int RevealLateEvents()
    {
        lock (Sync)
        {
            var hidden = Data.Events.Where(e => e.Hidden).ToList();
            foreach (var stripeEvent in hidden)
            {
                stripeEvent.Hidden = false;
            }

            return hidden.Count;
        }
    }

    /// <summary>Adds a price as given (a tiered or metered one, say); an empty id or product is filled in.</summary>
    public FakePrice AddPrice(FakePrice price)
    {
        lock (Sync)
        {
            return FakeBilling.AddPrice(Data, _ids, price);
        }
    }

    public FakeCoupon AddCoupon(FakeCoupon coupon)
    {
        lock (Sync)
        {
            return FakeBilling.AddCoupon(Data, _ids, coupon, Now);
        }
    }

    /// <summary>Builds a subscription exactly as specified and emits customer.subscription.created (or .deleted for a
    /// canceled one).</summary>
    public FakeSubscription Subscribe(string customerId, FakeSubscriptionSpec spec)
    {
        lock (Sync)
        {
            var subscription = FakeBilling.Subscribe(Data, _ids, _random, LiveCustomer(customerId), spec, Now);
            Emit(spec.Status == "canceled" ? "customer.subscription.deleted" : "customer.subscription.created",
                FakeStripeJson.Subscription(subscription, Data));
            return subscription;
        }
    }

    /// <summary>Redeems a coupon on the customer itself (customer.discount).</summary>
    public FakeDiscount GiveCustomerDiscount(string customerId, string couponId)
    {
        lock (Sync)
        {
            var customer = LiveCustomer(customerId);
            customer.Discount = FakeBilling.Redeem(Data, _ids, couponId, customer.Id, Now);
            Emit("customer.updated", FakeStripeJson.Customer(customer), new JsonObject { ["discount"] = null });
            return customer.Discount;
        }
    }

    /// <summary>Gives the customer a legacy card source and makes it the default_source.</summary>
    public FakeCardSource AddCardSource(string customerId, string brand, string last4, long expMonth, long expYear)
    {
        lock (Sync)
        {
            var customer = LiveCustomer(customerId);
            var card = FakeBilling.AddCardSource(Data, _ids, customer, brand, last4, expMonth, expYear);
            Emit("customer.updated", FakeStripeJson.Customer(customer), new JsonObject { ["default_source"] = null });
            return card;
        }
    }

    /// <summary>Refunds <paramref name="amount"/> (default: all that is left) of the customer's latest charge that
    /// can still be refunded, creating a succeeded charge first if there is none, and emits charge.refunded.</summary>
    public FakeChargeChange RefundCharge(string customerId, long? amount = null)
    {
        lock (Sync)
        {
            var customer = LiveCustomer(customerId);
            var now = Now;
            var charge = Data.Charges.LastOrDefault(c => c.Customer == customer.Id && !c.Disputed
                && c.AmountRefunded < c.Amount) ?? NewCharge(customer, now);
            var left = charge.Amount - charge.AmountRefunded;
            var refund = amount ?? left;
            if (refund <= 0)
            {
                throw new StripeApiException(400, "Invalid positive integer", param: "amount");
            }

            if (refund > left)
            {
                throw new StripeApiException(400,
                    $"Refund amount ({refund}) is greater than unrefunded amount on charge ({left})",
                    param: "amount");
            }

            var previous = new JsonObject
            {
                ["amount_refunded"] = charge.AmountRefunded,
                ["refunded"] = charge.Refunded,
            };
            charge.AmountRefunded += refund;
            charge.Refunded = charge.AmountRefunded == charge.Amount;
            var type = Emit("charge.refunded", FakeStripeJson.Charge(charge), previous);
            return new FakeChargeChange(charge.Id, null, [type]);
        }
    }

    /// <summary>Opens a dispute (status needs_response) on the customer's latest charge that is neither disputed nor
    /// fully refunded, creating a succeeded charge first if there is none, and emits charge.dispute.created.</summary>
    public FakeChargeChange OpenDispute(string customerId, string reason = "fraudulent")
    {
        lock (Sync)
        {
            if (!FakeDispute.Reasons.Contains(reason))
            {
                throw new StripeApiException(400, $"Invalid dispute reason: {reason}", param: "reason");
            }

            var customer = LiveCustomer(customerId);
            var now = Now;
            var charge = Data.Charges.LastOrDefault(c => c.Customer == customer.Id && !c.Disputed
                && c.AmountRefunded < c.Amount) ?? NewCharge(customer, now);
            var dispute = new FakeDispute
            {
                Id = _ids.Next("dp_", 24),
                Amount = charge.Amount - charge.AmountRefunded,
                Charge = charge.Id,
                Created = now,
                Currency = charge.Currency,
                Reason = reason,
                EvidenceDetails = new FakeDisputeEvidenceDetails { DueBy = now + 21 * FakeStripeGenerator.Day },
            };
            Data.Add(dispute);
            charge.Disputed = true;
            var type = Emit("charge.dispute.created", FakeStripeJson.Dispute(dispute));
            return new FakeChargeChange(charge.Id, dispute.Id, [type]);
        }
    }

    /// <summary>Emits customer.subscription.trial_will_end for the customer's newest current subscription. One that
    /// is not trialing is put on a trial ending in 3 days first (customer.subscription.updated); a customer with no
    /// current subscription gets a new trialing one (customer.subscription.created).</summary>
    /// <returns>The types of the events emitted, in order.</returns>
    public IReadOnlyList<string> TrialWillEnd(string customerId)
    {
        lock (Sync)
        {
            var customer = LiveCustomer(customerId);
            var now = Now;
            var emitted = new List<string>();
            var subscription = Data.SubscriptionsOf(customer.Id).Where(FakeStripeJson.IsCurrent).LastOrDefault();
            if (subscription is null)
            {
                var trial = new FakeCustomerChange { SubscriptionStatus = "trialing" };
                emitted.AddRange(CreateSubscription(customer, trial, now));
                subscription = Data.SubscriptionsOf(customer.Id).Last();
            }
            else if (subscription.Status != "trialing")
            {
                var previous = new JsonObject
                {
                    ["status"] = subscription.Status,
                    ["trial_end"] = subscription.TrialEnd,
                    ["trial_start"] = subscription.TrialStart,
                };
                subscription.Status = "trialing";
                subscription.TrialStart = now;
                subscription.TrialEnd = now + 3 * FakeStripeGenerator.Day;
                customer.Delinquent = Data.SubscriptionsOf(customer.Id).Any(s => s.Status is "past_due" or "unpaid");
                emitted.Add(Emit("customer.subscription.updated", FakeStripeJson.Subscription(subscription, Data),
                    previous));
            }

            emitted.Add(Emit("customer.subscription.trial_will_end", FakeStripeJson.Subscription(subscription, Data)));
            return emitted;
        }
    }

    public void DeleteCustomer(string id)
    {
        lock (Sync)
        {
            var customer = LiveCustomer(id);
            var now = Now;
            foreach (var subscription in Data.SubscriptionsOf(id).Where(FakeStripeJson.IsCurrent))
            {
                subscription.Status = "canceled";
                subscription.CanceledAt = subscription.EndedAt = now;
                Emit("customer.subscription.deleted", FakeStripeJson.Subscription(subscription, Data));
            }
            var snapshot = FakeStripeJson.Customer(customer);
            customer.Deleted = true;
            Emit("customer.deleted", snapshot);
        }
    }

    /// <summary>
    /// Changes what every live customer pays, for a benchmark whose re-run must update every contact: the newest
    /// current subscription moves to another plan price with one more seat and becomes active (a trial or an unpaid
    /// one too); a customer without one gets a new active subscription.
    /// </summary>
    /// <returns>The ids of the customers changed.</returns>
    public IReadOnlyList<string> ChangeAllPlans(int seed)
    {
        lock (Sync)
        {
            var random = new Random(seed);
            var changed = new List<string>();
            foreach (var customer in Data.Customers.Where(c => !c.Deleted).ToList())
            {
                var current = Data.SubscriptionsOf(customer.Id).Where(FakeStripeJson.IsCurrent).LastOrDefault();
                var change = current is null
                    ? new FakeCustomerChange { SubscriptionStatus = "active", Quantity = random.Next(1, 10) }
                    : new FakeCustomerChange
                    {
                        Price = OtherPlanPrice(current, random)?.Id,
                        Quantity = current.Items[0].Quantity + 1,
                        SubscriptionStatus = current.Status is "active" or "past_due" ? null : "active",
                    };
                ChangeCustomer(customer.Id, change);
                changed.Add(customer.Id);
            }
            return changed;
        }
    }

    /// <summary>Applies one random change (email, name, balance, status, cancel at period end, price) to each of
    /// <paramref name="count"/> live customers.</summary>
    /// <returns>The ids of the customers changed.</returns>
    public IReadOnlyList<string> ChangeRandom(int count, int seed)
    {
        lock (Sync)
        {
            var random = new Random(seed);
            var live = Data.Customers.Where(c => !c.Deleted).ToList();
            var changed = new List<string>();
            for (var n = 0; n < count && live.Count > 0; n++)
            {
                var pick = random.Next(live.Count);
                var customer = live[pick];
                live.RemoveAt(pick);
                var current = Data.SubscriptionsOf(customer.Id).Where(FakeStripeJson.IsCurrent).LastOrDefault();
                var change = random.Next(6) switch
                {
                    0 => new FakeCustomerChange
                    {
                        Email = $"changed.{seed}.{n}.{customer.Id.ToLowerInvariant()}@example.com"
                    },
                    1 => new FakeCustomerChange { Name = (customer.Name ?? "Anonymous") + " Jr." },
                    2 => new FakeCustomerChange
                    {
                        Balance = customer.Balance == 0 ? -random.NextInt64(100, 10_000)
                        : 0
                    },
                    3 => new FakeCustomerChange
                    {
                        SubscriptionStatus = current?.Status == "active" ? "past_due"
                        : "active"
                    },
                    4 when current is not null =>
                        new FakeCustomerChange { CancelAtPeriodEnd = !current.CancelAtPeriodEnd },
                    5 when current is not null => new FakeCustomerChange
                    {
                        Price = OtherPlanPrice(current, random)?.Id,
                        Quantity = random.Next(1, 10)
                    },
                    _ => new FakeCustomerChange { Name = (customer.Name ?? "Anonymous") + " II" },
                };
                ChangeCustomer(customer.Id, change);
                changed.Add(customer.Id);
            }
            return changed;
        }
    }

    private FakePrice? OtherPlanPrice(FakeSubscription subscription, Random random)
    {
        var currentPrice = subscription.Items[0].PriceId;
        var plans = Data.Prices.Where(p => p.Currency == subscription.Currency && p.Id != currentPrice
            && Data.Products.IndexOf(Data.Find<FakeProduct>(p.Product)!) < 4).ToList();
        return plans.Count == 0 ? null : plans[random.Next(plans.Count)];
    }

    private FakeCustomer LiveCustomer(string id)
    {
        var customer = Data.Find<FakeCustomer>(id);
        if (customer is null || customer.Deleted)
        {
            throw StripeApiException.NoSuch("customer", id);
        }

        return customer;
    }

    /// <summary>A succeeded charge for what the customer last paid (2000 in its currency if it never paid).</summary>
    private FakeCharge NewCharge(FakeCustomer customer, long now)
    {
        var invoice = Data.Invoices.LastOrDefault(i => i.Customer == customer.Id && i.AmountPaid > 0);
        var amount = invoice?.AmountPaid ?? 2000;
        var charge = new FakeCharge
        {
            Id = _ids.Next("ch_", 24),
            Amount = amount,
            AmountCaptured = amount,
            BillingDetails = new FakeBillingDetails { Email = customer.Email, Name = customer.Name },
            Created = now,
            Currency = invoice?.Currency ?? customer.Currency ?? "usd",
            Customer = customer.Id,
            Description = invoice?.BillingReason == "subscription_create" ? "Subscription creation"
                : invoice is null ? null : "Subscription update",
            PaymentMethod = customer.InvoiceSettings.DefaultPaymentMethod
                ?? Data.PaymentMethods.LastOrDefault(p => p.Customer == customer.Id)?.Id,
            ReceiptEmail = customer.Email,
        };
        charge.ReceiptUrl = $"https://pay.stripe.com/receipts/payment/acct_fake/test_{charge.Id}";
        Data.Add(charge);
        return charge;
    }

    private List<string> ChangeSubscription(FakeCustomer customer, FakeCustomerChange change)
    {
        var now = Now;
        var subscription = change.SubscriptionId is not null
            ? Data.Find<FakeSubscription>(change.SubscriptionId) is { } s && s.Customer == customer.Id ? s
                : throw StripeApiException.NoSuch("subscription", change.SubscriptionId)
            : Data.SubscriptionsOf(customer.Id).Where(FakeStripeJson.IsCurrent).LastOrDefault();
        if (subscription is null)
        {
            return CreateSubscription(customer, change, now);
        }

        var emitted = new List<string>();
        var previous = new JsonObject();
        if (change.Price is not null || change.Quantity is not null)
        {
            previous["items"] = FakeStripeJson.Subscription(subscription, Data)["items"]!.DeepClone();
            if (change.Price is not null)
            {
                var price =
                    Data.Find<FakePrice>(change.Price) ?? throw StripeApiException.NoSuch("price", change.Price);
                subscription.Items[0].PriceId = price.Id;
            }
            if (change.Quantity is not null)
            {
                subscription.Items[0].Quantity = change.Quantity.Value;
            }
        }
        if (change.CancelAtPeriodEnd is not null && change.CancelAtPeriodEnd != subscription.CancelAtPeriodEnd)
        {
            previous["cancel_at_period_end"] = subscription.CancelAtPeriodEnd;
            previous["cancel_at"] = subscription.CancelAt;
            subscription.CancelAtPeriodEnd = change.CancelAtPeriodEnd.Value;
            subscription.CancelAt =
                subscription.CancelAtPeriodEnd ? subscription.Items.Min(i => i.CurrentPeriodEnd) : null;
            subscription.CanceledAt = subscription.CancelAtPeriodEnd ? now : null;
        }
        var newStatus = change.SubscriptionStatus;
        if (newStatus is not null && newStatus != subscription.Status)
        {
            previous["status"] = subscription.Status;
            subscription.Status = newStatus;
            switch (newStatus)
            {
                case "past_due" or "unpaid":
                    var invoice = FakeStripeGenerator.BuildLatestInvoice(Data, _ids, _random, customer, subscription,
                        now, issuedAt: now);
                    subscription.LatestInvoice = invoice.Id;
                    emitted.Add("invoice.payment_failed");
                    break;
                case "active" when Data.Find<FakeInvoice>(subscription.LatestInvoice) is { Status: "open" } open:
                    // The retry that succeeded is an attempt too: a recovered invoice has attempt_count >= 2.
                    open.Status = "paid";
                    open.Attempted = true;
                    open.AttemptCount++;
                    open.AmountPaid = open.AmountDue;
                    open.AmountRemaining = 0;
                    open.NextPaymentAttempt = null;
                    open.StatusTransitions.PaidAt = now;
                    emitted.Add(Emit("invoice.paid", FakeStripeJson.Invoice(open)));
                    break;
                case "canceled":
                    subscription.CanceledAt = subscription.EndedAt = now;
                    break;
            }
            customer.Delinquent = Data.SubscriptionsOf(customer.Id).Any(s => s.Status is "past_due" or "unpaid");
        }
        if (previous.Count > 0)
        {
            var type =
                subscription.Status == "canceled" ? "customer.subscription.deleted" : "customer.subscription.updated";
            emitted.Insert(0, Emit(type, FakeStripeJson.Subscription(subscription, Data), previous));
        }
        return emitted;
    }

    private List<string> CreateSubscription(FakeCustomer customer, FakeCustomerChange change, long now)
    {
        var price = change.Price is null ? null : Data.Find<FakePrice>(change.Price)
            ?? throw StripeApiException.NoSuch("price", change.Price);
        var currency = price?.Currency ?? customer.Currency ?? "usd";
        var status = change.SubscriptionStatus ?? "active";
        var subscription =
            FakeStripeGenerator.BuildSubscription(Data, _ids, _random, customer, currency, status, now, createdAt: now);
        if (price is not null)
        {
            subscription.Items[0].PriceId = price.Id;
        }

        if (change.Quantity is not null)
        {
            subscription.Items[0].Quantity = change.Quantity.Value;
        }

        customer.Currency ??= currency;
        customer.Delinquent = Data.SubscriptionsOf(customer.Id).Any(s => s.Status is "past_due" or "unpaid");
        var emitted =
            new List<string> { Emit("customer.subscription.created", FakeStripeJson.Subscription(subscription, Data)) };
        if (status is "past_due" or "unpaid")
        {
            emitted.Add("invoice.payment_failed");
        }

        return emitted;
    }

    private string Emit(string type, JsonNode dataObject, JsonNode? previous = null)
    {
        Data.Add(FakeStripeGenerator.NewEvent(_ids, type, Now, dataObject, previous));
        return type;
    }
}
