using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class NtpTimeTests
{
    [Theory]
    [InlineData(0L, 0x83AA7E80_00000000ul)]                    // 1970-01-01: 2 208 988 800 s after 1900
    [InlineData(1_500_000L, 0x83AA7E81_80000000ul)]            // +1.5 s: fraction one half
    [InlineData(-1L, 0x83AA7E7F_FFFFEF39ul)]                   // 1 µs before the Unix epoch
    [InlineData(2_085_978_496_000_001L, 0x00000000_000010C7ul)] // 2036-02-07 06:28:16 + 1 µs: era 1, seconds 0
    public void Rfc3550_4_NtpFromUnix(long unixUs, ulong ntp)
    {
        Assert.Equal(ntp, NtpTime.FromUnixMicroseconds(unixUs));
        Assert.Equal(unixUs, NtpTime.ToUnixMicroseconds(ntp));
    }

    [Fact]
    public void Rfc3550_4_RoundTripsToTheMicrosecond()
    {
        var random = new Random(4330);
        for (int i = 0; i < 10_000; i++)
        {
            long unixUs = random.NextInt64(-61_505_151_000_000, 4_000_000_000_000_000); // 1968-01-20 (era 0 top bit set) .. 2096 (era 1)
            Assert.Equal(unixUs, NtpTime.ToUnixMicroseconds(NtpTime.FromUnixMicroseconds(unixUs)));
        }
    }

    [Fact]
    public void Rfc3550_6_4_1_CompactForms()
    {
        Assert.Equal(0x7E81_8000u, NtpTime.ToCompact(0x83AA7E81_80000000ul)); // middle 32 bits
        Assert.Equal(65536u, NtpTime.DurationToCompact(1_000_000));
        Assert.Equal(16384u, NtpTime.DurationToCompact(250_000));
        Assert.Equal(0u, NtpTime.DurationToCompact(-5));
        Assert.Equal(uint.MaxValue, NtpTime.DurationToCompact(long.MaxValue / 65536));
        Assert.Equal(250_000L, NtpTime.CompactToMicroseconds(16384));
        Assert.Equal(2_290_909L, NtpTime.CompactToMicroseconds(150137)); // Chrome RR's DLSR ≈ 2.29 s
    }

    [Fact]
    public void Rfc3550_6_4_1_RoundTripTimeFromReportBlock()
    {
        // SR sent at compact 1.0 s, held 0.5 s by the receiver, block back at 1.75 s -> RTT 0.25 s.
        var block = new ReportBlock(1, 0, 0, 0, 0, lastSenderReport: 0x0001_0000, delaySinceLastSenderReport: 0x0000_8000);
        Assert.True(RoundTripTime.TryCompute(block, nowNtp: 0x0000_0001_C000_0000ul, out long rtt));
        Assert.Equal(250_000L, rtt);

        Assert.True(RoundTripTime.TryCompute(0xFFFF_C000, 0x0000_8000, 0x0000_8000, out rtt)); // compact clock wrapped: 0.75 s − 0.5 s
        Assert.Equal(250_000L, rtt);
        Assert.True(RoundTripTime.TryCompute(0x0001_0000, 0x0001_0000, 0x0001_0000, out rtt)); // negative -> 0
        Assert.Equal(0L, rtt);
        Assert.False(RoundTripTime.TryCompute(new ReportBlock(1, 0, 0, 0, 0, 0, 0), 0x0000_0001_C000_0000ul, out _)); // no SR yet
    }

    [Fact]
    public void Rfc3550_6_4_1_ReceiveStatisticsAndRttAgree()
    {
        // Sender: SR at t = 10 s (Unix µs). Receiver: gets it 40 ms later, reports 300 ms after that.
        // Report back at the sender 40 ms later: RTT = 80 ms.
        long srSent = 10_000_000;
        ulong srNtp = NtpTime.FromUnixMicroseconds(srSent);
        var stats = new ReceiveStatistics(7);
        stats.OnPacket(1, 0, 0, 90_000);
        stats.OnSenderReport(srNtp, arrivalTimeUs: 50_040_000); // receiver's own clock, unrelated epoch
        var block = stats.CreateReportBlock(nowUs: 50_340_000);
        Assert.True(RoundTripTime.TryCompute(block, NtpTime.FromUnixMicroseconds(srSent + 380_000), out long rtt));
        Assert.InRange(rtt, 79_900, 80_100); // compact NTP has ~15 µs resolution
    }
}
