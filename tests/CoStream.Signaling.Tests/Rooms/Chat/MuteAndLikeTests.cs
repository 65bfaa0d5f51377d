using CoStream.Signaling.Rooms.Chat;

namespace CoStream.Signaling.Tests.Rooms.Chat;

/// <summary>Mutes expire on the caller's clock; likes aggregate into one (total, delta) per room per flush.</summary>
public sealed class MuteAndLikeTests
{
    [Fact]
    public void Mute_HoldsUntilItsTime_ThenLapses()
    {
        var mutes = new MuteList();
        mutes.Mute("r", "troll", untilMs: 10_000);
        Assert.True(mutes.IsMuted("r", "troll", 9_999, out var until));
        Assert.Equal(10_000, until);
        Assert.False(mutes.IsMuted("other-room", "troll", 9_999, out _));
        Assert.False(mutes.IsMuted("r", "troll", 10_000, out _));
        Assert.Equal(0, mutes.Count);                       // removed when found expired
    }

    [Fact]
    public void Unmute_TellsWhetherThereWasAMute_AndSweepForgetsExpired()
    {
        var mutes = new MuteList();
        mutes.Mute("r", "a", 100);
        mutes.Mute("r", "b", 1_000);
        mutes.Mute("s", "c", 1_000);
        Assert.True(mutes.Unmute("r", "b", 50));
        Assert.False(mutes.Unmute("r", "b", 50));
        Assert.Equal(["a"], mutes.InRoom("r", 50).Keys);
        Assert.Equal(1, mutes.Sweep(500));
        Assert.Equal(1, mutes.Count);
    }

    [Fact]
    public void Likes_ManyAdds_OneUpdatePerRoomPerFlush()
    {
        var likes = new LikeAggregator();
        Parallel.For(0, 10_000, i => likes.Add(i % 2 == 0 ? "a" : "b", 1 + i % 3));
        var updates = new List<(string Room, long Total, long Delta)>();
        Assert.Equal(2, likes.Flush((r, t, d) => updates.Add((r, t, d))));
        var expectedA = Enumerable.Range(0, 10_000).Where(i => i % 2 == 0).Sum(i => 1 + i % 3);
        var expectedB = Enumerable.Range(0, 10_000).Where(i => i % 2 == 1).Sum(i => 1 + i % 3);
        Assert.Contains(("a", (long)expectedA, (long)expectedA), updates);
        Assert.Contains(("b", (long)expectedB, (long)expectedB), updates);

        Assert.Equal(0, likes.Flush((_, _, _) => Assert.Fail("nothing new to publish")));
        likes.Add("a", 7);
        updates.Clear();
        likes.Flush((r, t, d) => updates.Add((r, t, d)));
        Assert.Equal([("a", expectedA + 7L, 7L)], updates);
        Assert.Equal(expectedA + 7, likes.Total("a"));
        Assert.Throws<ArgumentOutOfRangeException>(() => likes.Add("a", 0));
    }

    [Fact]
    public void Likes_AddedDuringFlushes_AreNeverLostOrDoubled()
    {
        var likes = new LikeAggregator();
        long published = 0;
        var adding = Task.Run(() => { for (var i = 0; i < 200_000; i++) likes.Add("r", 1); });
        while (!adding.IsCompleted) likes.Flush((_, _, d) => published += d);
        likes.Flush((_, _, d) => published += d);
        Assert.Equal(200_000, published);
        Assert.Equal(200_000, likes.Total("r"));
    }
}
