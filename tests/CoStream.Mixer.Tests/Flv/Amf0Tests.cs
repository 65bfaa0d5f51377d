using System.Buffers;
using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Tests.Flv;

public class Amf0Tests
{
    [Fact]
    public void Amf0_Spec2_2_Number_IsMarkerThenBigEndianDouble()
    {
        var w = new ArrayBufferWriter<byte>();
        Amf0.WriteNumber(w, 1.0);
        // 0x00 marker | IEEE-754 1.0 big-endian
        Assert.Equal(new byte[] { 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0 }, w.WrittenSpan.ToArray());
    }

    [Fact]
    public void Amf0_Spec2_4_String_IsMarkerLengthUtf8()
    {
        var w = new ArrayBufferWriter<byte>();
        Amf0.WriteString(w, "app");
        Assert.Equal(new byte[] { 0x02, 0x00, 0x03, (byte)'a', (byte)'p', (byte)'p' }, w.WrittenSpan.ToArray());
    }

    [Fact]
    public void AllTypes_RoundTrip()
    {
        var w = new ArrayBufferWriter<byte>();
        var ecma = new Amf0Object { IsEcmaArray = true };
        ecma.Add("width", 640.0);
        ecma.Add("stereo", true);
        var payload = new Dictionary<string, object?>
        {
            ["type"] = "gift", ["seq"] = 42, ["amount"] = 9.5, ["nothing"] = null, ["tags"] = new object?[] { "a", 1.0, false },
            ["nested"] = new Dictionary<string, object?> { ["k"] = "v" },
        };
        Amf0.WriteValue(w, 3.25);
        Amf0.WriteValue(w, false);
        Amf0.WriteValue(w, "héllo");
        Amf0.WriteValue(w, null);
        Amf0.WriteValue(w, ecma);
        Amf0.WriteValue(w, payload);
        Amf0.WriteValue(w, new string('x', 70_000)); // long string

        var values = new List<object?>();
        Assert.Equal(Amf0Error.None, Amf0.TryReadAll(w.WrittenSpan, values));
        Assert.Equal(7, values.Count);
        Assert.Equal(3.25, values[0]);
        Assert.Equal(false, values[1]);
        Assert.Equal("héllo", values[2]);
        Assert.Null(values[3]);
        var e = Assert.IsType<Amf0Object>(values[4]);
        Assert.True(e.IsEcmaArray);
        Assert.Equal(640.0, e["width"]);
        Assert.Equal(true, e["stereo"]);
        var o = Assert.IsType<Amf0Object>(values[5]);
        Assert.False(o.IsEcmaArray);
        Assert.Equal("gift", o["type"]);
        Assert.Equal(42.0, o["seq"]);
        Assert.Equal(9.5, o["amount"]);
        Assert.Null(o["nothing"]);
        Assert.Equal(new object?[] { "a", 1.0, false }, Assert.IsType<object?[]>(o["tags"]));
        Assert.Equal("v", Assert.IsType<Amf0Object>(o["nested"])["k"]);
        Assert.Equal(70_000, Assert.IsType<string>(values[6]).Length);
    }

    [Theory]
    [InlineData(new byte[] { }, Amf0Error.Truncated)]
    [InlineData(new byte[] { 0x00, 0x3F, 0xF0 }, Amf0Error.Truncated)]                      // number cut short
    [InlineData(new byte[] { 0x02, 0x00, 0x05, (byte)'a' }, Amf0Error.Truncated)]           // string claims 5 bytes
    [InlineData(new byte[] { 0x0D }, Amf0Error.UnknownMarker)]                              // unsupported marker
    [InlineData(new byte[] { 0x03, 0x00, 0x01, (byte)'k', 0x05 }, Amf0Error.MissingObjectEnd)] // no 00 00 09
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05 }, Amf0Error.TooManyItems)] // 4G items, 1 byte left
    public void Malformed_IsRefusedWithReason(byte[] bytes, Amf0Error expected)
    {
        Assert.Equal(expected, Amf0.TryRead(bytes, out var v, out var consumed));
        Assert.Null(v);
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void DeepNesting_IsRefused()
    {
        var bytes = new List<byte>();
        for (int i = 0; i < 100; i++) bytes.AddRange(new byte[] { 0x0A, 0, 0, 0, 1 }); // strict array of 1, nested
        bytes.Add(0x05);
        Assert.Equal(Amf0Error.TooDeep, Amf0.TryRead(bytes.ToArray(), out _, out _));
    }
}
