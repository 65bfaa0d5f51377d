using CoStream.Sfu.Protocols.Codecs;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Codecs;

public class H264PayloadTests
{
    // A STAP-A with SPS, PPS and the first IDR slice, as browsers send at a keyframe.
    private static readonly byte[] StapWithSpsPpsIdr = Hex(
        "78" +                  // STAP-A header: F=0 NRI=3 type 24
        "0004 67 42001F" +      // size 4, SPS (NRI 3, type 7)
        "0002 68 CE" +          // size 2, PPS (type 8)
        "0003 65 8884");        // size 3, IDR slice (type 5)

    private static List<H264NalUnit> Units(ReadOnlySpan<byte> payload, out H264Error error)
    {
        var list = new List<H264NalUnit>();
        var enumerator = H264Payload.EnumerateNalUnits(payload);
        while (enumerator.MoveNext())
        {
            list.Add(enumerator.Current);
        }

        error = enumerator.Error;
        return list;
    }

    [Theory]
    [InlineData("65 8884 21", true)]        // single NAL: IDR slice
    [InlineData("67 42 001F", true)]        // single NAL: SPS
    [InlineData("68 CE 3C80", false)]       // PPS alone
    [InlineData("41 9A 02", false)]         // non-IDR slice
    [InlineData("06 05 FF", false)]         // SEI
    [InlineData("09 10", false)]            // access unit delimiter
    [InlineData("78 0002 0910 0003 419A02", false)] // STAP-A: AUD + non-IDR slice
    [InlineData("7C 85 8884", true)]        // FU-A start (S=1) of an IDR slice
    [InlineData("7C 05 8884", false)]       // FU-A middle of an IDR slice
    [InlineData("7C 45 8884", false)]       // FU-A end of an IDR slice
    [InlineData("5C 81 9A02", false)]       // FU-A start of a non-IDR slice
    [InlineData("7C 87 42", true)]          // FU-A start of an SPS (unusual but legal)
    public void Rfc6184_5_KeyFrameDetection(string hex, bool expected)
    {
        Assert.Equal(expected, H264Payload.IsKeyFrame(Hex(hex)));
        Assert.Equal(H264Error.None, H264Payload.TryIsKeyFrame(Hex(hex), out bool detected));
        Assert.Equal(expected, detected);
    }

    [Fact]
    public void Rfc6184_5_7_1_StapAUnits()
    {
        Assert.True(H264Payload.IsKeyFrame(StapWithSpsPpsIdr));
        var units = Units(StapWithSpsPpsIdr, out H264Error error);

        Assert.Equal(H264Error.None, error);
        Assert.Equal(new[] { H264NalUnitType.Sps, H264NalUnitType.Pps, H264NalUnitType.IdrSlice }, units.Select(u => u.Type).ToArray());
        Assert.Equal(new[] { 3, 9, 13 }, units.Select(u => u.Offset).ToArray());
        Assert.Equal(new[] { 4, 2, 3 }, units.Select(u => u.Length).ToArray());
        Assert.All(units, u => Assert.False(u.IsFragment));
        Assert.All(units, u => Assert.Equal(3, u.NalRefIdc));
    }

    [Fact]
    public void Rfc6184_5_8_FuAFragmentRebuildsTheNalHeader()
    {
        // FU indicator 7C = F0 NRI3 type 28; FU header 85 = S=1 E=0 type 5.
        var unit = Assert.Single(Units(Hex("7C 85 8884 21"), out H264Error error));

        Assert.Equal(H264Error.None, error);
        Assert.Equal(0x65, unit.Header);
        Assert.Equal(H264NalUnitType.IdrSlice, unit.Type);
        Assert.True(unit.IsFragment);
        Assert.True(unit.IsFragmentStart);
        Assert.False(unit.IsFragmentEnd);
        Assert.Equal(2, unit.Offset);
        Assert.Equal(3, unit.Length);

        unit = Assert.Single(Units(Hex("5C 41 9A"), out _)); // E=1, NRI 2, non-IDR slice
        Assert.True(unit.IsFragmentEnd);
        Assert.False(unit.IsStart);
        Assert.Equal(0x41, unit.Header);
    }

    [Fact]
    public void Rfc6184_5_6_SingleNalUnitCoversThePayload()
    {
        var unit = Assert.Single(Units(Hex("41 9A 02 03"), out H264Error error));
        Assert.Equal(H264Error.None, error);
        Assert.Equal(H264NalUnitType.Slice, unit.Type);
        Assert.Equal(0, unit.Offset);
        Assert.Equal(4, unit.Length);
        Assert.True(unit.IsStart);
    }

    [Theory]
    [InlineData("", H264Error.Empty, 0)]
    [InlineData("E5 88", H264Error.ForbiddenBit, 0)]
    [InlineData("00 11", H264Error.UndefinedNalType, 0)]
    [InlineData("1E 11", H264Error.UndefinedNalType, 0)]
    [InlineData("1F 11", H264Error.UndefinedNalType, 0)]
    [InlineData("79 0000 0002 6742", H264Error.UnsupportedPacketization, 0)] // STAP-B
    [InlineData("7A 11", H264Error.UnsupportedPacketization, 0)]             // MTAP16
    [InlineData("7B 11", H264Error.UnsupportedPacketization, 0)]             // MTAP24
    [InlineData("7D 85 0000 88", H264Error.UnsupportedPacketization, 0)]     // FU-B
    [InlineData("78", H264Error.StapEmpty, 0)]
    [InlineData("78 0002 6742 00", H264Error.StapTruncatedSize, 1)]           // one unit, then half a size
    [InlineData("78 0000", H264Error.StapZeroSize, 0)]
    [InlineData("78 0005 6742", H264Error.StapNalOutOfBounds, 0)]
    [InlineData("78 0002 E742", H264Error.ForbiddenBit, 0)]                   // forbidden bit inside a STAP-A
    [InlineData("7C", H264Error.FuTooShort, 0)]
    [InlineData("7C 85", H264Error.FuTooShort, 0)]
    [InlineData("7C C5 88", H264Error.FuStartAndEnd, 0)]
    public void Rfc6184_5_RefusesMalformedPayloads(string hex, H264Error expected, int unitsBefore)
    {
        var units = Units(Hex(hex), out H264Error error);
        Assert.Equal(expected, error);
        Assert.Equal(unitsBefore, units.Count);
        Assert.False(H264Payload.IsKeyFrame(Hex(hex)) && unitsBefore == 0);
    }

    [Fact]
    public void Rfc6184_5_7_1_KeyFrameBeforeATruncatedTailStillCounts()
    {
        byte[] payload = Hex("78 0002 6742 00"); // SPS, then half a size field
        Assert.Equal(H264Error.None, H264Payload.TryIsKeyFrame(payload, out bool isKeyFrame));
        Assert.True(isKeyFrame);

        Assert.Equal(H264Error.StapTruncatedSize, H264Payload.TryIsKeyFrame(Hex("78 0002 6842 00"), out isKeyFrame)); // PPS only
        Assert.False(isKeyFrame);
    }
}
