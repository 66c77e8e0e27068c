using StripeIntercom.Intercom;
using StripeIntercom.Runs;
using StripeIntercom.Stripe;
using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Sync;

public class AttributeMapTests
{
    [Fact]
    public void The_default_catalog_has_every_stripe_attribute_with_dates_ending_in_at()
    {
        var names = AttributeMap.Default.Names.ToList();

        Assert.Equal(27, names.Count);
        Assert.All(names, n => Assert.StartsWith("stripe_", n));
        Assert.All(AttributeMap.Default.Attributes.Where(a => a.DataType == IntercomDataType.Date),
            a => Assert.EndsWith("_at", a.Name));
        Assert.Contains("stripe_payment_failing", names);
    }

    [Fact]
    public void Values_are_normalised_the_way_intercom_stores_them()
    {
        var profile = ProfileBuilder.Build(4);
        profile.Name = new string('x', 300);
        profile.Balance = 1.005m;

        var values = AttributeMap.Default.Evaluate(profile);
        var longText
            = AttributeMap.Default.WithComputed("note", IntercomDataType.String, p => p.Name).Evaluate(profile)["note"];

        Assert.Equal(1.01m, values["stripe_balance"]);
        Assert.Equal(profile.Created.ToUnixTimeSeconds(), values["stripe_created_at"]);
        Assert.Equal(255, ((string)longText!).Length);
        Assert.Equal(0L, values["stripe_subscription_count"]);
        Assert.Equal("none",
            AttributeMap.Default.Evaluate(new CustomerProfile { Id = "cus_x" })["stripe_subscription_status"]);
        Assert.Null(AttributeMap.Default.Evaluate(new CustomerProfile { Id = "cus_x" })["stripe_plan_name"]);
    }

    [Fact]
    public void Select_and_rename_refuse_unknown_names_and_say_which()
    {
        var selectError
            = Assert.Throws<ArgumentException>(() => AttributeMap.Default.Select(["stripe_mrr", "stripe_nope"]));
        var renameError = Assert.Throws<ArgumentException>(
            () => AttributeMap.Default.Rename(new Dictionary<string, string> { ["nope"] = "x" }));
        var map = AttributeMap.Default.Select(["stripe_mrr", "stripe_plan_name"])
            .Rename(new Dictionary<string, string> { ["stripe_mrr"] = "mrr" });

        Assert.Contains("stripe_nope", selectError.Message);
        Assert.Contains("nope", renameError.Message);
        // The customer link always comes along: identity needs it whatever is picked.
        Assert.Equal(new[] { "stripe_customer_id", "mrr", "stripe_plan_name" }, map.Names);
        Assert.Equal(IntercomDataType.Float, map.Find("mrr")!.DataType);
    }

    [Fact]
    public void A_computed_attribute_without_a_type_takes_it_from_its_first_value()
    {
        var map = AttributeMap.Default.Select([])
            .WithComputed("seats", null, p => p.Subscriptions.Count == 0 ? null : (object)p.Subscriptions[0].Quantity)
            .WithComputed("renews_at", null, p => p.CurrentPeriodEnd);
        var seats = map.Find("seats")!;

        Assert.Null(seats.DataType);
        map.Evaluate(ProfileBuilder.Build(4));
        Assert.Null(seats.DataType);
        map.Evaluate(ProfileBuilder.Build(1));

        Assert.Equal(IntercomDataType.Integer, seats.DataType);
        Assert.Equal(IntercomDataType.Date, map.Find("renews_at")!.DataType);
    }

    [Fact]
    public void A_json_map_file_selects_then_renames()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """
                {
                  "Attributes": ["stripe_mrr", "stripe_plan_name"],
                  "RENAME": { "stripe_mrr": "mrr" },
                  "externalIdMetadataKey": "app_user_id"
                }
                """);
            var settings = SyncSettingsReader.ApplyJsonFile(new SyncSettings(), path);
            Assert.Equal(new[] { "stripe_customer_id", "mrr", "stripe_plan_name" }, settings.Map.Names);
            Assert.Equal("app_user_id", settings.ExternalIdMetadataKey);

            File.WriteAllText(path, """{ "attributes": ["stripe_unknown"] }""");
            var unknown = Assert.Throws<SyncSettingsException>(
                () => SyncSettingsReader.ApplyJsonFile(new SyncSettings(), path));
            Assert.Contains("stripe_unknown", unknown.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
