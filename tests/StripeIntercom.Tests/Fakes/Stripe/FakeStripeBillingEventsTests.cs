using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Stripe;
using StripeIntercom.Fakes.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Fakes.Stripe;

/// <summary>The billing events the Intercom timeline is built from, read back through Stripe.net as the library
/// reads them.</summary>
public sealed class FakeStripeBillingEventsTests : IAsyncLifetime
{
    private FakeStripeServer _server = null!;
    private FakeStripeClient _client = null!;
    private StripeClient _stripe = null!;

    public async Task InitializeAsync()
    {
        _server =
            await FakeStripeServer.StartAsync(new FakeStripeOptions { CustomerCount = 40, RequestsPerSecond = 0 });
        _client = new FakeStripeClient(_server);
        _stripe = new StripeClient(new StripeClientOptions
        {
            ApiKey = _server.Options.ApiKey,
            ApiBase = _server.BaseUrl.ToString().TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0),
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private FakeCustomer CustomerWith(string status) =>
        _server.State.LiveCustomers().First(c => _server.State.SubscriptionsOf(c.Id)
            .Where(FakeStripeJson.IsCurrent).LastOrDefault()?.Status == status);

    private async Task<List<Event>> EventsAsync(string type) =>
        (await new EventService(_stripe).ListAsync(new EventListOptions { Type = type, Limit = 100 })).Data;

    private static string[] Types(JsonNode answer) => answer["events"]!.AsArray().Select(e => (string)e!).ToArray();

    [Fact]
    public async Task Refunds_emit_charge_refunded_with_the_amount_refunded_so_far()
    {
        var customer = _server.State.LiveCustomers()
            .First(c => _server.State.Data.Invoices.Any(i => i.Customer == c.Id && i.AmountPaid > 1000));
        var partial = await _client.ControlAsync($"/__control/customers/{customer.Id}/refund", new { amount = 500 });
        Assert.Equal(["charge.refunded"], Types(partial));
        var chargeId = (string)partial["charge"]!;
        Assert.StartsWith("ch_", chargeId);
        Assert.Null(partial["dispute"]);

        var rest = await _client.ControlAsync($"/__control/customers/{customer.Id}/refund");
        Assert.Equal(chargeId, (string?)rest["charge"]);

        var events = await EventsAsync("charge.refunded");
        Assert.Equal(2, events.Count);
        var (last, first) = ((Charge)events[0].Data.Object, (Charge)events[1].Data.Object);
        Assert.Equal((chargeId, 500L, false), (first.Id, first.AmountRefunded, first.Refunded));
        Assert.Equal((chargeId, last.Amount, true), (last.Id, last.AmountRefunded, last.Refunded));
        Assert.Equal(customer.Id, last.CustomerId);
        var paid = _server.State.Data.Invoices.Last(i => i.Customer == customer.Id && i.AmountPaid > 0);
        Assert.Equal((paid.AmountPaid, paid.Currency), (last.Amount, last.Currency));
        var previous = await _client.GetOkAsync($"/v1/events/{events[0].Id}");
        Assert.Equal(500, (long)previous["data"]!["previous_attributes"]!["amount_refunded"]!);
        Assert.False((bool)previous["data"]!["previous_attributes"]!["refunded"]!);

        var charge = await new ChargeService(_stripe).GetAsync(chargeId);
        Assert.Equal((last.Amount, true, "succeeded"), (charge.AmountRefunded, charge.Refunded, charge.Status));

        // The charge is fully refunded: the next refund goes to a new charge of 2000 or the last amount paid.
        var next = await _client.ControlAsync($"/__control/customers/{customer.Id}/refund", new { amount = 1 });
        Assert.NotEqual(chargeId, (string?)next["charge"]);
        Assert.Equal(3, (await EventsAsync("charge.refunded")).Count);
    }

    [Fact]
    public async Task Disputes_name_the_charge_which_names_the_customer()
    {
        var customer = CustomerWith("active");
        var answer = await _client.ControlAsync($"/__control/customers/{customer.Id}/dispute",
            new { reason = "product_not_received" });
        Assert.Equal(["charge.dispute.created"], Types(answer));
        var disputeId = (string)answer["dispute"]!;
        Assert.StartsWith("dp_", disputeId);

        var created = Assert.Single(await EventsAsync("charge.dispute.created"));
        var dispute = Assert.IsType<Dispute>(created.Data.Object);
        Assert.Equal((disputeId, (string)answer["charge"]!, "product_not_received", "needs_response"),
            (dispute.Id, dispute.ChargeId, dispute.Reason, dispute.Status));
        Assert.True(dispute.Amount > 0);
        Assert.NotNull(dispute.EvidenceDetails.DueBy);
        var raw = await _client.GetOkAsync($"/v1/disputes/{disputeId}");
        Assert.False(raw.ContainsKey("customer"));

        var charge = await new ChargeService(_stripe).GetAsync(dispute.ChargeId);
        Assert.Equal((customer.Id, true, dispute.Amount), (charge.CustomerId, charge.Disputed, charge.Amount));
        var expanded = await new DisputeService(_stripe).GetAsync(disputeId,
            new DisputeGetOptions { Expand = ["charge.customer"] });
        Assert.Equal(customer.Email, expanded.Charge.Customer.Email);

        // A disputed charge is not disputed twice, and a charge the customer never made is 404.
        var again = await _client.ControlAsync($"/__control/customers/{customer.Id}/dispute");
        Assert.NotEqual(dispute.ChargeId, (string?)again["charge"]);
        var missing = await Assert.ThrowsAsync<StripeException>(() => new ChargeService(_stripe).GetAsync("ch_nope"));
        Assert.Equal((HttpStatusCode.NotFound, "resource_missing"), (missing.HttpStatusCode, missing.StripeError.Code));
    }

    [Fact]
    public async Task A_recovered_invoice_counts_its_failed_attempts_and_carries_its_number_and_url()
    {
        var customer = CustomerWith("active");
        var subscription = _server.State.SubscriptionsOf(customer.Id).Last(FakeStripeJson.IsCurrent);
        var change = $"/__control/customers/{customer.Id}/change";
        await _client.ControlAsync(change, new { subscription_status = "past_due" });
        Assert.NotNull(subscription.LatestInvoice);
        var failed = Assert.IsType<Invoice>(Assert.Single(await EventsAsync("invoice.payment_failed"),
            e => ((Invoice)e.Data.Object).Id == subscription.LatestInvoice).Data.Object);
        Assert.Equal(customer.Id, failed.CustomerId);
        Assert.Equal(("open", true), (failed.Status, failed.Attempted));
        Assert.InRange(failed.AttemptCount, 1, 3);
        Assert.NotNull(failed.NextPaymentAttempt);
        Assert.Equal($"https://invoice.stripe.com/i/acct_fake/test_{failed.Id}", failed.HostedInvoiceUrl);
        Assert.Matches(@"^[0-9A-Z]+-\d{4}$", failed.Number);
        Assert.True(failed.AmountDue > 0);
        Assert.Equal(0, failed.AmountPaid);

        var recovered = await _client.ControlAsync(change, new { subscription_status = "active" });
        Assert.Equal(["customer.subscription.updated", "invoice.paid"], Types(recovered));
        var paid = Assert.IsType<Invoice>(Assert.Single(await EventsAsync("invoice.paid")).Data.Object);
        Assert.Equal((failed.Id, failed.Number, "paid"), (paid.Id, paid.Number, paid.Status));
        Assert.Equal(failed.AttemptCount + 1, paid.AttemptCount);
        Assert.True(paid.AttemptCount >= 2);
        Assert.Equal(paid.AmountDue, paid.AmountPaid);

        var firstTry = _server.State.Data.Invoices.First(i => i.Status == "paid" && i.AmountPaid > 0);
        var read = await new InvoiceService(_stripe).GetAsync(firstTry.Id);
        Assert.Equal((1L, true), (read.AttemptCount, read.Attempted));
    }

    [Fact]
    public async Task Trial_will_end_puts_a_paying_subscription_on_a_short_trial_first()
    {
        var active = CustomerWith("active");
        var subscription = _server.State.SubscriptionsOf(active.Id).Last(FakeStripeJson.IsCurrent);
        var answer = await _client.ControlAsync($"/__control/customers/{active.Id}/trial_will_end");
        Assert.Equal(["customer.subscription.updated", "customer.subscription.trial_will_end"], Types(answer));
        var ending = (Subscription)Assert.Single(await EventsAsync("customer.subscription.trial_will_end")).Data.Object;
        Assert.Equal((subscription.Id, active.Id, "trialing"), (ending.Id, ending.CustomerId, ending.Status));
        var left = ending.TrialEnd!.Value - DateTime.UtcNow;
        Assert.InRange(left.TotalDays, 2.9, 3.1);
        var updated = await EventsAsync("customer.subscription.updated");
        Assert.Equal("active", (string?)(await _client.GetOkAsync($"/v1/events/{updated[0].Id}"))
            ["data"]!["previous_attributes"]!["status"]);

        var trialing = CustomerWith("trialing");
        Assert.Equal(["customer.subscription.trial_will_end"],
            Types(await _client.ControlAsync($"/__control/customers/{trialing.Id}/trial_will_end")));
        Assert.Equal(2, (await EventsAsync("customer.subscription.trial_will_end")).Count);

        using var http = new HttpClient { BaseAddress = _server.BaseUrl };
        foreach (var action in new[] { "refund", "dispute", "trial_will_end" })
        {
            var response = await http.PostAsync($"/__control/customers/cus_nobody/{action}",
                new StringContent("", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
