using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class TransportWideFeedbackTests
{
    private static List<TwccPacketFeedback> Packets(TransportWideFeedback feedback)
    {
        var list = new List<TwccPacketFeedback>();
        foreach (var packet in feedback)
        {
            list.Add(packet);
        }

        return list;
    }

    [Fact]
    public void TwccDraft01_3_1_ChromeRunLengthSample()
    {
        byte[] sample = RtcpSamples.ChromeTransportWideFeedback;
        Assert.Equal(RtcpError.None, TransportWideFeedback.TryRead(sample, out var feedback, out int consumed));
        Assert.Equal(32, consumed);
        Assert.Equal(1u, feedback.SenderSsrc);
        Assert.Equal(0xDD586EB6u, feedback.MediaSsrc);
        Assert.Equal(1, feedback.BaseSequence);
        Assert.Equal(9, feedback.PacketStatusCount);
        Assert.Equal(6197520, feedback.ReferenceTime);
        Assert.Equal(0, feedback.FeedbackPacketCount);

        var packets = Packets(feedback);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (ushort)i), packets.Select(p => p.Sequence));
        Assert.All(packets, p => Assert.Equal(TwccPacketStatus.ReceivedSmallDelta, p.Status));
        Assert.Equal([7000L, 3000, 11000, 14000, 0, 1000, 0, 2000, 6000], packets.Select(p => p.DeltaUs));
        Assert.Equal(6197520L * 64000 + 44000, packets[^1].ArrivalTimeUs); // sum of deltas = 44 ms

        // Rewritten with zero padding instead of the P bit: same fields, canonical bytes.
        var buffer = new byte[feedback.GetSize()];
        Assert.Equal(32, feedback.WriteTo(buffer));
        byte[] canonical = [0x8F, .. sample[1..31], 0x00];
        Assert.Equal(canonical, buffer);
        Assert.Equal(RtcpError.None, TransportWideFeedback.TryRead(buffer, out var reread, out _));
        Assert.Equal(packets, Packets(reread));
    }

    [Fact]
    public void TwccDraft01_3_1_PionLibwebrtcSample()
    {
        Assert.Equal(RtcpError.None, TransportWideFeedback.TryRead(RtcpSamples.PionTransportWideFeedback, out var feedback, out _));
        Assert.Equal(4, feedback.BaseSequence);
        Assert.Equal(1074030, feedback.ReferenceTime);
        Assert.Equal(1, feedback.FeedbackPacketCount);
        Assert.Equal([19000L, 9000, 9000, 4000, 3000, 3000, 4000], Packets(feedback).Select(p => p.DeltaUs));
        Assert.Equal(7, feedback.Deltas.Length);
        Assert.Equal(2, feedback.Chunks.Length);
    }

    private static readonly byte[] VectorSample =
    [
        0x8F, 0xCD, 0x00, 0x09, // V=2 P=0 FMT=15, PT=205, length 9 (40 bytes)
        0x00, 0x00, 0x00, 0x0A, // SSRC of packet sender
        0x00, 0x00, 0x00, 0x0B, // SSRC of media source
        0xFF, 0xFA, 0x00, 0x14, // base sequence 65530, packet status count 20
        0x00, 0x00, 0x10,       // reference time 16 (1.024 s)
        0x05,                   // feedback packet count 5
        0x9F, 0x1C,             // 1-bit vector (draft §3.1.4 example): 0 1 1 1 1 1 0 0 0 1 1 1 0 0 -> seq 65530..7
        0xE4, 0x18,             // 2-bit vector: 10 01 00 00 01 10 (00 beyond the count) -> seq 8..13
        0x01, 0x02, 0x03, 0x04, // small deltas of 65531..65534: 1, 2, 3, 4 ticks
        0x05, 0x06, 0x07, 0x08, // 65535: 5; seq 3, 4, 5: 6, 7, 8 ticks
        0xFF, 0x38,             // seq 8: large delta -200 ticks (-50 ms, arrived before 5)
        0x10, 0x20,             // seq 9: 16 ticks; seq 12: 32 ticks
        0x01, 0x00,             // seq 13: large delta 256 ticks (64 ms)
        0x00, 0x00,             // zero padding to 32 bits
    ];

    [Fact]
    public void TwccDraft01_3_1_4_StatusVectorsWithWrapAndNegativeDelta()
    {
        Assert.Equal(RtcpError.None, TransportWideFeedback.TryRead(VectorSample, out var feedback, out _));
        var expected = new (ushort Seq, TwccPacketStatus Status, int Ticks, long Arrival)[]
        {
            (65530, TwccPacketStatus.NotReceived, 0, 1_024_000),
            (65531, TwccPacketStatus.ReceivedSmallDelta, 1, 1_024_250),
            (65532, TwccPacketStatus.ReceivedSmallDelta, 2, 1_024_750),
            (65533, TwccPacketStatus.ReceivedSmallDelta, 3, 1_025_500),
            (65534, TwccPacketStatus.ReceivedSmallDelta, 4, 1_026_500),
            (65535, TwccPacketStatus.ReceivedSmallDelta, 5, 1_027_750),
            (0, TwccPacketStatus.NotReceived, 0, 1_027_750),
            (1, TwccPacketStatus.NotReceived, 0, 1_027_750),
            (2, TwccPacketStatus.NotReceived, 0, 1_027_750),
            (3, TwccPacketStatus.ReceivedSmallDelta, 6, 1_029_250),
            (4, TwccPacketStatus.ReceivedSmallDelta, 7, 1_031_000),
            (5, TwccPacketStatus.ReceivedSmallDelta, 8, 1_033_000),
            (6, TwccPacketStatus.NotReceived, 0, 1_033_000),
            (7, TwccPacketStatus.NotReceived, 0, 1_033_000),
            (8, TwccPacketStatus.ReceivedLargeDelta, -200, 983_000),
            (9, TwccPacketStatus.ReceivedSmallDelta, 16, 987_000),
            (10, TwccPacketStatus.NotReceived, 0, 987_000),
            (11, TwccPacketStatus.NotReceived, 0, 987_000),
            (12, TwccPacketStatus.ReceivedSmallDelta, 32, 995_000),
            (13, TwccPacketStatus.ReceivedLargeDelta, 256, 1_059_000),
        };
        Assert.Equal(
            expected.Select(e => new TwccPacketFeedback(e.Seq, e.Status, e.Ticks, e.Arrival)),
            Packets(feedback));

        var buffer = new byte[feedback.GetSize()];
        feedback.WriteTo(buffer);
        Assert.Equal(VectorSample, buffer);
    }

    private static byte[] Minimal(byte length, ushort count, params byte[] rest) =>
    [
        0x8F, 0xCD, 0x00, length,
        0, 0, 0, 1, 0, 0, 0, 2, // sender, media
        0x00, 0x00, (byte)(count >> 8), (byte)count, // base 0, status count
        0x00, 0x00, 0x00, 0x00, // reference time 0, fb count 0
        .. rest,
    ];

    public static TheoryData<string, byte[], RtcpError> NegativeRows => new()
    {
        { "valid minimal", Minimal(5, 1, 0x20, 0x01, 0x05, 0x00), RtcpError.None },
        { "status count 0", Minimal(5, 0, 0x20, 0x01, 0x05, 0x00), RtcpError.EmptyFeedback },
        { "no chunk", Minimal(4, 1), RtcpError.ChunksExceedPacket },
        { "count beyond chunks and deltas", Minimal(5, 2, 0x20, 0x01, 0x05, 0x00), RtcpError.DeltasExceedPacket },
        { "run length 0", Minimal(5, 1, 0x20, 0x00, 0x05, 0x00), RtcpError.BadChunk },
        { "reserved run symbol", Minimal(5, 1, 0x60, 0x01, 0x05, 0x00), RtcpError.ReservedStatusSymbol },
        { "reserved 2-bit symbol", Minimal(5, 1, 0xF0, 0x00, 0x05, 0x00), RtcpError.ReservedStatusSymbol },
        { "large deltas cut", Minimal(5, 2, 0x40, 0x02, 0x05, 0x00), RtcpError.DeltasExceedPacket },
        { "a word too many", Minimal(6, 1, 0x20, 0x01, 0x05, 0x00, 0, 0, 0, 0), RtcpError.TrailingBytes },
        { "fixed part cut", [0x8F, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1], RtcpError.TooShort },
        { "NACK format", [0x81, .. Minimal(5, 1, 0x20, 0x01, 0x05, 0x00)[1..]], RtcpError.WrongFormat },
        { "length past buffer", Minimal(6, 1, 0x20, 0x01, 0x05, 0x00), RtcpError.LengthExceedsBuffer },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void TwccDraft01_3_1_Refusals(string name, byte[] data, RtcpError expected)
    {
        Assert.True(expected == TransportWideFeedback.TryRead(data, out _, out _), name);
    }
}
