using CoStream.Signaling.Rooms.Chat;
using CoStream.Signaling.Rooms.Guard;

namespace CoStream.Signaling.Tests.Rooms.Guard;

/// <summary>Per-connection invocation budget: over the limit → refused; refused on and on → close.</summary>
public sealed class ConnectionGuardTests
{
    private static readonly GuardOptions Options = new() { PerConnection = new RateLimit(30, 60), Abuse = new RateLimit(2, 100) };

    [Fact]
    public void Flood_IsRefused_ThenClosed()
    {
        var guard = new ConnectionGuard(Options, 0);
        var verdicts = Enumerable.Range(0, 1000).Select(_ => guard.Admit(0)).ToList();
        Assert.Equal(60, verdicts.Count(v => v == GuardVerdict.Allowed));
        Assert.Equal(100, verdicts.Count(v => v == GuardVerdict.RateLimited));
        Assert.Equal(GuardVerdict.Close, verdicts[160]);
        Assert.All(verdicts.Skip(161), v => Assert.Equal(GuardVerdict.Closed, v));
        Assert.Equal(101, guard.Refused);
    }

    [Fact]
    public void SlightlyOverTheLimit_IsRefusedNowAndThen_ButNeverClosed()
    {
        var guard = new ConnectionGuard(Options, 0);
        var verdicts = new List<GuardVerdict>();
        // 31 calls a second for 10 minutes.
        for (long t = 0; t < 600_000; t += 1000 / 31) verdicts.Add(guard.Admit(t));
        Assert.DoesNotContain(GuardVerdict.Close, verdicts);
        Assert.Contains(GuardVerdict.RateLimited, verdicts);
    }

    [Fact]
    public void WithinTheLimit_IsAlwaysAllowed()
    {
        var guard = new ConnectionGuard(Options, 0);
        for (long t = 0; t < 60_000; t += 40) Assert.Equal(GuardVerdict.Allowed, guard.Admit(t));   // 25/s
    }
}
