using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class KeyFrameRequestThrottleTests
{
    [Fact]
    public void Rfc4585_6_3_1_FirstRequestAtOnce_ThenOnePerInterval()
    {
        var throttle = new KeyFrameRequestThrottle(intervalMs: 500);
        Assert.True(throttle.ShouldSend(1000));
        Assert.False(throttle.ShouldSend(1001)); // a second subscriber asks
        Assert.False(throttle.ShouldSend(1499));
        Assert.True(throttle.ShouldSend(1500));
        Assert.Equal(2, throttle.RequestsSent);
        Assert.Equal(2, throttle.RequestsCoalesced);
    }

    [Fact]
    public void ManySubscribers_OneRequestPerInterval()
    {
        var throttle = new KeyFrameRequestThrottle(intervalMs: 500);
        int sent = 0;
        for (long now = 0; now < 10_000; now++)
        {
            for (int subscriber = 0; subscriber < 5; subscriber++)
            {
                sent += throttle.ShouldSend(now) ? 1 : 0;
            }
        }

        Assert.Equal(20, sent);
    }

    [Fact]
    public void KeyFrameReceived_DoesNotReopenTheInterval()
    {
        // Subscribers joining one after another, each key frame answered within milliseconds: still one request per interval.
        var throttle = new KeyFrameRequestThrottle(intervalMs: 500);
        Assert.True(throttle.ShouldSend(0));
        throttle.OnKeyFrameReceived();
        Assert.False(throttle.ShouldSend(10));
        Assert.True(throttle.IsPending);
        Assert.False(throttle.ShouldSendPending(499));
        Assert.True(throttle.ShouldSendPending(500));
        Assert.Equal(2, throttle.RequestsSent);
    }

    [Fact]
    public void CoalescedRequest_IsSentByTheTick_OnceTheIntervalPassed()
    {
        var throttle = new KeyFrameRequestThrottle(intervalMs: 500);
        Assert.False(throttle.ShouldSendPending(0)); // nothing asked
        Assert.True(throttle.ShouldSend(0));
        Assert.False(throttle.ShouldSendPending(100)); // nothing pending yet
        Assert.False(throttle.ShouldSend(100));
        Assert.True(throttle.IsPending);
        Assert.False(throttle.ShouldSendPending(499));
        Assert.True(throttle.ShouldSendPending(500));
        Assert.False(throttle.IsPending);
        Assert.False(throttle.ShouldSendPending(2000));
    }

    [Fact]
    public void KeyFrameReceived_SatisfiesPendingRequests()
    {
        var throttle = new KeyFrameRequestThrottle(intervalMs: 500);
        throttle.ShouldSend(0);
        throttle.ShouldSend(100);
        throttle.OnKeyFrameReceived();
        Assert.False(throttle.IsPending);
        Assert.False(throttle.ShouldSendPending(1000));
    }

    [Fact]
    public void ClockGoingBackwards_DoesNotBlockForever()
    {
        var throttle = new KeyFrameRequestThrottle(intervalMs: 500);
        Assert.True(throttle.ShouldSend(1_000_000));
        Assert.True(throttle.ShouldSend(5)); // the clock was reset
        Assert.False(throttle.ShouldSend(6));
    }
}
