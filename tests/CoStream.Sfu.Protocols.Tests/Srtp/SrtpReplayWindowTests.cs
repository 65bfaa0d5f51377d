using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>RFC 3711 §3.3.2 replay list as a sliding bitmap.</summary>
public sealed class SrtpReplayWindowTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(100)]   // not a multiple of 64
    [InlineData(128)]
    [InlineData(1024)]
    public void Rfc3711_3_3_2_WindowEdges(int size)
    {
        var window = new SrtpReplayWindow(size, firstIndex: 10_000);
        Assert.Equal(SrtpError.ReplayDuplicate, window.Check(10_000));
        Assert.Equal(SrtpError.None, window.Check(10_001));
        Assert.Equal(SrtpError.None, window.Check(10_000 - (ulong)size + 1)); // oldest slot, unseen
        Assert.Equal(SrtpError.ReplayOld, window.Check(10_000 - (ulong)size));
        Assert.Equal(SrtpError.ReplayOld, window.Check(0));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(128)]
    [InlineData(1000)]
    public void Rfc3711_3_3_2_MatchesASetModel(int size)
    {
        // Drive the bitmap and a plain set with the same random stream of indexes.
        var random = new Random(size);
        var window = new SrtpReplayWindow(size, firstIndex: 5000);
        var seen = new HashSet<ulong> { 5000 };
        ulong highest = 5000;
        for (int i = 0; i < 20_000; i++)
        {
            ulong index = (ulong)Math.Max(0, (long)highest + random.Next(-size - 20, 3 * 64 + 2));
            SrtpError expected = index > highest ? SrtpError.None
                : highest - index >= (ulong)size ? SrtpError.ReplayOld
                : seen.Contains(index) ? SrtpError.ReplayDuplicate
                : SrtpError.None;
            Assert.Equal(expected, window.Check(index));
            if (expected == SrtpError.None)
            {
                window.Accept(index);
                seen.Add(index);
                highest = Math.Max(highest, index);
                Assert.Equal(highest, window.Highest);
            }
        }
    }

    [Fact]
    public void Rfc3711_3_3_2_JumpBeyondTheWindowForgetsEverything()
    {
        var window = new SrtpReplayWindow(128, firstIndex: 1);
        window.Accept(2);
        window.Accept(3);
        window.Accept(1_000_000);
        Assert.Equal(SrtpError.ReplayDuplicate, window.Check(1_000_000));
        Assert.Equal(SrtpError.None, window.Check(999_999));
        Assert.Equal(SrtpError.None, window.Check(1_000_000 - 127));
    }
}
