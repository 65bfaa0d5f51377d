using System.Text;
using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class RtcpCompoundReaderTests
{
    [Fact]
    public void Rfc3550_6_1_ChromeCompound_RrSdesRemb()
    {
        byte[] data = RtcpSamples.ChromeCompound;
        var reader = new RtcpCompoundReader(data);

        Assert.True(reader.TryNext(out var header, out var packet));
        Assert.Equal(RtcpPacketType.ReceiverReport, header.PacketType);
        Assert.Equal(1, header.Count);
        Assert.Equal(32, packet.Length);
        Assert.Equal(RtcpError.None, ReceiverReport.TryRead(packet, out var rr, out int consumed));
        Assert.Equal(32, consumed);
        Assert.Equal(0x902F9E2Eu, rr.Ssrc);
        var block = rr.ReportBlocks[0];
        Assert.Equal(0xBC5E9A40u, block.Ssrc);
        Assert.Equal(0x46E1u, block.ExtendedHighestSequence);
        Assert.Equal(273u, block.Jitter);
        Assert.Equal(0x09F36432u, block.LastSenderReport);
        Assert.Equal(150137u, block.DelaySinceLastSenderReport);

        Assert.True(reader.TryNext(out header, out packet));
        Assert.Equal(RtcpPacketType.SourceDescription, header.PacketType);
        Assert.Equal(RtcpError.None, SourceDescription.TryRead(packet, out var sdes, out _));
        int chunks = 0;
        foreach (var chunk in sdes.Chunks)
        {
            chunks++;
            Assert.Equal(0x902F9E2Eu, chunk.Ssrc);
            Assert.True(chunk.TryGetCname(out var cname));
            Assert.Equal(RtcpSamples.ChromeCname, Encoding.ASCII.GetString(cname));
        }

        Assert.Equal(1, chunks);

        Assert.True(reader.TryNext(out header, out packet));
        Assert.Equal(RtcpPacketType.PayloadFeedback, header.PacketType);
        Assert.Equal(RtcpFeedbackFormat.ApplicationLayer, header.Format);
        Assert.Equal(RtcpError.None, ReceiverEstimatedMaxBitrate.TryRead(packet, out var remb, out _));
        Assert.Equal(8927168ul, remb.Bitrate);

        Assert.False(reader.TryNext(out _, out _));
        Assert.Equal(RtcpError.None, reader.Error);
        Assert.Equal(data.Length, reader.Offset);
    }

    [Fact]
    public void Rfc3550_6_1_PionDump_FivePacketsWithFeedback()
    {
        byte[] data =
        [
            .. RtcpSamples.ChromeReceiverReport,
            .. RtcpSamples.ChromeSourceDescription,
            0x81, 0xCB, 0x00, 0x01, // BYE, SC=1, length 1
            0x90, 0x2F, 0x9E, 0x2E, // source
            0x81, 0xCE, 0x00, 0x02, // PSFB FMT=1 (PLI), length 2
            0x90, 0x2F, 0x9E, 0x2E, // sender
            0x90, 0x2F, 0x9E, 0x2E, // media
            0x85, 0xCD, 0x00, 0x02, // RTPFB FMT=5 (RRR, unknown here), length 2
            0x90, 0x2F, 0x9E, 0x2E, // sender
            0x90, 0x2F, 0x9E, 0x2E, // media
        ];
        var reader = new RtcpCompoundReader(data);
        var types = new List<(RtcpPacketType, byte)>();
        while (reader.TryNext(out var header, out _))
        {
            types.Add((header.PacketType, header.Count));
        }

        Assert.Equal(RtcpError.None, reader.Error);
        Assert.Equal(
            [
                (RtcpPacketType.ReceiverReport, (byte)1), (RtcpPacketType.SourceDescription, (byte)1),
                (RtcpPacketType.Goodbye, (byte)1), (RtcpPacketType.PayloadFeedback, (byte)1),
                (RtcpPacketType.TransportFeedback, (byte)5),
            ],
            types);
    }

    public static TheoryData<string, byte[], int, RtcpError> MalformedRows => new()
    {
        // name, datagram, packets read before the stop, error
        { "empty datagram", [], 0, RtcpError.None },
        { "too short for a header", [0x81, 0xC9, 0x00], 0, RtcpError.TooShort },
        { "wrong version 1", [0x41, 0xC9, 0x00, 0x01, 0, 0, 0, 1], 0, RtcpError.BadVersion },
        { "length past buffer", [0x81, 0xC9, 0x00, 0x64, 0, 0, 0, 1], 0, RtcpError.LengthExceedsBuffer },
        { "zero length", [0x80, 0xC9, 0x00, 0x00], 0, RtcpError.EmptyPacket },
        { "padding on a non-last packet", [0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 4, 0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1], 0, RtcpError.PaddingNotLast },
        { "padding count 0", [0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 0], 0, RtcpError.BadPadding },
        { "padding count past payload", [0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 5], 0, RtcpError.BadPadding },
        { "good packet then a stray byte", [0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0xFF], 1, RtcpError.TooShort },
        { "good packet then a version-0 packet", [0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0xC9, 0x00, 0x01, 0, 0, 0, 1], 1, RtcpError.BadVersion },
        { "good packet then truncated one", [0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1], 1, RtcpError.LengthExceedsBuffer },
        { "padding on the last packet is fine", [0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0xA0, 0xC9, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 4], 2, RtcpError.None },
    };

    [Theory]
    [MemberData(nameof(MalformedRows))]
    public void Rfc3550_A2_ValidityChecks(string name, byte[] data, int expectedPackets, RtcpError expectedError)
    {
        var reader = new RtcpCompoundReader(data);
        int packets = 0;
        while (reader.TryNext(out _, out _))
        {
            packets++;
        }

        Assert.True(expectedPackets == packets, name);
        Assert.Equal(expectedError, reader.Error);
        Assert.False(reader.TryNext(out _, out _)); // stays stopped
    }

    [Fact]
    public void Rfc3550_6_4_1_HeaderRoundTrip()
    {
        var header = new RtcpHeader(padding: true, count: 31, RtcpPacketType.PayloadFeedback, length: 0xABCD);
        Span<byte> buffer = stackalloc byte[4];
        Assert.Equal(4, header.WriteTo(buffer));
        Assert.Equal(new byte[] { 0xBF, 0xCE, 0xAB, 0xCD }, buffer.ToArray()); // V=2 P=1 count=31, PT=206, length
        Assert.Equal(RtcpError.None, RtcpHeader.TryRead(buffer, out var read, out int consumed));
        Assert.Equal(4, consumed);
        Assert.True(read.Padding);
        Assert.Equal(31, read.Count);
        Assert.Equal(RtcpPacketType.PayloadFeedback, read.PacketType);
        Assert.Equal(0xABCD, read.Length);
        Assert.Equal((0xABCD + 1) * 4, read.PacketSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RtcpHeader(false, 32, RtcpPacketType.Goodbye, 0));
    }
}
