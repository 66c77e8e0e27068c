using StripeIntercom.Sync;
using Xunit;

namespace StripeIntercom.Tests.Sync;

public class IdsByKeyTests
{
    [Fact]
    public void A_key_holds_one_id_then_several_then_fewer_matched_in_any_case()
    {
        var ids = new IdsByKey(StringComparer.OrdinalIgnoreCase);
        Assert.Empty(ids.Get("a@example.test"));

        ids.Add("a@example.test", "1");
        ids.Add("A@Example.test", "1");
        Assert.Equal(["1"], ids.Get("a@EXAMPLE.test"));

        ids.Add("a@example.test", "2");
        Assert.Equal(["1", "2"], ids.Get("a@example.test").Order());

        ids.Remove("a@example.test", "1");
        Assert.Equal(["2"], ids.Get("a@example.test"));
        ids.Remove("a@example.test", "2");
        Assert.Empty(ids.Get("a@example.test"));
    }

    [Fact]
    public void Removing_an_id_the_key_does_not_hold_keeps_the_one_it_holds()
    {
        var ids = new IdsByKey(StringComparer.OrdinalIgnoreCase);
        ids.Add("b@example.test", "1");

        ids.Remove("b@example.test", "9");
        ids.Remove("c@example.test", "1");

        Assert.Equal(["1"], ids.Get("b@example.test"));
    }
}
