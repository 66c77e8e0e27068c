using StripeIntercom.Intercom;
using StripeIntercom.Sync;
using StripeIntercom.Tests.Intercom;
using Xunit;
using static StripeIntercom.Tests.Sync.SyncTestContext;

namespace StripeIntercom.Tests.Sync;

/// <summary>Values longer than Intercom takes: cut where cutting is harmless, else one customer fails naming the
/// field.</summary>
public sealed class FieldLimitTests
{
    [Fact]
    public void Cut_never_halves_a_surrogate_pair_and_leaves_short_values_alone()
    {
        var emoji = "\U0001F600";
        var text = new string('a', 254) + emoji;

        Assert.Equal(254, IntercomFieldLimits.Cut(text, 255)!.Length);
        Assert.Equal("short", IntercomFieldLimits.Cut("short", 255));
        Assert.Null(IntercomFieldLimits.Cut(null, 255));
    }

    [Fact]
    public void A_draft_cuts_the_name_but_never_the_email()
    {
        var email = new string('e', 300) + "@example.test";

        var draft = new ContactDraft("cus_1", email, new string('n', 400), new Dictionary<string, object?>());

        Assert.Equal(IntercomFieldLimits.ContactName, draft.Name!.Length);
        Assert.Equal(email, draft.Email);
    }

    [Theory]
    [InlineData(ContactLookupMode.PerCustomer)]
    [InlineData(ContactLookupMode.Bulk)]
    public async Task Oversized_values_end_in_a_synced_contact_or_one_clear_error_and_the_run_goes_on(
        ContactLookupMode mode)
    {
        await using var server = await IntercomTestServer.StartAsync();
        var map = AttributeMap.Default.WithComputed("stripe_description", IntercomDataType.String, p => p.Description);
        await PrepareAttributesAsync(server, map);
        var sync = Synchronizer(server, mode, map: map);

        var profiles = Enumerable.Range(1, 6).Select(ProfileBuilder.Build).ToList();
        profiles[1].Name = new string('N', 400);
        profiles[2].Email = new string('l', 300) + "@example.test";
        profiles[3].Description = string.Concat(Enumerable.Repeat("0123456789", 1024));
        profiles[4].Email = "not an address";

        var results = new List<SyncResult>();
        foreach (var profile in profiles)
        {
            results.Add(await sync.SyncAsync(profile));
        }

        var longName = server.State.Contacts.Single(c => c.ExternalId == profiles[1].Id);
        Assert.Equal(SyncAction.Created, results[1].Action);
        Assert.Equal(new string('N', 255), longName.Name);

        var described = server.State.Contacts.Single(c => c.ExternalId == profiles[3].Id);
        Assert.Equal(SyncAction.Created, results[3].Action);
        Assert.Equal(255, described.CustomAttributes["stripe_description"]!.GetValue<string>().Length);

        foreach (var failed in new[] { results[2], results[4] })
        {
            Assert.Equal(SyncAction.Failed, failed.Action);
            Assert.Contains("field 'email'", failed.Error);
            Assert.Equal("email", Assert.IsAssignableFrom<IntercomApiException>(failed.Exception).Field);
        }

        Assert.Equal(SyncAction.Created, results[0].Action);
        Assert.Equal(SyncAction.Created, results[5].Action);
        Assert.Equal(4, server.State.Contacts.Count);

        // A second pass finds the cut values unchanged: no endless rewrite of a value Intercom cannot hold.
        var again = new List<SyncResult>();
        foreach (var profile in new[] { profiles[1], profiles[3] })
        {
            again.Add(await sync.SyncAsync(profile));
        }

        Assert.All(again, r => Assert.Equal(SyncAction.Unchanged, r.Action));
    }

    [Fact]
    public async Task The_fake_refuses_what_intercom_refuses_naming_the_field()
    {
        await using var server = await IntercomTestServer.StartAsync();
        var client = server.CreateClient();

        var error = await Assert.ThrowsAnyAsync<IntercomApiException>(() => client.CreateContactAsync(
            new IntercomContactWrite { Role = "user", ExternalId = "cus_x", Name = new string('n', 256) }));

        Assert.Equal("name", error.Field);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
    }
}
