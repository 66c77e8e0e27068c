using StripeIntercom.Webhooks;
using Xunit;

namespace StripeIntercom.Tests.Webhooks;

public class RecentEventIdsTests
{
    [Fact]
    public void Remembers_only_the_last_n_ids()
    {
        var recent = new RecentEventIds(2);

        Assert.True(recent.Add("evt_1"));
        Assert.False(recent.Add("evt_1"));
        Assert.True(recent.Add("evt_2"));
        Assert.True(recent.Add("evt_3"));

        Assert.Equal(2, recent.Count);
        Assert.True(recent.Add("evt_1"));
        Assert.False(recent.Add("evt_3"));
    }
}
