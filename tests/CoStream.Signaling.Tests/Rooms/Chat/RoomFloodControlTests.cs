using CoStream.Signaling.Rooms.Chat;

namespace CoStream.Signaling.Tests.Rooms.Chat;

/// <summary>The room-wide broadcast budget: a flood is sampled down to the budget, counted, and never queued.</summary>
public sealed class RoomFloodControlTests
{
    [Fact]
    public void Flood_IsSampledToTheRoomBudget_AndCounted()
    {
        var flood = new RoomFloodControl(new RateLimit(100, 100));
        int broadcast = 0, offered = 0;
        // 1,000 comments a second for 10 s (one per ms), from many users.
        for (long t = 0; t < 10_000; t++)
        {
            offered++;
            if (flood.Admit("r", t)) broadcast++;
        }
        Assert.Equal(100 + 1000 - 1, broadcast, tolerance: 1);   // the burst, then 100/s (the first ms refills nothing)
        Assert.Equal(offered - broadcast, flood.Dropped("r"));
        Assert.Equal(0, flood.Dropped("other"));
    }

    [Fact]
    public void Rooms_HaveTheirOwnBudgets()
    {
        var flood = new RoomFloodControl(new RateLimit(10, 10));
        for (var i = 0; i < 50; i++) flood.Admit("busy", 0);
        Assert.Equal(40, flood.Dropped("busy"));
        Assert.True(flood.Admit("quiet", 0));
        Assert.False(flood.Admit("busy", 0));
        Assert.True(flood.Admit("busy", 100));   // 1 token per 100 ms
    }

    [Fact]
    public void Anchor_IsNeverSampledOut_ButSpendsTheBudget()
    {
        var flood = new RoomFloodControl(new RateLimit(10, 10));
        for (var i = 0; i < 5; i++) Assert.True(flood.Admit("r", 0, priority: true));
        var others = 0;
        while (flood.Admit("r", 0)) others++;
        Assert.Equal(5, others);
        for (var i = 0; i < 100; i++) Assert.True(flood.Admit("r", 0, priority: true));
        Assert.Equal(1, flood.Dropped("r"));
    }
}
