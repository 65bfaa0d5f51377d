using CoStream.Mixer.Sei;

namespace CoStream.Mixer.Tests.Sei;

public class EmulationPreventionTests
{
    // H.264 §7.4.1 / H.265 §7.4.2: 0x000000, 0x000001, 0x000002, 0x000003 never appear inside a NAL unit.
    [Theory]
    [InlineData(new byte[] { 0, 0, 0 }, new byte[] { 0, 0, 3, 0 })]
    [InlineData(new byte[] { 0, 0, 1 }, new byte[] { 0, 0, 3, 1 })]
    [InlineData(new byte[] { 0, 0, 2 }, new byte[] { 0, 0, 3, 2 })]
    [InlineData(new byte[] { 0, 0, 3 }, new byte[] { 0, 0, 3, 3 })]
    [InlineData(new byte[] { 0, 0, 4 }, new byte[] { 0, 0, 4 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0 }, new byte[] { 0, 0, 3, 0, 0, 3, 0 })]
    [InlineData(new byte[] { 0x80, 0, 0 }, new byte[] { 0x80, 0, 0 })]
    public void Escape_InsertsThreeBytes_AndUnescapeRemovesThem(byte[] rbsp, byte[] escaped)
    {
        var dest = new byte[EmulationPrevention.MaxEscapedSize(rbsp.Length)];
        var n = EmulationPrevention.Escape(rbsp, dest);
        Assert.Equal(escaped, dest[..n]);
        var back = new byte[escaped.Length];
        var m = EmulationPrevention.Unescape(escaped, back);
        Assert.Equal(rbsp, back[..m]);
    }

    [Fact]
    public void RandomZeroHeavyBuffers_RoundTrip_AndNeverContainAStartCode()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var rbsp = new byte[random.Next(0, 200)];
            for (int k = 0; k < rbsp.Length; k++) rbsp[k] = (byte)(random.Next(4) == 0 ? random.Next(256) : random.Next(4));
            var escaped = new byte[EmulationPrevention.MaxEscapedSize(rbsp.Length)];
            var n = EmulationPrevention.Escape(rbsp, escaped);
            Assert.True(n >= 0);
            for (int k = 0; k + 2 < n; k++)
                Assert.False(escaped[k] == 0 && escaped[k + 1] == 0 && escaped[k + 2] <= 2, $"start-code-like bytes at {k}");
            var back = new byte[n];
            var m = EmulationPrevention.Unescape(escaped.AsSpan(0, n), back);
            Assert.Equal(rbsp, back[..m]);
        }
    }

    [Fact]
    public void Escape_IntoATooSmallBuffer_ReturnsMinusOne() =>
        Assert.Equal(-1, EmulationPrevention.Escape(new byte[] { 0, 0, 0 }, new byte[3]));
}
