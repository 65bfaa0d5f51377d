using CoStream.Signaling.Commerce;

namespace CoStream.Signaling.Tests.Commerce;

public sealed class GiftComboTrackerTests
{
    private static long _sequence;

    private static GiftReceipt Gift(long clockMs, string sender = "alice", string giftId = "rose", int count = 1, string room = "r1", bool retry = false) =>
        new(new GiftRecord(Interlocked.Increment(ref _sequence), room, sender, giftId, count, $"k{_sequence}", clockMs, DateTimeOffset.UnixEpoch), retry);

    [Fact]
    public void Burst_WithinWindow_IsOneComboWithRunningCount()
    {
        var tracker = new GiftComboTracker(TimeSpan.FromSeconds(3));
        var first = tracker.Observe(Gift(1_000))!;
        tracker.Observe(Gift(3_000, count: 2));
        var third = tracker.Observe(Gift(6_000))!; // 3,000 ms after the last: still inside

        Assert.Equal(first.ComboId, third.ComboId);
        Assert.Equal(3, third.Sends);
        Assert.Equal(4, third.Units);
        Assert.Equal(1_000, third.StartedAtMediaClockMs);
        Assert.Equal(6_000, third.LastAtMediaClockMs);
    }

    [Fact]
    public void GiftAfterTheWindow_StartsANewCombo()
    {
        var tracker = new GiftComboTracker(TimeSpan.FromSeconds(3));
        var first = tracker.Observe(Gift(1_000))!;
        var later = tracker.Observe(Gift(4_001))!;

        Assert.NotEqual(first.ComboId, later.ComboId);
        Assert.Equal(1, later.Sends);
    }

    [Fact]
    public void OtherSender_OtherGift_OtherRoom_AreSeparateCombos()
    {
        var tracker = new GiftComboTracker(TimeSpan.FromSeconds(3));
        var ids = new[]
        {
            tracker.Observe(Gift(1_000))!.ComboId,
            tracker.Observe(Gift(1_001, sender: "bob"))!.ComboId,
            tracker.Observe(Gift(1_002, giftId: "rocket"))!.ComboId,
            tracker.Observe(Gift(1_003, room: "r2"))!.ComboId,
        };

        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(4, tracker.OpenCombos);
    }

    [Fact]
    public void Retry_IsNotCountedAgain()
    {
        var tracker = new GiftComboTracker(TimeSpan.FromSeconds(3));
        tracker.Observe(Gift(1_000));

        Assert.Null(tracker.Observe(Gift(4_100, retry: true)));
        Assert.Equal(1, tracker.Observe(Gift(5_000))!.Sends); // the retry at 4,100 did not extend the window
    }

    [Fact]
    public void Sweep_ForgetsOnlyEndedCombos()
    {
        var tracker = new GiftComboTracker(TimeSpan.FromSeconds(3));
        tracker.Observe(Gift(1_000));
        tracker.Observe(Gift(5_000, sender: "bob"));

        Assert.Equal(1, tracker.Sweep(6_000));
        Assert.Equal(1, tracker.OpenCombos);
    }
}
