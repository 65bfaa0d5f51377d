using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

public class SequenceUnwrapperTests
{
    [Fact]
    public void FirstNumberUnwrapsToItself()
    {
        var unwrapper = new SequenceUnwrapper();
        Assert.False(unwrapper.HasStarted);
        Assert.Equal(65530, unwrapper.Unwrap(65530));
        Assert.True(unwrapper.HasStarted);
        Assert.Equal(65530, unwrapper.Highest);
    }

    [Fact]
    public void Rfc3550_A1_CountsCyclesAcrossWraps()
    {
        var unwrapper = new SequenceUnwrapper();
        long expected = 65000;
        unwrapper.Unwrap(65000);
        for (int i = 0; i < 300_000; i += 7)
        {
            expected += 7;
            Assert.Equal(expected, unwrapper.Unwrap((ushort)expected));
        }

        Assert.True(unwrapper.Highest > 4 * 65536);
    }

    [Fact]
    public void Rfc3550_A1_ReorderingAcrossTheWrap()
    {
        var unwrapper = new SequenceUnwrapper();
        Assert.Equal(65534, unwrapper.Unwrap(65534));
        Assert.Equal(65536 + 1, unwrapper.Unwrap(1));       // jumped the wrap
        Assert.Equal(65535, unwrapper.Unwrap(65535));       // late packet from before the wrap
        Assert.Equal(65536 + 1, unwrapper.Highest);         // a late packet does not move the reference
        Assert.Equal(65536, unwrapper.Unwrap(0));
        Assert.Equal(65536 + 2, unwrapper.Unwrap(2));
    }

    [Fact]
    public void PacketsBeforeTheFirstGoNegative()
    {
        var unwrapper = new SequenceUnwrapper();
        Assert.Equal(2, unwrapper.Unwrap(2));
        Assert.Equal(-1, unwrapper.Unwrap(65535));
        Assert.Equal(2, unwrapper.Highest);
        Assert.Equal(3, unwrapper.Unwrap(3));
    }

    [Fact]
    public void DuplicatesMapToTheSameNumber()
    {
        var unwrapper = new SequenceUnwrapper();
        unwrapper.Unwrap(65535);
        long a = unwrapper.Unwrap(3);
        Assert.Equal(a, unwrapper.Unwrap(3));
        Assert.Equal(65536 + 3, a);
    }

    [Fact]
    public void LargeJumpsForwardUpToHalfTheRange()
    {
        var unwrapper = new SequenceUnwrapper();
        unwrapper.Unwrap(0);
        Assert.Equal(32767, unwrapper.Unwrap(32767));
        Assert.Equal(65534, unwrapper.Unwrap(65534));
        Assert.Equal(65536 + 32765, unwrapper.Unwrap(32765)); // 32767 ahead of 65534
        Assert.Equal(65533, unwrapper.Unwrap(65533));         // exactly half away counts as behind
    }

    [Fact]
    public void PeekDoesNotChangeStateAndResetStartsOver()
    {
        var unwrapper = new SequenceUnwrapper();
        unwrapper.Unwrap(65535);
        Assert.Equal(65536 + 5, unwrapper.PeekUnwrap(5));
        Assert.Equal(65535, unwrapper.Highest);

        unwrapper.Reset();
        Assert.False(unwrapper.HasStarted);
        Assert.Equal(5, unwrapper.Unwrap(5));
    }

    [Fact]
    public void RandomReorderingMatchesTheTrueExtendedNumbers()
    {
        // A stream of 200,000 packets, each delivered up to 100 positions late or early.
        var random = new Random(8);
        long[] truth = new long[200_000];
        for (int i = 0; i < truth.Length; i++)
        {
            truth[i] = 40_000 + i;
        }

        for (int i = 0; i < truth.Length - 1; i++)
        {
            int j = Math.Min(truth.Length - 1, i + random.Next(100));
            (truth[i], truth[j]) = (truth[j], truth[i]);
        }

        var unwrapper = new SequenceUnwrapper();
        long offset = truth[0] - unwrapper.Unwrap((ushort)truth[0]);
        Assert.Equal(0, offset % 65536);
        for (int i = 1; i < truth.Length; i++)
        {
            Assert.Equal(truth[i] - offset, unwrapper.Unwrap((ushort)truth[i]));
        }
    }

    [Fact]
    public void Rfc3550_5_1_TimestampUnwrapAcrossTheWrapWithReordering()
    {
        var unwrapper = new TimestampUnwrapper();
        Assert.Equal(0xFFFFF000L, unwrapper.Unwrap(0xFFFFF000));
        Assert.Equal(0x1_0000_0BB8L, unwrapper.Unwrap(0x00000BB8));  // +6,000 ticks, wrapped
        Assert.Equal(0xFFFFFFFFL, unwrapper.Unwrap(0xFFFFFFFF));     // late
        Assert.Equal(0x1_0000_0BB8L, unwrapper.Highest);
        Assert.Equal(0x1_0000_1770L, unwrapper.Unwrap(0x00001770));

        long expected = unwrapper.Highest;
        for (int i = 0; i < 10; i++)
        {
            expected += 0x7000_0000;
            Assert.Equal(expected, unwrapper.Unwrap((uint)expected));
        }

        Assert.True(unwrapper.Highest > 4L * 0x1_0000_0000);
    }

    [Fact]
    public void TimestampUnwrapperBeforeFirstGoesNegativeAndResets()
    {
        var unwrapper = new TimestampUnwrapper();
        unwrapper.Unwrap(10);
        Assert.Equal(-10, unwrapper.Unwrap(0xFFFFFFF6));
        Assert.Equal(20, unwrapper.PeekUnwrap(20));
        Assert.Equal(10, unwrapper.Highest);
        unwrapper.Reset();
        Assert.Equal(0xFFFFFFF6L, unwrapper.Unwrap(0xFFFFFFF6));
    }
}
