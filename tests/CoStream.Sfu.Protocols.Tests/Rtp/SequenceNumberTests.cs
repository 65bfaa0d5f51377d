using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

public class SequenceNumberTests
{
    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(0, 1, false)]
    [InlineData(5, 5, false)]
    [InlineData(0, 65535, true)]        // wrapped forward by one
    [InlineData(65535, 0, false)]
    [InlineData(100, 65000, true)]      // 636 ahead across the wrap
    [InlineData(32767, 0, true)]        // largest forward step
    [InlineData(32768, 0, true)]        // exactly half: the larger one wins
    [InlineData(0, 32768, false)]
    [InlineData(32769, 0, false)]       // more than half ahead is behind
    public void Rfc3550_A1_IsNewer(int a, int b, bool expected)
    {
        Assert.Equal(expected, SequenceNumber.IsNewer((ushort)a, (ushort)b));
    }

    [Fact]
    public void Rfc3550_A1_IsNewerIsAntisymmetricForEveryDistance()
    {
        var random = new Random(3550);
        for (int i = 0; i < 20_000; i++)
        {
            ushort a = (ushort)random.Next(65536);
            ushort b = (ushort)random.Next(65536);
            if (a == b)
            {
                continue;
            }

            Assert.NotEqual(SequenceNumber.IsNewer(a, b), SequenceNumber.IsNewer(b, a));
        }
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 0, -1)]
    [InlineData(65535, 0, 1)]
    [InlineData(0, 65535, -1)]
    [InlineData(65000, 100, 636)]
    [InlineData(0, 32767, 32767)]
    [InlineData(0, 32768, -32768)]
    public void Rfc3550_A1_Distance(int from, int to, int expected)
    {
        Assert.Equal(expected, SequenceNumber.Distance((ushort)from, (ushort)to));
        Assert.Equal((ushort)to, SequenceNumber.Add((ushort)from, expected));
    }

    [Fact]
    public void Rfc3550_A1_Latest()
    {
        Assert.Equal(2, SequenceNumber.Latest(65535, 2));
        Assert.Equal(2, SequenceNumber.Latest(2, 65535));
    }

    [Theory]
    [InlineData(1u, 0u, true)]
    [InlineData(0u, 0xFFFFFFFFu, true)]
    [InlineData(0xFFFFFFFFu, 0u, false)]
    [InlineData(0x7FFFFFFFu, 0u, true)]
    [InlineData(0x80000000u, 0u, true)]
    [InlineData(0u, 0x80000000u, false)]
    [InlineData(7u, 7u, false)]
    public void Rfc3550_5_1_TimestampIsNewer(uint a, uint b, bool expected)
    {
        Assert.Equal(expected, RtpTimestamp.IsNewer(a, b));
    }

    [Fact]
    public void Rfc3550_5_1_TimestampDistance()
    {
        Assert.Equal(3000, RtpTimestamp.Distance(0xFFFFFFFFu - 999, 2000));
        Assert.Equal(-3000, RtpTimestamp.Distance(2000, 0xFFFFFFFFu - 999));
        Assert.Equal(2000u, RtpTimestamp.Latest(0xFFFFFF00u, 2000));
    }
}
