using CoStream.Sfu.Protocols.Rtp;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

public class RtpHeaderTests
{
    [Fact]
    public void Rfc3550_5_1_FixedHeaderOnly()
    {
        byte[] packet = Hex(
            "80" +          // V=2 P=0 X=0 CC=0
            "E0" +          // M=1 PT=96
            "1234" +        // sequence number 0x1234
            "DEADBEEF" +    // timestamp
            "CAFEBABE" +    // SSRC
            "010203");      // payload

        RtpError error = RtpHeader.TryRead(packet, out RtpHeader header, out int consumed);

        Assert.Equal(RtpError.None, error);
        Assert.Equal(12, consumed);
        Assert.True(header.Marker);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(0x1234, header.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, header.Timestamp);
        Assert.Equal(0xCAFEBABEu, header.Ssrc);
        Assert.Equal(0, header.CsrcCount);
        Assert.False(header.HasExtension);
        Assert.Equal(12, header.PayloadOffset);
        Assert.Equal(3, header.PayloadLength);
        Assert.Equal(0, header.PaddingLength);
        Assert.Equal(new byte[] { 1, 2, 3 }, header.GetPayload(packet).ToArray());
    }

    [Fact]
    public void Rfc3550_5_1_CsrcsExtensionAndPadding()
    {
        byte[] packet = Hex(
            "B2" +                  // V=2 P=1 X=1 CC=2
            "08" +                  // M=0 PT=8
            "FFFF" +                // sequence number 65535
            "00000001" +            // timestamp 1
            "11223344" +            // SSRC
            "AAAAAAAA" +            // CSRC 1
            "BBBBBBBB" +            // CSRC 2
            "ABCD 0002" +           // extension profile 0xABCD, length 2 words
            "01020304 05060708" +   // extension body (8 bytes)
            "C0C1C2" +              // payload (3 bytes)
            "0000 03");             // padding: 3 bytes, last one is the count

        RtpError error = RtpHeader.TryRead(packet, out RtpHeader header, out int consumed);

        Assert.Equal(RtpError.None, error);
        Assert.Equal(32, consumed); // 12 fixed + 8 CSRC + 4 extension header + 8 body
        Assert.False(header.Marker);
        Assert.Equal(8, header.PayloadType);
        Assert.Equal(65535, header.SequenceNumber);
        Assert.Equal(2, header.CsrcCount);
        Assert.Equal(0xAAAAAAAAu, header.GetCsrc(packet, 0));
        Assert.Equal(0xBBBBBBBBu, header.GetCsrc(packet, 1));
        Assert.True(header.HasExtension);
        Assert.Equal(0xABCD, header.ExtensionProfile);
        Assert.False(header.IsOneByteExtension);
        Assert.False(header.IsTwoByteExtension);
        Assert.Equal(24, header.ExtensionOffset);
        Assert.Equal(8, header.ExtensionLength);
        Assert.Equal(Hex("0102030405060708"), header.GetExtensionBody(packet).ToArray());
        Assert.Equal(3, header.PaddingLength);
        Assert.Equal(3, header.PayloadLength);
        Assert.Equal(Hex("C0C1C2"), header.GetPayload(packet).ToArray());
    }

    [Fact]
    public void Rfc3550_5_1_PaddingMayFillTheWholePayload()
    {
        byte[] packet = Hex("A0 60 0001 00000000 00000001" + "000004");
        Array.Resize(ref packet, 16);
        packet[15] = 4; // padding only: 4 bytes, the count byte included

        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out RtpHeader header, out _));
        Assert.Equal(0, header.PayloadLength);
        Assert.Equal(4, header.PaddingLength);
    }

    public static TheoryData<string, RtpError, string> NegativeRows => new()
    {
        { "", RtpError.TooShort, "empty" },
        { "80 60 0001 00000000 000000", RtpError.TooShort, "11 bytes" },
        { "00 60 0001 00000000 00000000", RtpError.BadVersion, "version 0" },
        { "40 60 0001 00000000 00000000", RtpError.BadVersion, "version 1" },
        { "C0 60 0001 00000000 00000000", RtpError.BadVersion, "version 3" },
        { "81 60 0001 00000000 00000000", RtpError.CsrcOutOfBounds, "CC=1, no CSRC" },
        { "8F 60 0001 00000000 00000000 00000000", RtpError.CsrcOutOfBounds, "CC=15, one CSRC" },
        { "90 60 0001 00000000 00000000", RtpError.ExtensionHeaderOutOfBounds, "X=1, no extension header" },
        { "90 60 0001 00000000 00000000 BEDE", RtpError.ExtensionHeaderOutOfBounds, "X=1, half an extension header" },
        { "90 60 0001 00000000 00000000 BEDE 0001", RtpError.ExtensionBodyOutOfBounds, "length 1, no body" },
        { "90 60 0001 00000000 00000000 BEDE 0002 10000000 10", RtpError.ExtensionBodyOutOfBounds, "length 2, 5 body bytes" },
        { "90 60 0001 00000000 00000000 BEDE FFFF 00000000", RtpError.ExtensionBodyOutOfBounds, "length 65535" },
        { "A0 60 0001 00000000 00000000 0102 00", RtpError.PaddingZero, "P=1, count 0" },
        { "A0 60 0001 00000000 00000000 0102 04", RtpError.PaddingExceedsPayload, "count 4, 3 bytes after header" },
        { "A0 60 0001 00000000 00000000", RtpError.PaddingExceedsPayload, "P=1, nothing after header" },
        { "B0 60 0001 00000000 00000000 BEDE 0001 100000 FF", RtpError.PaddingExceedsPayload, "count runs into extension" },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void Rfc3550_5_1_RefusesMalformed(string hex, RtpError expected, string why)
    {
        RtpError error = RtpHeader.TryRead(Hex(hex), out RtpHeader header, out int consumed);

        Assert.True(expected == error, $"{why}: expected {expected}, got {error}");
        Assert.Equal(0, consumed);
        Assert.Equal(default, header.SequenceNumber);
    }

    [Theory]
    [InlineData(0, false, RtpExtensionForm.OneByte, 0)]
    [InlineData(1, true, RtpExtensionForm.OneByte, 0)]
    [InlineData(15, true, RtpExtensionForm.OneByte, 7)]
    [InlineData(3, true, RtpExtensionForm.TwoByte, 1)]
    [InlineData(0, false, RtpExtensionForm.OneByte, 255)]
    public void Rfc3550_5_1_WriterRoundTrip(int csrcCount, bool withExtension, RtpExtensionForm form, int padding)
    {
        byte[] payload = { 9, 8, 7, 6, 5 };
        Span<byte> buffer = stackalloc byte[1500];
        var writer = new RtpPacketWriter(buffer, payloadType: 111, sequenceNumber: 40000, timestamp: 0x89ABCDEF, ssrc: 0x01020304, marker: true, form);
        for (int i = 0; i < csrcCount; i++)
        {
            writer.AddCsrc((uint)(0x1000 + i));
        }

        if (withExtension)
        {
            writer.AddExtension(3, new byte[] { 0x12, 0x34 });
        }

        int length = writer.Complete(payload, padding);

        Assert.Equal(RtpError.None, RtpHeader.TryRead(buffer.Slice(0, length), out RtpHeader header, out int consumed));
        Assert.Equal(header.PayloadOffset, consumed);
        Assert.True(header.Marker);
        Assert.Equal(111, header.PayloadType);
        Assert.Equal(40000, header.SequenceNumber);
        Assert.Equal(0x89ABCDEFu, header.Timestamp);
        Assert.Equal(0x01020304u, header.Ssrc);
        Assert.Equal(csrcCount, header.CsrcCount);
        for (int i = 0; i < csrcCount; i++)
        {
            Assert.Equal((uint)(0x1000 + i), header.GetCsrc(buffer, i));
        }

        Assert.Equal(withExtension, header.HasExtension);
        if (withExtension)
        {
            Assert.Equal(0, header.ExtensionLength % 4);
            Assert.True(RtpHeaderExtensions.TryGetExtension(buffer.Slice(0, length), header, 3, out ReadOnlySpan<byte> value));
            Assert.Equal(new byte[] { 0x12, 0x34 }, value.ToArray());
        }

        Assert.Equal(padding, header.PaddingLength);
        Assert.Equal(payload, header.GetPayload(buffer.Slice(0, length)).ToArray());
        Assert.Equal(length, header.PayloadOffset + header.PayloadLength + header.PaddingLength);
    }

    [Fact]
    public void Rfc3550_5_1_InPlaceRewritersTouchOnlyTheirField()
    {
        byte[] original = Hex("90 E0 1234 DEADBEEF CAFEBABE BEDE 0001 10 AA 0000 010203");
        byte[] packet = (byte[])original.Clone();

        RtpHeader.SetSequenceNumber(packet, 0xFFFE);
        RtpHeader.SetTimestamp(packet, 0x01020304);
        RtpHeader.SetSsrc(packet, 0x0A0B0C0D);
        RtpHeader.SetPayloadType(packet, 100);

        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out RtpHeader header, out _));
        Assert.Equal(0xFFFE, header.SequenceNumber);
        Assert.Equal(0x01020304u, header.Timestamp);
        Assert.Equal(0x0A0B0C0Du, header.Ssrc);
        Assert.Equal(100, header.PayloadType);
        Assert.True(header.Marker); // kept by SetPayloadType
        Assert.Equal(original.AsSpan(12).ToArray(), packet.AsSpan(12).ToArray());
        Assert.Equal(original[0], packet[0]);

        RtpHeader.SetMarker(packet, false);
        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out header, out _));
        Assert.False(header.Marker);
        Assert.Equal(100, header.PayloadType); // kept by SetMarker

        RtpHeader.SetMarker(packet, true);
        Assert.Equal(0x80 | 100, packet[1]);
    }

    [Fact]
    public void SetPayloadType_RefusesMoreThanSevenBits()
    {
        byte[] packet = new byte[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpHeader.SetPayloadType(packet, 128));
    }

    [Fact]
    public void Writer_RefusesCsrcAfterExtensionAndOutOfRangeIds()
    {
        byte[] buffer = new byte[100];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new RtpPacketWriter(buffer, 96, 1, 1, 1);
            writer.AddExtension(1, new byte[] { 1 });
            writer.AddCsrc(5);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var writer = new RtpPacketWriter(buffer, 96, 1, 1, 1);
            writer.AddExtension(15, new byte[] { 1 });
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var writer = new RtpPacketWriter(buffer, 96, 1, 1, 1);
            writer.AddExtension(1, new byte[17]);
        });
        Assert.Throws<ArgumentException>(() =>
        {
            var writer = new RtpPacketWriter(buffer.AsSpan(0, 20), 96, 1, 1, 1);
            writer.Complete(new byte[10]);
        });
    }
}
