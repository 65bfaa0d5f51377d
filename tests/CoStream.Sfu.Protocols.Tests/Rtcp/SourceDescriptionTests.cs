using System.Text;
using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class SourceDescriptionTests
{
    [Fact]
    public void Rfc3550_6_5_1_CnameWriterMatchesChromeBytes()
    {
        var sdes = new SourceDescription(0x902F9E2E, Encoding.ASCII.GetBytes(RtcpSamples.ChromeCname));
        var buffer = new byte[sdes.GetSize()];
        Assert.Equal(52, sdes.WriteTo(buffer));
        Assert.Equal(RtcpSamples.ChromeSourceDescription, buffer);
    }

    [Fact]
    public void Rfc3550_6_5_ReadRoundTrip()
    {
        byte[] sample = RtcpSamples.ChromeSourceDescription;
        Assert.Equal(RtcpError.None, SourceDescription.TryRead(sample, out var sdes, out int consumed));
        Assert.Equal(52, consumed);
        Assert.Equal(1, sdes.ChunkCount);
        var buffer = new byte[sdes.GetSize()];
        sdes.WriteTo(buffer);
        Assert.Equal(sample, buffer);
    }

    [Fact]
    public void Rfc3550_6_5_CnameWriterEnumeratesItsOwnChunk()
    {
        var sdes = new SourceDescription(42, "abc"u8);
        int chunks = 0;
        foreach (var chunk in sdes.Chunks)
        {
            chunks++;
            Assert.Equal(42u, chunk.Ssrc);
            Assert.True(chunk.TryGetCname(out var cname));
            Assert.Equal("abc", Encoding.ASCII.GetString(cname));
        }

        Assert.Equal(1, chunks);
    }

    private static readonly byte[] TwoChunks =
    [
        0x82, 0xCA, 0x00, 0x08, // V=2 P=0 SC=2, PT=202, length 8 (36 bytes)
        0x00, 0x00, 0x00, 0x01, // chunk 1: SSRC 1
        0x01, 0x02, 0x61, 0x62, // CNAME "ab"
        0x06, 0x03, 0x78, 0x79, // TOOL "xyz" ...
        0x7A, 0x00, 0x00, 0x00, // ... "z", END, padding
        0x00, 0x00, 0x00, 0x02, // chunk 2: SSRC 2
        0x02, 0x00, 0x08, 0x03, // NAME "" (empty), PRIV length 3 ...
        0x01, 0x70, 0x71, 0x00, // ... prefix length 1 "p", value "q", END (ends exactly on the boundary)
        0x00, 0x00, 0x00, 0x00, // an extra null word that SC=2 does not explain
    ];

    [Fact]
    public void Rfc3550_6_5_TwoChunksWithSeveralItems()
    {
        // The last word of TwoChunks is one word too many for SC=2: refused as trailing bytes.
        Assert.Equal(RtcpError.TrailingBytes, SourceDescription.TryRead(TwoChunks, out _, out _));

        byte[] exact = [.. TwoChunks[..32]];
        exact[3] = 0x07; // length 7 (32 bytes)
        Assert.Equal(RtcpError.None, SourceDescription.TryRead(exact, out var sdes, out _));
        var seen = new List<string>();
        foreach (var chunk in sdes.Chunks)
        {
            foreach (var item in chunk)
            {
                seen.Add($"{chunk.Ssrc}:{item.Type}:{Encoding.ASCII.GetString(item.Text)}");
            }
        }

        Assert.Equal(["1:Cname:ab", "1:Tool:xyz", "2:Name:", "2:Private:\u0001pq"], seen);
        var buffer = new byte[sdes.GetSize()];
        sdes.WriteTo(buffer);
        Assert.Equal(exact, buffer);
    }

    public static TheoryData<string, byte[], RtcpError> NegativeRows => new()
    {
        { "wrong type", [0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1], RtcpError.WrongPacketType },
        { "SC=1 but no chunk", [0x81, 0xCA, 0x00, 0x00], RtcpError.CountMismatch },
        { "no END octet", [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 0x61, 0x62], RtcpError.BadSdesChunk },
        { "item length past packet", [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 0x61, 0x62], RtcpError.BadSdesChunk },
        { "item header cut", [0xA1, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x00, 0x00, 0x03], RtcpError.BadSdesChunk },
        { "SC=2 with one chunk", [0x82, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x00, 0x00, 0x00, 0x00], RtcpError.CountMismatch },
        { "length past buffer", [0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x00, 0x00, 0x00], RtcpError.LengthExceedsBuffer },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void Rfc3550_6_5_Refusals(string name, byte[] data, RtcpError expected)
    {
        Assert.True(expected == SourceDescription.TryRead(data, out _, out _), name);
    }

    [Fact]
    public void Rfc3550_6_5_CnameLongerThan255Throws()
    {
        Assert.Throws<ArgumentException>(() => new SourceDescription(1, new byte[256]));
    }
}
