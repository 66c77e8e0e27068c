using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Sync;

/// <summary>The compact store of a workspace's contacts the sync never linked.</summary>
public sealed class UnlinkedContactsTests
{
    [Fact]
    public void Finds_each_of_many_contacts_by_exact_external_id_and_by_email_in_any_case_with_its_id_and_role_intact()
    {
        var contacts = new UnlinkedContacts();
        const int count = 5_000; // several times the first capacity, so the chains are rebuilt as it grows
        for (var n = 0; n < count; n++)
        {
            contacts.Add(HexId(n), $"app_{n}", $"User{n}@Example.org", isUser: n % 3 != 0);
        }

        Assert.Equal(count, contacts.Count);
        for (var n = 0; n < count; n += 7)
        {
            var byExternalId = contacts.FindByExternalId($"app_{n}");
            Assert.NotNull(byExternalId);
            Assert.Equal(HexId(n), byExternalId!.Id);
            Assert.Equal(n % 3 != 0, byExternalId.IsUser);
            Assert.Equal($"app_{n}", byExternalId.ExternalId);

            var byEmail = Assert.Single(contacts.FindByEmail($"user{n}@EXAMPLE.ORG"));
            Assert.Equal(HexId(n), byEmail.Id);
            Assert.Equal($"user{n}@EXAMPLE.ORG", byEmail.Email);
            Assert.NotNull(byEmail.ExternalId); // it has one; which one is not kept
        }

        // External ids are the app's user ids: matched exactly, not case-insensitively like emails.
        Assert.Null(contacts.FindByExternalId("APP_7"));
        Assert.Null(contacts.FindByExternalId($"app_{count}"));
        Assert.Empty(contacts.FindByEmail("nobody@example.org"));
    }

    [Fact]
    public void Several_contacts_with_one_email_come_back_in_the_order_they_were_listed()
    {
        var contacts = new UnlinkedContacts();
        contacts.Add(HexId(1), null, "shared@example.org", isUser: false);
        contacts.Add(HexId(2), "app_2", "other@example.org", isUser: true);
        contacts.Add(HexId(3), "app_3", "Shared@example.org", isUser: true);

        var found = contacts.FindByEmail("shared@example.org");

        Assert.Equal(new[] { HexId(1), HexId(3) }, found.Select(c => c.Id));
        Assert.False(found[0].IsUser);
        Assert.Null(found[0].ExternalId); // a lead without external_id stays one: -MergeLeads may adopt it
        Assert.True(found[1].IsUser);
    }

    [Theory]
    [InlineData("5ba682d23d7cf92bef87bfd4")] // Intercom's usual form, packed
    [InlineData("5BA682D23D7CF92BEF87BFD4")] // upper case would not survive packing: kept as text
    [InlineData("contact-42")]
    [InlineData("5ba682d23d7cf92bef87bfd")] // 23 digits
    [InlineData("000000000000000000000000")]
    public void An_id_comes_back_exactly_as_it_was_listed(string id)
    {
        var contacts = new UnlinkedContacts();
        contacts.Add(id, "app_1", "a@example.org", isUser: true);

        Assert.Equal(id, contacts.FindByExternalId("app_1")!.Id);
        Assert.Equal(id, contacts.FindByEmail("a@example.org").Single().Id);
    }

    private static string HexId(int n) => $"5a11f0dd{n:x16}";
}
