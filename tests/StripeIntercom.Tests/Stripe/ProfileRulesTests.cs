using StripeIntercom.Stripe;
using Xunit;

namespace StripeIntercom.Tests.Stripe;

public sealed class ProfileRulesTests
{
    [Theory]
    [InlineData(1234, "usd", 12.34)]
    [InlineData(-500, "eur", -5.00)]
    [InlineData(1500, "jpy", 1500)]
    [InlineData(1500, "JPY", 1500)]
    [InlineData(12345, "kwd", 12.345)]
    public void Minor_units_become_major_units_per_currency(long minor, string currency, double major) =>
        Assert.Equal((decimal)major, StripeMoney.ToMajorUnits(minor, currency));

    [Theory]
    [InlineData("month", 1, 120, 120)]
    [InlineData("month", 3, 120, 40)]
    [InlineData("year", 1, 120, 10)]
    [InlineData("year", 2, 240, 10)]
    [InlineData("week", 1, 12, 52)]
    [InlineData("week", 2, 12, 26)]
    [InlineData("day", 1, 12, 365)]
    public void Recurring_amounts_normalise_to_a_month(string interval, long count, double amount, double monthly) =>
        Assert.Equal((decimal)monthly,
            StripeMoney.Round(BillingInterval.ToMonthly((decimal)amount, interval, count), "usd"));

    [Fact]
    public void Mrr_counts_active_and_past_due_in_the_primary_currency_only()
    {
        SubscriptionSummary Sub(string status, string currency, decimal monthly) =>
            new() { Status = status, Currency = currency, MonthlyAmount = monthly };
        var subscriptions = new[] { Sub("active", "usd", 100), Sub("past_due", "usd", 20), Sub("active", "eur", 500),
            Sub("trialing", "usd", 1000), Sub("canceled", "usd", 7) };
        var primary = PrimarySubscriptionRule.Pick(subscriptions)!;
        Assert.Equal("eur", primary.Currency);
        Assert.Equal((500m, "eur"), CustomerProfileMapper.Mrr(subscriptions, primary, "usd"));
        Assert.Equal((120m, "usd"),
            CustomerProfileMapper.Mrr(subscriptions.Where(s => s.Currency == "usd").ToList(),
            PrimarySubscriptionRule.Pick(subscriptions.Where(s => s.Currency == "usd")), "usd"));
        Assert.Equal((0m, "usd"), CustomerProfileMapper.Mrr([Sub("trialing", "usd", 50)], null, "usd"));
    }

    [Fact]
    public void Plan_name_comes_from_the_item_with_the_largest_monthly_amount()
    {
        var items = new[]
        {
            new SubscriptionItemSummary { ProductName = "Seats", UnitAmount = 8, Amount = 24, Quantity = 3,
                Interval = "month" },
            new SubscriptionItemSummary { ProductName = "Business", PriceNickname = null, UnitAmount = 240,
                Amount = 240, Quantity = 1, Interval = "year" },
            new SubscriptionItemSummary { ProductName = "Team", PriceNickname = "Team monthly", UnitAmount = 49,
                Amount = 49, Quantity = 1, Interval = "month" },
        };
        Assert.Equal("Team monthly", SubscriptionSummaryMapper.PlanName(items));
        Assert.Equal(8m * 3 + 240m / 12 + 49m, SubscriptionSummaryMapper.Amount(items, [], "usd"));
    }
}
