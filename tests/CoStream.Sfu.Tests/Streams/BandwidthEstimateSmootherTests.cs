using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class BandwidthEstimateSmootherTests
{
    [Fact]
    public void FirstReport_IsTakenAsIs()
    {
        var smoother = new BandwidthEstimateSmoother();
        Assert.Equal(0, smoother.GetEstimate(0));
        Assert.Equal(1_000_000, smoother.Update(1_000_000, 0));
        Assert.Equal(1_000_000, smoother.GetEstimate(100));
    }

    [Fact]
    public void Drop_IsTakenAtOnce_RiseIsGradual()
    {
        var smoother = new BandwidthEstimateSmoother(riseTimeMs: 1000);
        smoother.Update(2_000_000, 0);
        Assert.Equal(500_000, smoother.Update(500_000, 100));
        Assert.Equal(650_000, smoother.Update(2_000_000, 200));    // 10% of the way up (100 ms of 1 s)
        Assert.Equal(2_000_000, smoother.Update(2_000_000, 1200)); // a full rise time later: there
    }

    [Fact]
    public void StaleEstimate_BecomesUnknown_AndTheNextReportIsTakenAsIs()
    {
        var smoother = new BandwidthEstimateSmoother(staleAfterMs: 5000);
        smoother.Update(1_000_000, 0);
        Assert.Equal(1_000_000, smoother.GetEstimate(5000));
        Assert.Equal(0, smoother.GetEstimate(5001));
        Assert.Equal(3_000_000, smoother.Update(3_000_000, 9000));
    }

    [Fact]
    public void NonPositiveReports_AreIgnored()
    {
        var smoother = new BandwidthEstimateSmoother();
        smoother.Update(1_000_000, 0);
        Assert.Equal(1_000_000, smoother.Update(0, 10));
        Assert.Equal(1_000_000, smoother.Update(-5, 20));
        Assert.Equal(1_000_000, smoother.GetEstimate(30));
    }

    [Fact]
    public void Hostile_Reports_NeverThrow_AndStayWithinReportedRange()
    {
        var random = new Random(8);
        var smoother = new BandwidthEstimateSmoother();
        long now = 0;
        long maxReported = 1;
        for (int i = 0; i < 100_000; i++)
        {
            now += random.Next(-100, 1000);
            long report = random.Next(3) == 0 ? long.MaxValue / (1 + random.Next(100)) : random.NextInt64(-10, 100_000_000);
            maxReported = Math.Max(maxReported, report);
            long value = smoother.Update(report, now);
            Assert.InRange(value, 0, maxReported);
        }
    }
}
