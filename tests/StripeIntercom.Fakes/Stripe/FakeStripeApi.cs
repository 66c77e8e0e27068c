using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace StripeIntercom.Fakes.Stripe;

/// <summary>The /v1 endpoints. Lists are newest first; expand[] is honoured on every read.</summary>
internal static class FakeStripeApi
{
    public static void Map(IEndpointRouteBuilder app, FakeStripeState state)
    {
        app.MapGet("/v1/customers", ctx => Respond(ctx, state, (data, q) =>
        {
            var email = q.Value("email");
            var created = q.Range("created");
            var matching = data.Customers.Where(c => !c.Deleted && (email is null || c.Email == email)
                && created(c.Created)).Reverse().ToList();
            return StripeListPage.Build(matching, c => c.Id, c => FakeStripeJson.Customer(c), q, "/v1/customers",
                "customer");
        }));
        app.MapGet("/v1/customers/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Customer(data.Find<FakeCustomer>(Id(ctx))
                ?? throw StripeApiException.NoSuch("customer", Id(ctx)))));

        app.MapGet("/v1/subscriptions", ctx => Respond(ctx, state, (data, q) =>
        {
            var customer = q.Value("customer");
            var status = q.Value("status");
            var created = q.Range("created");
            var matching =
                data.Subscriptions.Where(s => (customer is null || s.Customer == customer) && created(s.Created)
                && (status == "all" || (status is null ? FakeStripeJson.IsCurrent(s) : s.Status == status))).Reverse()
                    .ToList();
            return StripeListPage.Build(matching, s => s.Id, s => FakeStripeJson.Subscription(s, data), q,
                "/v1/subscriptions", "subscription");
        }));
        app.MapGet("/v1/subscriptions/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Subscription(data.Find<FakeSubscription>(Id(ctx))
                ?? throw StripeApiException.NoSuch("subscription", Id(ctx)), data)));

        app.MapGet("/v1/invoices", ctx => Respond(ctx, state, (data, q) =>
        {
            var customer = q.Value("customer");
            var subscription = q.Value("subscription");
            var status = q.Value("status");
            var created = q.Range("created");
            var matching = data.Invoices.Where(i => (customer is null || i.Customer == customer)
                && (status is null || i.Status == status)
                && (subscription is null || i.Parent.SubscriptionDetails?.Subscription == subscription)
                    && created(i.Created)).Reverse().ToList();
            return StripeListPage.Build(matching, i => i.Id, FakeStripeJson.Invoice, q, "/v1/invoices", "invoice");
        }));
        app.MapGet("/v1/invoices/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Invoice(data.Find<FakeInvoice>(Id(ctx))
                ?? throw StripeApiException.NoSuch("invoice", Id(ctx)))));

        app.MapGet("/v1/products", ctx => Respond(ctx, state, (data, q) =>
        {
            var ids = q.Array("ids");
            var active = q.Value("active");
            var matching = data.Products.Where(p => (ids.Count == 0 || ids.Contains(p.Id))
                && (active is null || p.Active == (active == "true"))).Reverse().ToList();
            return StripeListPage.Build(matching, p => p.Id, FakeStripeJson.Product, q, "/v1/products", "product");
        }));
        app.MapGet("/v1/products/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Product(data.Find<FakeProduct>(Id(ctx))
                ?? throw StripeApiException.NoSuch("product", Id(ctx)))));
        app.MapGet("/v1/prices/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Price(data.Find<FakePrice>(Id(ctx)) ?? throw StripeApiException.NoSuch("price", Id(ctx)))));
        app.MapGet("/v1/coupons", ctx => Respond(ctx, state, (data, q) =>
        {
            var created = q.Range("created");
            var matching = data.Coupons.Where(c => created(c.Created)).Reverse().ToList();
            return StripeListPage.Build(matching, c => c.Id, FakeStripeJson.Coupon, q, "/v1/coupons", "coupon");
        }));
        app.MapGet("/v1/coupons/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Coupon(data.Find<FakeCoupon>(Id(ctx))
                ?? throw StripeApiException.NoSuch("coupon", Id(ctx)))));
        app.MapGet("/v1/payment_methods/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.PaymentMethod(data.Find<FakePaymentMethod>(Id(ctx))
                ?? throw StripeApiException.NoSuch("payment_method", Id(ctx)))));

        app.MapGet("/v1/charges/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Charge(data.Find<FakeCharge>(Id(ctx))
                ?? throw StripeApiException.NoSuch("charge", Id(ctx)))));
        app.MapGet("/v1/disputes/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Dispute(data.Find<FakeDispute>(Id(ctx))
                ?? throw StripeApiException.NoSuch("dispute", Id(ctx)))));

        app.MapGet("/v1/events", ctx => Respond(ctx, state, (data, q) =>
        {
            var created = q.Range("created");
            var types = q.Array("types").ToList();
            if (q.Value("type") is { } type)
            {
                types.Add(type);
            }

            var matching = data.Events.Select((e, order) => (Event: e, Order: order))
                .Where(x => !x.Event.Hidden && created(x.Event.Created)
                    && (types.Count == 0 || types.Any(t => TypeMatches(t, x.Event.Type))))
                .OrderByDescending(x => x.Event.Created).ThenByDescending(x => x.Order).Select(x => x.Event).ToList();
            return StripeListPage.Build(matching, e => e.Id, FakeStripeJson.Event, q, "/v1/events", "event");
        }));
        app.MapGet("/v1/events/{id}", ctx => Respond(ctx, state, (data, _) =>
            FakeStripeJson.Event(data.Find<FakeEvent>(Id(ctx)) ?? throw StripeApiException.NoSuch("event", Id(ctx)))));
    }

    /// <summary>"customer.*" matches every customer event, as in Stripe's type filter.</summary>
    private static bool TypeMatches(string filter, string type) =>
        filter.EndsWith(".*", StringComparison.Ordinal) ? type.StartsWith(filter[..^1], StringComparison.Ordinal)
            : filter == type;

    private static string Id(HttpContext ctx) => (string)ctx.Request.RouteValues["id"]!;

    private static Task Respond(HttpContext ctx, FakeStripeState state,
        Func<FakeStripeData, StripeQuery, JsonObject> read)
    {
        var query = new StripeQuery(ctx.Request.Query);
        JsonObject body;
        lock (state.Sync)
        {
            body = read(state.Data, query);
            var isDeletedCustomer = body["deleted"] is not null;
            if (!isDeletedCustomer)
            {
                new StripeExpander(state.Data).Apply(body, query.Array("expand"));
            }
        }
        return FakeStripeServer.WriteJson(ctx, 200, body);
    }
}
