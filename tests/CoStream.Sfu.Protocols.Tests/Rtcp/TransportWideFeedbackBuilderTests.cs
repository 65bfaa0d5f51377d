using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class TransportWideFeedbackBuilderTests
{
    private sealed record Decoded(ushort Sequence, bool Received, long ArrivalUs, byte FeedbackCount, int PacketSize);

    /// <summary>Parses every feedback packet in <paramref name="datagram"/> and lists the packets they describe, in order.</summary>
    private static List<Decoded> Decode(ReadOnlySpan<byte> datagram, uint expectedSender = 0xAAAA, uint expectedMedia = 0xBBBB)
    {
        var result = new List<Decoded>();
        var reader = new RtcpCompoundReader(datagram);
        while (reader.TryNext(out _, out var packet))
        {
            Assert.Equal(RtcpError.None, TransportWideFeedback.TryRead(packet, out var feedback, out int consumed));
            Assert.Equal(packet.Length, consumed);
            Assert.Equal(expectedSender, feedback.SenderSsrc);
            Assert.Equal(expectedMedia, feedback.MediaSsrc);
            foreach (var p in feedback)
            {
                result.Add(new Decoded(p.Sequence, p.IsReceived, p.ArrivalTimeUs, feedback.FeedbackPacketCount, packet.Length));
            }
        }

        Assert.Equal(RtcpError.None, reader.Error);
        return result;
    }

    private static void AssertCovers(List<Decoded> decoded, ushort first, int count, IReadOnlyDictionary<ushort, long> arrivals)
    {
        Assert.Equal(count, decoded.Count);
        for (int i = 0; i < count; i++)
        {
            ushort sequence = (ushort)(first + i);
            var d = decoded[i];
            Assert.Equal(sequence, d.Sequence);
            if (arrivals.TryGetValue(sequence, out long arrival))
            {
                Assert.True(d.Received, $"seq {sequence} should be received");
                Assert.Equal(arrival / 250 * 250, d.ArrivalUs); // 250 µs resolution, rounded down
            }
            else
            {
                Assert.False(d.Received, $"seq {sequence} should be lost");
            }
        }
    }

    [Fact]
    public void TwccDraft01_3_1_LossReorderDuplicatesAndWrapRoundTrip()
    {
        var builder = new TransportWideFeedbackBuilder();
        var random = new Random(3550);
        var arrivals = new Dictionary<ushort, long>();
        var order = new List<ushort>();
        for (int i = 0; i < 400; i++)
        {
            ushort sequence = (ushort)(65400 + i); // wraps after 136 packets
            if (i % 7 == 3 || (i > 200 && i < 215))
            {
                continue; // lost
            }

            order.Add(sequence);
        }

        for (int i = 0; i + 1 < order.Count; i += 11)
        {
            (order[i], order[i + 1]) = (order[i + 1], order[i]); // reordered pairs
        }

        long now = 5_000_000_123;
        foreach (ushort sequence in order)
        {
            now += random.Next(0, 20_000); // 0..20 ms apart
            arrivals[sequence] = now;
            builder.OnPacket(sequence, now);
            if (sequence % 13 == 0)
            {
                builder.OnPacket(sequence, now + 999); // duplicate: the first arrival wins
            }
        }

        var buffer = new byte[64 * 1024];
        int written = builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB);
        Assert.True(written > 0);
        var decoded = Decode(buffer.AsSpan(0, written));
        ushort first = order.OrderBy(s => (ushort)(s - 65400)).First();
        ushort last = order.OrderBy(s => (ushort)(s - 65400)).Last();
        AssertCovers(decoded, first, (ushort)(last - first) + 1, arrivals);
        Assert.True(builder.DuplicatePackets > 0);
        Assert.False(builder.HasPendingFeedback);
        Assert.Equal(0, builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB));
    }

    [Fact]
    public void TwccDraft01_3_1_SplitsAtMaxPacketSizeAndCountsFeedbackPackets()
    {
        var builder = new TransportWideFeedbackBuilder(maxPacketSize: 120);
        var arrivals = new Dictionary<ushort, long>();
        long now = 1_000_000;
        for (int i = 0; i < 3000; i++)
        {
            now += i % 5 == 0 ? 70_000 : 1_000; // every fifth delta is large (70 ms)
            if (i % 3 == 1)
            {
                continue; // lost: forces mixed vector chunks
            }

            arrivals[(ushort)i] = now;
            builder.OnPacket((ushort)i, now);
        }

        var buffer = new byte[200_000];
        int written = builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB);
        var decoded = Decode(buffer.AsSpan(0, written));
        AssertCovers(decoded, 0, 3000, arrivals); // 0..2999, and 2999 is received (2999 % 3 == 2)
        Assert.All(decoded, d => Assert.True(d.PacketSize <= 120));
        var counts = decoded.Select(d => d.FeedbackCount).Distinct().ToList();
        Assert.True(counts.Count > 10);
        Assert.Equal(Enumerable.Range(0, counts.Count).Select(i => (byte)i), counts); // 0, 1, 2, ... in order
    }

    [Fact]
    public void TwccDraft01_3_1_DeltaBeyond16BitsStartsNewPacket()
    {
        var builder = new TransportWideFeedbackBuilder();
        builder.OnPacket(10, 1_000_000);
        builder.OnPacket(11, 1_010_000);
        builder.OnPacket(12, 11_000_000); // 10 s later: more than a large delta holds (8.19 s)
        builder.OnPacket(13, 11_000_300);
        var buffer = new byte[1500];
        int written = builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB);
        var decoded = Decode(buffer.AsSpan(0, written));
        Assert.Equal(2, decoded.Select(d => d.FeedbackCount).Distinct().Count());
        AssertCovers(decoded, 10, 4, new Dictionary<ushort, long> { [10] = 1_000_000, [11] = 1_010_000, [12] = 11_000_000, [13] = 11_000_300 });
    }

    [Fact]
    public void TwccDraft01_3_1_LatePacketAfterFeedbackIsIgnored()
    {
        var builder = new TransportWideFeedbackBuilder();
        builder.OnPacket(100, 1_000_000);
        builder.OnPacket(102, 1_002_000);
        var buffer = new byte[1500];
        var decoded = Decode(buffer.AsSpan(0, builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB)));
        AssertCovers(decoded, 100, 3, new Dictionary<ushort, long> { [100] = 1_000_000, [102] = 1_002_000 });

        builder.OnPacket(101, 1_003_000); // already reported lost
        Assert.Equal(1, builder.LatePackets);
        Assert.False(builder.HasPendingFeedback);
        builder.OnPacket(104, 1_004_000);
        decoded = Decode(buffer.AsSpan(0, builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB)));
        AssertCovers(decoded, 103, 2, new Dictionary<ushort, long> { [104] = 1_004_000 });
        Assert.All(decoded, d => Assert.Equal(1, d.FeedbackCount));
    }

    [Fact]
    public void TwccDraft01_3_1_ReorderedBeforeFirstFeedbackMovesTheStartBack()
    {
        var builder = new TransportWideFeedbackBuilder();
        builder.OnPacket(1, 1_000_000);
        builder.OnPacket(65535, 999_000); // earlier sequence, across the wrap
        var buffer = new byte[1500];
        var decoded = Decode(buffer.AsSpan(0, builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB)));
        AssertCovers(decoded, 65535, 3, new Dictionary<ushort, long> { [65535] = 999_000, [1] = 1_000_000 });
    }

    [Fact]
    public void TwccDraft01_3_1_SmallDestinationLeavesTheRestPending()
    {
        var builder = new TransportWideFeedbackBuilder(maxPacketSize: 64);
        var arrivals = new Dictionary<ushort, long>();
        for (int i = 0; i < 200; i++)
        {
            long t = 2_000_000 + (i * 5_000) + (i % 2 * 70_000); // alternating small/large deltas
            arrivals[(ushort)i] = t;
            builder.OnPacket((ushort)i, t);
        }

        var buffer = new byte[100];
        var all = new List<Decoded>();
        int rounds = 0;
        while (builder.HasPendingFeedback)
        {
            int written = builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB);
            Assert.InRange(written, 24, 100);
            var decoded = Decode(buffer.AsSpan(0, written));
            Assert.All(decoded, d => Assert.True(d.PacketSize <= 64));
            all.AddRange(decoded);
            rounds++;
        }

        Assert.True(rounds > 3);
        AssertCovers(all, 0, 200, arrivals);
        Assert.Equal(0, builder.BuildFeedback(new byte[10], 0xAAAA, 0xBBBB));
    }

    [Fact]
    public void TwccDraft01_3_1_4_BuilderWritesOneBitVectorByteExact()
    {
        var builder = new TransportWideFeedbackBuilder();
        for (int i = 0; i < 14; i++)
        {
            if (i != 3)
            {
                builder.OnPacket((ushort)i, 64_000_000 + (1_000 * i)); // 1 ms apart, seq 3 lost
            }
        }

        var buffer = new byte[1200];
        int written = builder.BuildFeedback(buffer, 0xAAAA, 0xBBBB);
        byte[] expected =
        [
            0x8F, 0xCD, 0x00, 0x08, // V=2 P=0 FMT=15, PT=205, length 8 (36 bytes)
            0x00, 0x00, 0xAA, 0xAA, // SSRC of packet sender
            0x00, 0x00, 0xBB, 0xBB, // SSRC of media source
            0x00, 0x00, 0x00, 0x0E, // base sequence 0, status count 14
            0x00, 0x03, 0xE8, 0x00, // reference time 1000 (64 s), feedback packet count 0
            0xBB, 0xFF,             // 1-bit vector: 1 1 1 0 1 1 1 1 1 1 1 1 1 1
            0x00, 0x04, 0x04, 0x08, // deltas in 250 µs ticks: seq 0, 1, 2, 4 (2 ms over the lost one)
            0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04, // seq 5..13
            0x00,                   // zero padding
        ];
        Assert.Equal(expected, buffer[..written]);
    }
}
