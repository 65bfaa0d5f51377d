using CoStream.Sfu.Protocols.Demux;

namespace CoStream.Sfu.Protocols.Tests.Demux;

public sealed class PacketClassifierTests
{
    [Theory]
    [InlineData(0, 1, 20, PacketKind.Stun)]       // Binding request 0x0001
    [InlineData(1, 1, 20, PacketKind.Stun)]       // Binding success 0x0101
    [InlineData(3, 0, 20, PacketKind.Stun)]       // last STUN first byte
    [InlineData(20, 0xfe, 13, PacketKind.Dtls)]   // ChangeCipherSpec
    [InlineData(22, 0xfe, 13, PacketKind.Dtls)]   // Handshake
    [InlineData(23, 0xfe, 13, PacketKind.Dtls)]   // ApplicationData
    [InlineData(63, 0, 13, PacketKind.Dtls)]      // last DTLS first byte
    [InlineData(0x80, 111, 12, PacketKind.Rtp)]   // V=2, PT 111 (Opus)
    [InlineData(0x90, 0xe0, 12, PacketKind.Rtp)]  // marker set, PT 96 -> 0xe0 is 224, outside RTCP range
    [InlineData(0xbf, 0x7f, 12, PacketKind.Rtp)]  // last RTP/RTCP first byte
    [InlineData(0x80, 200, 8, PacketKind.Rtcp)]   // SR
    [InlineData(0x81, 201, 8, PacketKind.Rtcp)]   // RR
    [InlineData(0x8f, 206, 8, PacketKind.Rtcp)]   // PSFB (PLI/FIR)
    [InlineData(0x80, 192, 8, PacketKind.Rtcp)]   // RFC 5761 §4 lower bound
    [InlineData(0x80, 223, 8, PacketKind.Rtcp)]   // RFC 5761 §4 upper bound
    [InlineData(4, 0, 20, PacketKind.Unknown)]    // between STUN and DTLS (ZRTP 16..19 etc.)
    [InlineData(16, 0, 20, PacketKind.Unknown)]   // ZRTP
    [InlineData(64, 0, 20, PacketKind.Unknown)]   // TURN channel
    [InlineData(127, 0, 20, PacketKind.Unknown)]
    [InlineData(192, 0, 20, PacketKind.Unknown)]  // RTP version 3
    [InlineData(255, 0, 20, PacketKind.Unknown)]
    public void Rfc7983_7_ClassifiesByFirstByte(byte first, byte second, int length, PacketKind expected)
    {
        byte[] datagram = new byte[length];
        datagram[0] = first;
        datagram[1] = second;

        Assert.Equal(expected, PacketClassifier.Classify(datagram));
    }

    [Theory]
    [InlineData(0, 0, 19)]      // STUN shorter than its header
    [InlineData(22, 0xfe, 12)]  // DTLS shorter than a record header
    [InlineData(0x80, 111, 11)] // RTP shorter than its fixed header
    [InlineData(0x80, 200, 7)]  // RTCP shorter than header + SSRC
    [InlineData(0x80, 0, 1)]
    public void TooShort_IsUnknown(byte first, byte second, int length)
    {
        byte[] datagram = new byte[length];
        datagram[0] = first;
        if (length > 1)
        {
            datagram[1] = second;
        }

        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify(datagram));
    }

    [Fact]
    public void Empty_IsUnknown()
    {
        Assert.Equal(PacketKind.Unknown, PacketClassifier.Classify(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void HostileInput_EveryDatagramGetsAKind_AndEachKindIsSeen()
    {
        var random = new Random(7983);
        var counts = new int[Enum.GetValues<PacketKind>().Length];
        const int cases = 100_000;
        byte[] buffer = new byte[64];
        for (int i = 0; i < cases; i++)
        {
            int length = random.Next(0, buffer.Length + 1);
            random.NextBytes(buffer);
            counts[(int)PacketClassifier.Classify(buffer.AsSpan(0, length))]++;
        }

        Assert.Equal(cases, counts.Sum());
        Assert.All(counts, count => Assert.True(count > 0));
    }
}
