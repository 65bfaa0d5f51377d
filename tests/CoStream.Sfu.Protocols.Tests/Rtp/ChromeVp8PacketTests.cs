using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtp;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

/// <summary>
/// A packet laid out as Chrome sends the first packet of a VP8 simulcast keyframe, with the
/// extmap ids of Chrome's default offer (2 abs-send-time, 3 transport-cc, 4 mid), built field by
/// field.
/// </summary>
public class ChromeVp8PacketTests
{
    private static readonly byte[] Packet = Hex(
        // RTP fixed header (RFC 3550 §5.1)
        "90" +              // V=2 P=0 X=1 CC=0
        "60" +              // M=0 PT=96 (VP8)
        "3A7F" +            // sequence number 14975
        "7B2C91D4" +        // timestamp
        "5EB1C3F2" +        // SSRC
        // header extension (RFC 8285 §4.2, one-byte form)
        "BEDE 0003" +       // profile 0xBEDE, 3 words
        "22 1A2B3C" +       // ID=2 L=2: abs-send-time 0x1A2B3C
        "31 002A" +         // ID=3 L=1: transport-wide sequence number 42
        "40 30" +           // ID=4 L=0: mid "0"
        "000000" +          // padding to 32 bits
        // VP8 payload descriptor (RFC 7741 §4.2)
        "90" +              // X=1 N=0 S=1 PID=0
        "E0" +              // I=1 L=1 T=1 K=0
        "9C41" +            // M=1 PictureID 0x1C41
        "07" +              // TL0PICIDX 7
        "20" +              // TID=0 Y=1 KEYIDX=0
        // VP8 payload header and key frame header (RFC 7741 §4.3, RFC 6386 §9.1)
        "10 0200" +         // Size0=0 H=1 VER=0 P=0 (key frame), Size1, Size2
        "9D012A" +          // key frame start code
        "8002 6801" +       // width 640, height 360 (little endian)
        "0047088588");      // first bytes of the compressed frame

    private const int PayloadOffset = 28; // 12 fixed + 4 extension header + 12 body

    private static readonly RtpExtensionMap ChromeMap = RtpExtensionMap.Create(new (int, string)[]
    {
        (1, RtpExtensionUris.AudioLevel),
        (2, RtpExtensionUris.AbsSendTime),
        (3, RtpExtensionUris.TransportSequenceNumber),
        (4, RtpExtensionUris.Mid),
        (10, RtpExtensionUris.RtpStreamId),
        (11, RtpExtensionUris.RepairedRtpStreamId),
    });

    [Fact]
    public void Rfc3550_Rfc8285_Rfc7741_ParsesEveryLayer()
    {
        Assert.Equal(RtpError.None, RtpHeader.TryRead(Packet, out RtpHeader header, out int consumed));
        Assert.Equal(PayloadOffset, consumed);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(14975, header.SequenceNumber);
        Assert.Equal(0x7B2C91D4u, header.Timestamp);
        Assert.Equal(0x5EB1C3F2u, header.Ssrc);
        Assert.True(header.IsOneByteExtension);

        Assert.True(ChromeMap.TryGetValue(Packet, header, RtpExtensionKind.AbsSendTime, out ReadOnlySpan<byte> value));
        Assert.Equal(RtpError.None, AbsSendTime.TryRead(value, out uint absSendTime));
        Assert.Equal(0x1A2B3Cu, absSendTime);

        Assert.True(ChromeMap.TryGetValue(Packet, header, RtpExtensionKind.TransportSequenceNumber, out value));
        Assert.Equal(RtpError.None, TransportSequenceNumber.TryRead(value, out ushort transportSequence));
        Assert.Equal(42, transportSequence);

        Assert.True(ChromeMap.TryGetValue(Packet, header, RtpExtensionKind.Mid, out value));
        Assert.Equal(RtpError.None, SdesIdentifier.TryRead(value, out ReadOnlySpan<byte> mid));
        Assert.True(SdesIdentifier.Equals(mid, "0"));

        Assert.False(ChromeMap.TryGetValue(Packet, header, RtpExtensionKind.RtpStreamId, out _));
        Assert.False(ChromeMap.TryGetValue(Packet, header, RtpExtensionKind.AudioLevel, out _));

        ReadOnlySpan<byte> payload = header.GetPayload(Packet);
        Assert.True(Vp8PayloadDescriptor.IsKeyFrame(payload));
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(payload, out var descriptor, out int descriptorSize));
        Assert.Equal(6, descriptorSize);
        Assert.Equal(0x1C41, descriptor.PictureId);
        Assert.Equal(7, descriptor.Tl0PicIdx);
        Assert.Equal(0, descriptor.TemporalLayerId);
        Assert.True(descriptor.LayerSync);
    }

    [Fact]
    public void Rfc3550_Rfc8285_WriterReproducesTheCapture()
    {
        byte[] buffer = new byte[1200];
        var writer = new RtpPacketWriter(buffer, payloadType: 96, sequenceNumber: 14975, timestamp: 0x7B2C91D4, ssrc: 0x5EB1C3F2);
        Span<byte> scratch = stackalloc byte[3];
        writer.AddExtension(2, scratch.Slice(0, AbsSendTime.WriteTo(scratch, 0x1A2B3C)));
        writer.AddExtension(3, scratch.Slice(0, TransportSequenceNumber.WriteTo(scratch, 42)));
        writer.AddExtension(4, scratch.Slice(0, SdesIdentifier.WriteTo(scratch, "0")));
        int length = writer.Complete(Packet.AsSpan(PayloadOffset));

        Assert.Equal(Packet, buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void ForwardingRewritesInPlaceForASubscriber()
    {
        byte[] packet = (byte[])Packet.Clone();
        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out RtpHeader header, out _));

        // What a forwarder does per subscriber: new SSRC, sequence, timestamp, transport-cc
        // sequence, PictureID and TL0PICIDX continuing the subscriber's stream, drop the mid.
        RtpHeader.SetSsrc(packet, 0x11111111);
        RtpHeader.SetSequenceNumber(packet, 1);
        RtpHeader.SetTimestamp(packet, 90000);
        RtpHeader.SetPayloadType(packet, 100);
        Assert.True(TransportSequenceNumber.TryRewrite(packet, header, 3, 7));
        Assert.True(RtpHeaderExtensions.ClearExtension(packet, header, 4));
        Span<byte> payload = packet.AsSpan(header.PayloadOffset, header.PayloadLength);
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(payload, out var descriptor, out _));
        Assert.True(Vp8PayloadDescriptor.TrySetPictureId(payload, descriptor, 12));
        Assert.True(Vp8PayloadDescriptor.TrySetTl0PicIdx(payload, descriptor, 3));

        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out RtpHeader rewritten, out _));
        Assert.Equal(0x11111111u, rewritten.Ssrc);
        Assert.Equal(1, rewritten.SequenceNumber);
        Assert.Equal(90000u, rewritten.Timestamp);
        Assert.Equal(100, rewritten.PayloadType);
        Assert.Equal(Packet.Length, packet.Length);
        Assert.True(RtpHeaderExtensions.TryGetExtension(packet, rewritten, 3, out ReadOnlySpan<byte> tcc));
        Assert.Equal(Hex("0007"), tcc.ToArray());
        Assert.False(RtpHeaderExtensions.TryFindExtension(packet, rewritten, 4, out _, out _));
        Assert.True(RtpHeaderExtensions.TryFindExtension(packet, rewritten, 2, out _, out _));
        Assert.Equal(Vp8Error.None, Vp8PayloadDescriptor.TryRead(rewritten.GetPayload(packet), out var d2, out _));
        Assert.Equal(12, d2.PictureId);
        Assert.Equal(2, d2.PictureIdLength);
        Assert.Equal(3, d2.Tl0PicIdx);
        Assert.True(Vp8PayloadDescriptor.IsKeyFrame(rewritten.GetPayload(packet)));
    }
}
