using CoStream.Sfu.Protocols.Codecs;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Codecs;

public class Vp8PayloadDescriptorTests
{
    [Fact]
    public void Rfc7741_4_2_MinimalDescriptor()
    {
        // 10 = X=0 R=0 N=0 S=1 R=0 PID=0, then VP8 data.
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(Hex("10 AB"), out var d, out int consumed));
        Assert.Equal(1, consumed);
        Assert.False(d.HasExtension);
        Assert.True(d.IsStartOfPartition);
        Assert.False(d.IsNonReference);
        Assert.Equal(0, d.PartitionId);
        Assert.False(d.HasPictureId);
        Assert.False(d.HasTl0PicIdx);
        Assert.False(d.HasTemporalLayerId);
        Assert.False(d.HasKeyIdx);
    }

    [Fact]
    public void Rfc7741_4_2_NonReferenceContinuationOfPartition7()
    {
        // 27 = N=1 S=0 PID=7
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(Hex("27 00"), out var d, out _));
        Assert.True(d.IsNonReference);
        Assert.False(d.IsStartOfPartition);
        Assert.Equal(7, d.PartitionId);
    }

    [Fact]
    public void Rfc7741_4_2_ShortPictureId()
    {
        // 90 = X S; 80 = I; 05 = M=0 PictureID 5
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(Hex("90 80 05 00"), out var d, out int consumed));
        Assert.Equal(3, consumed);
        Assert.Equal(1, d.PictureIdLength);
        Assert.Equal(5, d.PictureId);
        Assert.Equal(2, d.PictureIdOffset);
    }

    [Fact]
    public void Rfc7741_4_2_LongPictureIdTl0PicIdxAndTid()
    {
        // 90 = X S; E0 = I L T; 81 23 = M=1 PictureID 0x0123; 07 = TL0PICIDX; A0 = TID=2 Y=1 KEYIDX=0
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(Hex("90 E0 8123 07 A0 00"), out var d, out int consumed));
        Assert.Equal(6, consumed);
        Assert.Equal(6, d.Size);
        Assert.Equal(2, d.PictureIdLength);
        Assert.Equal(0x0123, d.PictureId);
        Assert.True(d.HasTl0PicIdx);
        Assert.Equal(7, d.Tl0PicIdx);
        Assert.Equal(4, d.Tl0PicIdxOffset);
        Assert.True(d.HasTemporalLayerId);
        Assert.Equal(2, d.TemporalLayerId);
        Assert.True(d.LayerSync);
        Assert.False(d.HasKeyIdx);
    }

    [Fact]
    public void Rfc7741_4_2_AllExtensionsWithKeyIdx()
    {
        // 90; F0 = I L T K; 05 = PictureID 5; 07 = TL0PICIDX; E5 = TID=3 Y=1 KEYIDX=5
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(Hex("90 F0 05 07 E5 00"), out var d, out int consumed));
        Assert.Equal(5, consumed);
        Assert.Equal(3, d.TemporalLayerId);
        Assert.True(d.LayerSync);
        Assert.True(d.HasKeyIdx);
        Assert.Equal(5, d.KeyIdx);
    }

    [Fact]
    public void Rfc7741_4_2_KeyIdxAloneStillHasTheTidByte()
    {
        // 90; 10 = K only; 1F = TID/Y ignored, KEYIDX 31
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(Hex("90 10 1F"), out var d, out int consumed));
        Assert.Equal(3, consumed);
        Assert.False(d.HasTemporalLayerId);
        Assert.Equal(31, d.KeyIdx);
    }

    [Theory]
    [InlineData("", Vp8Error.Empty)]
    [InlineData("80", Vp8Error.DescriptorTruncated)]          // X without the X byte
    [InlineData("90 80", Vp8Error.DescriptorTruncated)]       // I without PictureID
    [InlineData("90 80 81", Vp8Error.DescriptorTruncated)]    // M=1 with one PictureID byte
    [InlineData("90 40", Vp8Error.DescriptorTruncated)]       // L without TL0PICIDX
    [InlineData("90 C0 05", Vp8Error.DescriptorTruncated)]    // I and L, only PictureID
    [InlineData("90 20", Vp8Error.DescriptorTruncated)]       // T without the TID byte
    [InlineData("90 10", Vp8Error.DescriptorTruncated)]       // K without the KEYIDX byte
    public void Rfc7741_4_2_RefusesTruncatedDescriptors(string hex, Vp8Error expected)
    {
        Assert.Equal(expected, Vp8PayloadDescriptor.TryRead(Hex(hex), out _, out int consumed));
        Assert.Equal(0, consumed);
    }

    [Theory]
    [InlineData("10 10 0200 9D012A", true, Vp8Error.None)]   // S=1 PID=0, payload header P=0
    [InlineData("10 11 0200", false, Vp8Error.None)]         // P=1: inter frame
    [InlineData("00 10 0200", false, Vp8Error.None)]         // S=0: continuation
    [InlineData("11 10 0200", false, Vp8Error.None)]         // PID=1: not the first partition
    [InlineData("90 80 05 B0", true, Vp8Error.None)]         // with a PictureID
    [InlineData("90 E0 8123 07 20 50", true, Vp8Error.None)] // with PictureID, TL0PICIDX, TID
    [InlineData("10", false, Vp8Error.NoPayloadData)]        // descriptor only
    [InlineData("90 80", false, Vp8Error.DescriptorTruncated)]
    [InlineData("", false, Vp8Error.Empty)]
    public void Rfc7741_4_3_KeyFrameDetection(string hex, bool isKeyFrame, Vp8Error expectedError)
    {
        Assert.Equal(isKeyFrame, Vp8PayloadDescriptor.IsKeyFrame(Hex(hex)));
        Assert.Equal(expectedError, Vp8PayloadDescriptor.TryIsKeyFrame(Hex(hex), out bool detected));
        Assert.Equal(isKeyFrame, detected);
    }

    [Fact]
    public void Rfc7741_4_2_RewritePictureIdKeepsItsWidth()
    {
        byte[] shortForm = Hex("90 C0 05 07 AA");
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(shortForm, out var d, out _));
        Assert.True(Vp8PayloadDescriptor.TrySetPictureId(shortForm, d, 300)); // 300 mod 128 = 44
        Assert.Equal(Hex("90 C0 2C 07 AA"), shortForm);

        byte[] longForm = Hex("90 C0 8123 07 AA");
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(longForm, out d, out _));
        Assert.True(Vp8PayloadDescriptor.TrySetPictureId(longForm, d, 0x1234));
        Assert.Equal(Hex("90 C0 9234 07 AA"), longForm);
        Assert.True(Vp8PayloadDescriptor.TrySetPictureId(longForm, d, 0xFFFF)); // 15 bits kept
        Assert.Equal(Hex("90 C0 FFFF 07 AA"), longForm);

        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(longForm, out d, out _));
        Assert.Equal(0x7FFF, d.PictureId);
    }

    [Fact]
    public void Rfc7741_4_2_RewriteTl0PicIdx()
    {
        byte[] payload = Hex("90 C0 8123 07 AA");
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(payload, out var d, out _));
        Assert.True(Vp8PayloadDescriptor.TrySetTl0PicIdx(payload, d, 0xFE));
        Assert.Equal(Hex("90 C0 8123 FE AA"), payload);
    }

    [Fact]
    public void Rfc7741_4_2_RewritesRefuseMissingFields()
    {
        byte[] payload = Hex("90 20 40 AA"); // T only
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(payload, out var d, out _));
        Assert.False(Vp8PayloadDescriptor.TrySetPictureId(payload, d, 1));
        Assert.False(Vp8PayloadDescriptor.TrySetTl0PicIdx(payload, d, 1));
        Assert.Equal(Hex("90 20 40 AA"), payload);
    }

    public static TheoryData<string> RoundTripRows => new()
    {
        "S",
        "S pid7",
        "S pid15",
        "S pid15 tl0 tid",
        "pid7 tl0 tid key",
        "key",
        "tid",
        "N part3",
    };

    [Theory]
    [MemberData(nameof(RoundTripRows))]
    public void Rfc7741_4_2_WriteReadRoundTrip(string fields)
    {
        string[] f = fields.Split(' ');
        var written = Vp8PayloadDescriptor.Create(
            isStartOfPartition: f.Contains("S"),
            partitionId: (byte)(f.Contains("part3") ? 3 : 0),
            isNonReference: f.Contains("N"),
            pictureId: f.Contains("pid15") ? 0x5A5A : f.Contains("pid7") ? 0x55 : -1,
            longPictureId: f.Contains("pid15"),
            tl0PicIdx: f.Contains("tl0") ? 200 : -1,
            temporalLayerId: f.Contains("tid") ? 2 : -1,
            layerSync: true,
            keyIdx: f.Contains("key") ? 17 : -1);
        byte[] buffer = new byte[Vp8PayloadDescriptor.MaxSize + 1];

        int length = written.WriteTo(buffer);

        Assert.Equal(written.GetSize(), length);
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(buffer.AsSpan(0, length), out var read, out int consumed));
        Assert.Equal(length, consumed);
        Assert.Equal(written.IsStartOfPartition, read.IsStartOfPartition);
        Assert.Equal(written.PartitionId, read.PartitionId);
        Assert.Equal(written.IsNonReference, read.IsNonReference);
        Assert.Equal(written.PictureIdLength, read.PictureIdLength);
        Assert.Equal(written.PictureId, read.PictureId);
        Assert.Equal(written.HasTl0PicIdx, read.HasTl0PicIdx);
        Assert.Equal(written.Tl0PicIdx, read.Tl0PicIdx);
        Assert.Equal(written.HasTemporalLayerId, read.HasTemporalLayerId);
        Assert.Equal(written.TemporalLayerId, read.TemporalLayerId);
        Assert.Equal(written.LayerSync, read.LayerSync);
        Assert.Equal(written.HasKeyIdx, read.HasKeyIdx);
        Assert.Equal(written.KeyIdx, read.KeyIdx);
    }
}
