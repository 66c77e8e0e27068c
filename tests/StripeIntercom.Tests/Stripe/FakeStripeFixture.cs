using StripeIntercom.Fakes.Stripe;
using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Stripe;

/// <summary>A fake Stripe with 250 customers (three pages of 100), rate limit off, shared by read-only tests of one
/// class.</summary>
public sealed class FakeStripeFixture : IAsyncLifetime
{
    public FakeStripeServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await FakeStripeServer.StartAsync(
            new FakeStripeOptions { CustomerCount = 250, Seed = 42, RequestsPerSecond = 0 });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public static StripeCustomerReader ReaderFor(FakeStripeServer server, string? apiKey = null) =>
        new(new StripeSettings { ApiKey = apiKey ?? server.Options.ApiKey, ApiBase = server.BaseUrl });
}
