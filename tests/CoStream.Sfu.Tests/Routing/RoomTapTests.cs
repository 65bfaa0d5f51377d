using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Routing;
using CoStream.Sfu.Tests.Harness;
using Xunit.Abstractions;

namespace CoStream.Sfu.Tests.Routing;

/// <summary>
/// <see cref="SfuServer.AttachRoomTap"/>: an in-process listener sees every decrypted inbound RTP packet and
/// sender report of every producer of its room (present and later ones) with the track's codec, plus
/// producers coming and going; detaching stops it; <see cref="SfuServer.RequestKeyFrame"/> reaches the
/// publisher as a PLI; and forwarding with a tap attached still allocates ~nothing on the loop.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class RoomTapTests(ITestOutputHelper output)
{
    private sealed class RecordingTap : IRoomTap
    {
        public readonly ConcurrentQueue<(string Event, TapTrack Track)> Events = new();
        public readonly ConcurrentQueue<(TapTrack Track, uint Ssrc, RtpHeader Header, long Ticks, int Thread)> Packets = new();
        public readonly ConcurrentQueue<(TapTrack Track, uint Ssrc, ulong Ntp, uint Rtp)> Reports = new();

        public void OnProducerAdded(TapTrack track) => Events.Enqueue(("added", track));
        public void OnProducerRemoved(TapTrack track) => Events.Enqueue(("removed", track));

        public void OnRtp(TapTrack track, uint ssrc, ReadOnlySpan<byte> packet, long arrivalTicks)
        {
            Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out var header, out _));
            Packets.Enqueue((track, ssrc, header, arrivalTicks, Environment.CurrentManagedThreadId));
        }

        public void OnSenderReport(TapTrack track, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, long arrivalTicks) =>
            Reports.Enqueue((track, ssrc, ntpTimestamp, rtpTimestamp));

        public int PacketsOf(string participant) => Packets.Count(p => p.Track.Participant == participant);
    }

    [Fact]
    public async Task Tap_SeesEveryProducerOfItsRoom_NowAndLater_WithCodec_Packets_SenderReports_AndRemovals()
    {
        await using var engine = EngineHarness.Start();
        var early = new RecordingTap();
        using var earlySubscription = engine.Sfu.AttachRoomTap("tap", early);      // before anyone publishes
        var other = new RecordingTap();
        using var otherRoom = engine.Sfu.AttachRoomTap("elsewhere", other);
        var alice = await engine.PublishAsync("tap", "alice");
        var late = new RecordingTap();
        using var lateSubscription = engine.Sfu.AttachRoomTap("tap", late);        // after alice published
        var bob = await engine.PublishAsync("tap", "bob");

        Assert.True(await EngineHarness.WaitUntilAsync(() => early.PacketsOf("bob") > 50 && late.PacketsOf("alice") > 50 && early.Reports.Count(r => r.Track.Participant == "bob") >= 2),
            $"packets: {early.Packets.Count}, reports: {early.Reports.Count}");

        foreach (var tap in new[] { early, late })
        {
            var added = tap.Events.Where(e => e.Event == "added").Select(e => e.Track).ToArray();
            Assert.Equal(4, added.Length); // alice's and bob's audio + video
            var aliceVideo = Assert.Single(added, t => t.Participant == "alice" && t.Kind == MediaKind.Video);
            Assert.Equal(("VP8", 90000, (byte)96), (aliceVideo.CodecName, aliceVideo.ClockRate, aliceVideo.PayloadType));
            var aliceAudio = Assert.Single(added, t => t.Participant == "alice" && t.Kind == MediaKind.Audio);
            Assert.Equal(("opus", 48000, (byte)111), (aliceAudio.CodecName, aliceAudio.ClockRate, aliceAudio.PayloadType));
        }
        var packets = early.Packets.ToArray();
        Assert.All(packets, p => Assert.Equal(p.Header.Ssrc, p.Ssrc));
        Assert.All(packets, p => Assert.Equal(p.Track.PayloadType, p.Header.PayloadType));
        Assert.All(packets.Where(p => p.Track.Participant == "alice" && p.Track.Kind == MediaKind.Video), p => Assert.Equal(alice.Peer.VideoSsrc, p.Ssrc));
        Assert.All(packets.Where(p => p.Track.Participant == "bob" && p.Track.Kind == MediaKind.Audio), p => Assert.Equal(bob.Peer.AudioSsrc, p.Ssrc));
        Assert.Single(packets.Select(p => p.Thread).Distinct()); // all on the one loop thread
        var now = Stopwatch.GetTimestamp();
        Assert.All(packets, p => Assert.InRange(p.Ticks, now - 60 * Stopwatch.Frequency, now)); // Stopwatch ticks
        var reports = early.Reports.ToArray();
        Assert.Contains(reports, r => r.Ssrc == bob.Peer.VideoSsrc && r.Track.Kind == MediaKind.Video);
        Assert.Contains(reports, r => r.Ssrc == bob.Peer.AudioSsrc && r.Track.Kind == MediaKind.Audio);
        Assert.Empty(other.Packets);
        Assert.Empty(other.Events);

        // A producer leaving is announced; a detached tap hears nothing more.
        await alice.Peer.DisposeAsync();
        await engine.Sfu.CloseTransportAsync(alice.TransportId);
        Assert.True(await EngineHarness.WaitUntilAsync(() => early.Events.Count(e => e.Event == "removed" && e.Track.Participant == "alice") == 2));
        lateSubscription.Dispose();
        await engine.Sfu.GetRoomAsync("tap"); // a loop turn
        var lateCount = late.Packets.Count;
        var earlyCount = early.Packets.Count;
        Assert.True(await EngineHarness.WaitUntilAsync(() => early.Packets.Count > earlyCount + 50));
        Assert.Equal(lateCount, late.Packets.Count);
    }

    [Fact]
    public async Task RequestKeyFrame_ReachesThePublisherAsAPli_AndIsFalseForAnUnknownParticipant()
    {
        await using var engine = EngineHarness.Start();
        var publisher = await engine.PublishAsync("tapkey", "pub");
        Assert.True(await EngineHarness.WaitUntilAsync(() => publisher.Peer.Stats.Snapshot().PacketsSent >= 100));
        var before = publisher.Peer.Stats.Snapshot();

        Assert.True(await engine.Sfu.RequestKeyFrame("tapkey", "pub"));
        Assert.False(await engine.Sfu.RequestKeyFrame("tapkey", "nobody"));
        Assert.False(await engine.Sfu.RequestKeyFrame("no-such-room", "pub"));
        Assert.True(await EngineHarness.WaitUntilAsync(() => publisher.Peer.Stats.Snapshot().Minus(before).PlisReceived >= 1), "no PLI reached the publisher");
        Assert.True(await EngineHarness.WaitUntilAsync(() => publisher.Peer.Stats.Snapshot().Minus(before).KeyFramesSent >= 1));
    }

    /// <summary>The tap the mixer uses, in miniature: a pooled copy and an enqueue on the loop, the work on another thread.</summary>
    private sealed class QueueingTap : IRoomTap, IDisposable
    {
        private readonly ConcurrentQueue<(byte[] Buffer, int Length)> _queue = new();
        private readonly Thread _thread;
        private volatile bool _stop;
        public long Received;

        public QueueingTap()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    while (_queue.TryDequeue(out var item)) { Interlocked.Increment(ref Received); ArrayPool<byte>.Shared.Return(item.Buffer); }
                    Thread.Sleep(2);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public void OnProducerAdded(TapTrack track) { }
        public void OnProducerRemoved(TapTrack track) { }
        public void OnSenderReport(TapTrack track, uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, long arrivalTicks) { }

        public void OnRtp(TapTrack track, uint ssrc, ReadOnlySpan<byte> packet, long arrivalTicks)
        {
            var copy = ArrayPool<byte>.Shared.Rent(packet.Length);
            packet.CopyTo(copy);
            _queue.Enqueue((copy, packet.Length));
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }

    [Fact]
    public async Task ForwardingWithATapAttached_AllocatesLessThanOneBytePerPacket()
    {
        await using var engine = EngineHarness.Start();
        using var tap = new QueueingTap();
        using var subscription = engine.Sfu.AttachRoomTap("tapalloc", tap);
        await engine.PublishAsync("tapalloc", "pub", EngineHarness.PeerOptions(videoPacketsPerSecond: 1000));
        for (int i = 0; i < 2; i++) await engine.PlayAsync("tapalloc", $"player{i}", "pub");

        // Warm up past the retransmission buffers' first lap (see ForwardingAllocationTests).
        long warmUp = 2 * engine.Sfu.Options.RetransmissionBufferPackets * 3 / 2;
        long start = engine.Sfu.Counters.Read("rtp.forwarded");
        Assert.True(await EngineHarness.WaitUntilAsync(() => engine.Sfu.Counters.Read("rtp.forwarded") - start >= warmUp, 30_000));

        long forwarded0 = engine.Sfu.Counters.Read("rtp.forwarded"), tapped0 = Interlocked.Read(ref tap.Received);
        long allocated0 = engine.Sfu.LoopAllocatedBytes;
        Assert.True(await EngineHarness.WaitUntilAsync(() => engine.Sfu.Counters.Read("rtp.forwarded") - forwarded0 >= 8000, 60_000));
        long forwarded = engine.Sfu.Counters.Read("rtp.forwarded") - forwarded0;
        long allocated = engine.Sfu.LoopAllocatedBytes - allocated0;
        long tapped = Interlocked.Read(ref tap.Received) - tapped0;

        double perPacket = (double)allocated / forwarded;
        output.WriteLine($"tap attached: {allocated} bytes allocated by the loop for {forwarded} forwarded and {tapped} tapped packets: {perPacket:F3} bytes/forwarded packet");
        Assert.True(tapped > forwarded / 4, $"the tap saw {tapped} packets");
        Assert.True(perPacket < 1.0, $"{perPacket:F3} bytes allocated per forwarded packet ({allocated} bytes, {forwarded} packets)");
    }
}
