using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class ReceiveStatisticsTests
{
    private const int ClockRate = 1000; // 1 RTP tick per ms keeps the hand computation readable

    /// <summary>
    /// RFC 3550 A.1 / A.3 / A.8 by hand. Transit = arrival(ms) − timestamp; D = |transit − previous transit|;
    /// J16 += D − ((J16 + 8) >> 4); reported jitter = J16 >> 4.
    /// </summary>
    [Fact]
    public void Rfc3550_A1_A3_A8_TableWithLossReorderDuplicateAndWrap()
    {
        var stats = new ReceiveStatistics(0x1234);
        var rows = new (ushort Seq, uint Ts, long ArrivalMs, bool Counted, long Received, uint ExtHighest, uint Jitter)[]
        {
            // seq     ts   arr   counted recv  ext highest        jitter   (transit, D, J16)
            (65533,    0,  100, true,  1, 65533,             0), // 100, -, 0   first packet: base 65533
            (65534,   20,  120, true,  2, 65534,             0), // 100, 0, 0
            (65535,   40,  145, true,  3, 65535,             0), // 105, 5, 5
            (1,       80,  180, true,  4, 65536 + 1,         0), // 100, 5, 10  wrap: cycles += 65536 (0 not yet seen)
            (0,       60,  185, true,  5, 65536 + 1,         2), // 125, 25, 34 reordered (delta 65535), counted
            (1,       80,  190, true,  6, 65536 + 1,         2), // 110, 15, 47 duplicate, counted as A.1 does
            (4,      140,  240, true,  7, 65536 + 4,         3), // 100, 10, 54 2 and 3 lost
        };
        foreach (var row in rows)
        {
            Assert.Equal(row.Counted, stats.OnPacket(row.Seq, row.Ts, row.ArrivalMs * 1000, ClockRate));
            Assert.Equal(row.Received, stats.PacketsReceived);
            Assert.Equal(row.ExtHighest, stats.ExtendedHighestSequence);
            Assert.Equal(row.Jitter, stats.Jitter);
        }

        stats.OnSenderReport(0xE020A2A9_52A53FC0, arrivalTimeUs: 200_000);

        // expected = 65540 − 65533 + 1 = 8; received 7 (dup counted) -> lost 1; fraction = (1 << 8) / 8 = 32.
        var first = stats.CreateReportBlock(nowUs: 450_000);
        Assert.Equal(new ReportBlock(0x1234, 32, 1, 65540, 3, 0xA2A952A5, 16384), first); // DLSR 0.25 s = 16384/65536

        Assert.True(stats.OnPacket(5, 160, 260_000, ClockRate)); // transit 100, D 0, J16 = 54 − 3 = 51
        Assert.True(stats.OnPacket(9, 240, 345_000, ClockRate)); // transit 105, D 5, J16 = 51 + 5 − 3 = 53; 6..8 lost

        // expected 13, received 9 -> lost 4; interval: expected 5, received 2 -> (3 << 8) / 5 = 153.
        var second = stats.CreateReportBlock(nowUs: 1_200_000);
        Assert.Equal(new ReportBlock(0x1234, 153, 4, 65545, 3, 0xA2A952A5, 65536), second); // DLSR 1 s

        // Nothing new: the interval is empty, fraction 0, cumulative unchanged.
        var third = stats.CreateReportBlock(nowUs: 1_200_000);
        Assert.Equal(0, third.FractionLost);
        Assert.Equal(4, third.CumulativeLost);
    }

    [Fact]
    public void Rfc3550_A1_ProbationWithMinSequential2()
    {
        var stats = new ReceiveStatistics(1, minSequential: 2);
        Assert.False(stats.OnPacket(10, 0, 0, ClockRate));   // probation 2 -> 1
        Assert.False(stats.OnPacket(12, 0, 0, ClockRate));   // not sequential: probation restarts at 1
        Assert.True(stats.OnPacket(13, 0, 0, ClockRate));    // sequential: counting starts, base 13
        Assert.True(stats.OnPacket(14, 0, 0, ClockRate));
        Assert.Equal(2, stats.PacketsReceived);
        Assert.Equal(2, stats.PacketsExpected);
        var block = stats.CreateReportBlock(0);
        Assert.Equal(0, block.CumulativeLost);
        Assert.Equal(14u, block.ExtendedHighestSequence);
        Assert.Equal(0u, block.LastSenderReport);
        Assert.Equal(0u, block.DelaySinceLastSenderReport);
    }

    [Fact]
    public void Rfc3550_A1_LargeJumpRestartsAfterTwoSequentialPackets()
    {
        var stats = new ReceiveStatistics(1);
        Assert.True(stats.OnPacket(100, 0, 0, ClockRate));
        Assert.True(stats.OnPacket(101, 0, 0, ClockRate));
        Assert.False(stats.OnPacket(5000, 0, 0, ClockRate)); // 4899 ahead > MAX_DROPOUT: held as bad_seq = 5001
        Assert.Equal(101u, stats.ExtendedHighestSequence);
        Assert.True(stats.OnPacket(5001, 0, 0, ClockRate));  // confirms: the source restarted, base 5001
        Assert.Equal(1, stats.PacketsReceived);
        Assert.Equal(1, stats.PacketsExpected);
        Assert.Equal(5001u, stats.ExtendedHighestSequence);
        Assert.False(stats.OnPacket(20000, 0, 0, ClockRate)); // another far jump...
        Assert.True(stats.OnPacket(5002, 0, 0, ClockRate));   // ...not confirmed: ignored
        Assert.Equal(2, stats.PacketsReceived);
    }

    [Fact]
    public void Rfc3550_A8_SteadyStreamHasZeroJitterAt90kHz()
    {
        var stats = new ReceiveStatistics(1);
        for (int i = 0; i < 100; i++)
        {
            // 30 fps: 3000 ticks and 33 333.33 µs apart; arrival rounding to ticks never moves transit by more than 1.
            stats.OnPacket((ushort)i, (uint)(i * 3000), 1_000_000 + (i * 100_000L / 3), 90_000);
        }

        Assert.Equal(0u, stats.Jitter);
        Assert.Equal(0, stats.CreateReportBlock(0).FractionLost);
    }

    [Fact]
    public void Rfc3550_A8_ConstantJitterConvergesTowardsD()
    {
        var stats = new ReceiveStatistics(1);
        for (int i = 0; i < 400; i++)
        {
            long arrivalMs = (i * 20) + (i % 2 * 8); // every other packet 8 ms late: D = 8 each time
            stats.OnPacket((ushort)i, (uint)(i * 20), arrivalMs * 1000, ClockRate);
        }

        Assert.InRange(stats.Jitter, 7u, 8u); // J -> D
    }
}
