using System.Buffers;
using System.Diagnostics;
using CoStream.Mixer.Ingest;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Mixer.Tests.Ingest;

/// <summary>
/// <see cref="JitterBuffer"/>: frames by marker bit / timestamp change, reordering by unwrapped sequence
/// number (RFC 3550 §A.1), the latency target for gaps, and the per-reason counters. Time is given, not waited.
/// </summary>
public class JitterBufferTests
{
    private static readonly long TicksPerMs = Stopwatch.Frequency / 1000;
    private readonly IngestCounters _counters = new();

    private static (byte[] Array, int Length) Packet(ushort sequence, uint timestamp, bool marker, byte tag = 0xAA)
    {
        var array = ArrayPool<byte>.Shared.Rent(64);
        var writer = new RtpPacketWriter(array, 96, sequence, timestamp, 1, marker);
        return (array, writer.Complete([tag, (byte)sequence]));
    }

    private JitterBuffer Buffer(int maxWaitMs = 50, bool packetIsFrame = false, int capacity = 64) =>
        new(new JitterBufferOptions { MaxWaitMs = maxWaitMs, PacketIsFrame = packetIsFrame, Capacity = capacity }, _counters);

    private static IngestDropReason Insert(JitterBuffer buffer, ushort sequence, uint timestamp, bool marker, double atMs)
    {
        var (array, length) = Packet(sequence, timestamp, marker);
        return buffer.Insert(array, length, (long)(atMs * TicksPerMs));
    }

    /// <summary>Every frame ready at <paramref name="nowMs"/>, as the sequence numbers it holds (low 16 bits) and its loss flag.</summary>
    private static List<(ushort[] Sequences, bool AfterLoss)> Take(JitterBuffer buffer, double nowMs)
    {
        var frames = new List<(ushort[], bool)>();
        while (buffer.TryTakeFrame((long)(nowMs * TicksPerMs), out var frame))
            frames.Add((frame.Packets.Select(p => (ushort)p.ExtendedSequence).ToArray(), frame.AfterLoss));
        return frames;
    }

    [Fact]
    public void InOrderFrames_EndAtTheMarker_AndGoOutAtOnce()
    {
        using var buffer = Buffer();
        Insert(buffer, 10, 1000, false, 0);
        Insert(buffer, 11, 1000, false, 0);
        Assert.Empty(Take(buffer, 0)); // no marker yet
        Insert(buffer, 12, 1000, true, 1);
        Insert(buffer, 13, 4000, true, 34);

        var frames = Take(buffer, 34);
        Assert.Equal([(ushort)10, 11, 12], frames[0].Sequences);
        Assert.True(frames[0].AfterLoss); // the first frame of a stream: its start may have been missed
        Assert.Equal([(ushort)13], frames[1].Sequences);
        Assert.False(frames[1].AfterLoss);
    }

    [Fact]
    public void TimestampChange_EndsAFrameWithoutMarker()
    {
        using var buffer = Buffer();
        Insert(buffer, 1, 1000, false, 0);
        Insert(buffer, 2, 1000, false, 0);
        Insert(buffer, 3, 4000, false, 33);
        var frames = Take(buffer, 33);
        Assert.Equal([(ushort)1, 2], Assert.Single(frames).Sequences);
    }

    [Fact]
    public void Reordered_AcrossTheSequenceWrap_ComeOutInOrder()
    {
        using var buffer = Buffer();
        Insert(buffer, 65534, 1000, true, 0);
        Assert.Single(Take(buffer, 0));
        Insert(buffer, 1, 4000, true, 10);      // 65535 and 0 missing for now
        Insert(buffer, 0, 4000, false, 11);
        Assert.Empty(Take(buffer, 12));
        Insert(buffer, 65535, 4000, false, 12);
        var frames = Take(buffer, 12);
        Assert.Equal([(ushort)65535, 0, 1], Assert.Single(frames).Sequences);
        Assert.False(frames[0].AfterLoss);
        Assert.Equal(0, _counters.Dropped(IngestDropReason.Lost));
    }

    [Fact]
    public void Gap_IsWaitedForUpToTheLatencyTarget_ThenCountedLost_AndThePartialFrameDropped()
    {
        using var buffer = Buffer(maxWaitMs: 50);
        Insert(buffer, 1, 1000, true, 0);
        Take(buffer, 0);
        Insert(buffer, 2, 4000, false, 30);     // first packet of frame 2
        // 3 (its marker packet) is lost
        Insert(buffer, 4, 7000, true, 60);      // frame 3, complete on its own
        Assert.Empty(Take(buffer, 60));
        Assert.Empty(Take(buffer, 109));        // 49 ms after the packet that showed the gap
        var frames = Take(buffer, 110);
        Assert.Equal([(ushort)4], Assert.Single(frames).Sequences);
        Assert.True(frames[0].AfterLoss);
        Assert.Equal(1, _counters.Dropped(IngestDropReason.Lost));
        Assert.Equal(1, _counters.Dropped(IngestDropReason.IncompleteFrame));
    }

    [Fact]
    public void LateDuplicateAndMalformed_AreRefusedWithTheirReason()
    {
        using var buffer = Buffer();
        Insert(buffer, 5, 1000, true, 0);
        Take(buffer, 0);
        Assert.Equal(IngestDropReason.Late, Insert(buffer, 4, 1000, false, 1));
        Insert(buffer, 7, 2000, true, 2);
        Assert.Equal(IngestDropReason.Duplicate, Insert(buffer, 7, 2000, true, 3));
        var garbage = ArrayPool<byte>.Shared.Rent(16);
        garbage[0] = 0x00; // version 0
        Assert.Equal(IngestDropReason.MalformedRtp, buffer.Insert(garbage, 5, 0));
        var (wrongType, length) = Packet(8, 3000, true);
        Assert.Equal(IngestDropReason.UnexpectedPayloadType, buffer.Insert(wrongType, length, 0, expectedPayloadType: 100));
        Assert.Equal(1, _counters.Dropped(IngestDropReason.Late));
        Assert.Equal(1, _counters.Dropped(IngestDropReason.Duplicate));
        Assert.Equal(1, _counters.Dropped(IngestDropReason.MalformedRtp));
        Assert.Equal(1, _counters.Dropped(IngestDropReason.UnexpectedPayloadType));
    }

    [Fact]
    public void JumpBeyondTheRing_FlushesAndRestartsThere()
    {
        using var buffer = Buffer(capacity: 16);
        Insert(buffer, 1, 1000, true, 0);
        Take(buffer, 0);
        Insert(buffer, 3, 2000, false, 1);      // 2 missing: waiting
        Insert(buffer, 500, 9000, true, 2);     // far ahead of the ring
        var frames = Take(buffer, 2);
        Assert.Equal([(ushort)500], Assert.Single(frames).Sequences);
        Assert.True(frames[0].AfterLoss);
        Assert.Equal(1, _counters.Dropped(IngestDropReason.BufferOverflow));
    }

    [Fact]
    public void SenderJumpingBackInSequence_IsFollowedAfterARunOfLatePackets()
    {
        using var buffer = Buffer(packetIsFrame: true);
        for (ushort s = 40_000; s < 40_010; s++) Insert(buffer, s, s * 960u, false, s - 40_000);
        Assert.Equal(10, Take(buffer, 10).Count);
        // The sender restarts its sequence 20 000 lower (same SSRC): each packet looks late...
        var taken = 0;
        for (ushort s = 20_000; s < 20_000 + JitterBuffer.LateRunRestart + 10; s++)
        {
            Insert(buffer, s, s * 960u, false, 20);
            taken += Take(buffer, 20).Count;
        }
        // ...until a run of them shows it is a new sequence, which is then followed.
        Assert.Equal(JitterBuffer.LateRunRestart - 1, _counters.Dropped(IngestDropReason.Late));
        Assert.Equal(11, taken);
    }

    [Fact]
    public void Audio_EveryPacketIsAFrame_AndALostOneIsSkippedAfterTheWait()
    {
        using var buffer = Buffer(maxWaitMs: 40, packetIsFrame: true);
        Insert(buffer, 100, 0, true, 0);        // Opus marker = talkspurt start, not frame end
        Insert(buffer, 101, 960, false, 20);
        Insert(buffer, 103, 2880, false, 60);   // 102 lost
        Assert.Equal(2, Take(buffer, 60).Count);
        var frames = Take(buffer, 100);
        Assert.Equal([(ushort)103], Assert.Single(frames).Sequences);
        Assert.Equal(1, _counters.Dropped(IngestDropReason.Lost));
    }

    [Fact]
    public void RandomOrderAndLoss_NeverThrow_AndEveryPacketIsAccountedFor()
    {
        var random = new Random(7);
        using var buffer = Buffer(maxWaitMs: 20, capacity: 256);
        ushort sequence = 65000;
        var sent = 0;
        var delivered = 0;
        double now = 0;
        var pending = new List<(ushort Seq, uint Ts, bool Marker)>();
        for (var frame = 0; frame < 2000; frame++)
        {
            var packets = random.Next(1, 6);
            for (var k = 0; k < packets; k++) pending.Add((sequence++, (uint)(frame * 3000), k == packets - 1));
            sent += packets;
            if (pending.Count > 8 || frame == 1999)
            {
                foreach (var p in pending.OrderBy(_ => random.Next()))
                {
                    if (random.Next(100) < 3) continue;               // 3 % loss
                    if (random.Next(100) < 2) Insert(buffer, p.Seq, p.Ts, p.Marker, now); // duplicates
                    Insert(buffer, p.Seq, p.Ts, p.Marker, now);
                    now += 0.5;
                }
                pending.Clear();
            }
            delivered += Take(buffer, now).Sum(f => f.Sequences.Length);
        }
        delivered += Take(buffer, now + 1000).Sum(f => f.Sequences.Length);
        Assert.True(delivered > sent * 8 / 10, $"{delivered} of {sent} delivered");
        Assert.True(_counters.Dropped(IngestDropReason.Lost) > 0);
        Assert.True(_counters.Dropped(IngestDropReason.Duplicate) > 0);
    }
}
