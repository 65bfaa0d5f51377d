using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

public class MacroblockChangeMapTests
{
    private static I420Frame Noise(int w, int h, int seed)
    {
        var f = new I420Frame(w, h);
        new Random(seed).NextBytes(f.Buffer);
        return f;
    }

    private static I420Frame Copy(I420Frame f)
    {
        var c = new I420Frame(f.Width, f.Height, f.Pts);
        f.Buffer.CopyTo(c.Buffer, 0);
        return c;
    }

    /// <summary>The definition, spelled out slowly: a macroblock is constant when every Y, U and V sample it covers is equal.</summary>
    private static byte[] Reference(I420Frame a, I420Frame b)
    {
        var cols = (a.Width + 15) / 16;
        var rows = (a.Height + 15) / 16;
        var result = new byte[cols * rows];
        for (var my = 0; my < rows; my++)
        for (var mx = 0; mx < cols; mx++)
        {
            var same = true;
            for (var y = my * 16; y < Math.Min(a.Height, my * 16 + 16) && same; y++)
            for (var x = mx * 16; x < Math.Min(a.Width, mx * 16 + 16) && same; x++)
                same = a.Y[y * a.Width + x] == b.Y[y * b.Width + x];
            for (var y = my * 8; y < Math.Min(a.ChromaHeight, my * 8 + 8) && same; y++)
            for (var x = mx * 8; x < Math.Min(a.ChromaWidth, mx * 8 + 8) && same; x++)
            {
                var i = y * a.ChromaWidth + x;
                same = a.U[i] == b.U[i] && a.V[i] == b.V[i];
            }
            result[my * cols + mx] = same ? (byte)1 : (byte)0;
        }
        return result;
    }

    [Fact]
    public void FirstPicture_IsAllChanged_TheSamePictureAgain_IsAllConstant()
    {
        var map = new MacroblockChangeMap(64, 48);
        var f = Noise(64, 48, 1);
        Assert.Equal(0, map.Update(f));
        Assert.All(map.Constant, b => Assert.Equal(0, b));
        Assert.Equal(12, map.Update(Copy(f)));
        Assert.All(map.Constant, b => Assert.Equal(1, b));
    }

    [Theory]
    [InlineData(0, 0, 0)]      // luma, first sample
    [InlineData(0, 37, 21)]    // luma inside macroblock (2, 1)
    [InlineData(0, 63, 47)]    // luma, last sample
    [InlineData(1, 19, 5)]     // U sample → macroblock (2, 0)
    [InlineData(2, 31, 23)]    // V, last sample → macroblock (3, 2)
    public void OneSampleChanged_MarksExactlyItsMacroblock(int plane, int x, int y)
    {
        var map = new MacroblockChangeMap(64, 48);
        var f = Noise(64, 48, 2);
        map.Update(f);
        var g = Copy(f);
        var span = plane switch { 0 => g.Y, 1 => g.U, _ => g.V };
        var stride = plane == 0 ? g.Width : g.ChromaWidth;
        span[y * stride + x] ^= 0x01;
        Assert.Equal(11, map.Update(g));
        var mbSize = plane == 0 ? 16 : 8;
        var expected = y / mbSize * map.Columns + x / mbSize;
        for (var i = 0; i < map.Constant.Length; i++) Assert.Equal(i == expected ? 0 : 1, map.Constant[i]);
        // The change is kept: the same picture once more is all constant.
        Assert.Equal(12, map.Update(Copy(g)));
    }

    [Theory]
    [InlineData(50, 34)]   // partial macroblocks on the right and bottom, chroma 25x17
    [InlineData(16, 16)]
    [InlineData(1280, 720)]
    [InlineData(1366, 768)]
    [InlineData(2, 2)]
    public void RandomSparseChanges_MatchTheDefinition(int w, int h)
    {
        var rng = new Random(w * 31 + h);
        var map = new MacroblockChangeMap(w, h);
        var previous = Noise(w, h, rng.Next());
        map.Update(previous);
        for (var round = 0; round < 40; round++)
        {
            var next = Copy(previous);
            var edits = rng.Next(0, 6);
            for (var e = 0; e < edits; e++) next.Buffer[rng.Next(next.Buffer.Length)] ^= (byte)(1 + rng.Next(255));
            if (round % 10 == 9) next = Noise(w, h, rng.Next()); // now and then everything changes
            var expected = Reference(next, previous);
            var count = map.Update(next);
            Assert.Equal(expected, map.Constant);
            Assert.Equal(expected.Count(b => b == 1), count);
            previous = next;
        }
    }

    [Fact]
    public void Reset_MakesTheNextPictureAllChanged()
    {
        var map = new MacroblockChangeMap(32, 32);
        var f = Noise(32, 32, 3);
        map.Update(f);
        map.Reset();
        Assert.Equal(0, map.Update(Copy(f)));
        Assert.Equal(4, map.Update(Copy(f)));
    }

    [Fact]
    public void WrongSize_IsRefused()
    {
        var map = new MacroblockChangeMap(32, 32);
        Assert.Throws<ArgumentException>(() => map.Update(new I420Frame(32, 34)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MacroblockChangeMap(0, 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MacroblockChangeMap(32, 9000));
    }
}
