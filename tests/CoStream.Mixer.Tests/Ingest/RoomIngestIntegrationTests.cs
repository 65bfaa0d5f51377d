using System.Collections.Concurrent;
using System.Diagnostics;
using CoStream.LoadTest.Client;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Ingest;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Sfu;
using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtcp;
using Xunit.Abstractions;

namespace CoStream.Mixer.Tests.Ingest;

/// <summary>
/// End to end on 127.0.0.1: a real <see cref="SfuServer"/>, two <see cref="SimPeer"/> publishers sending real
/// H.264 (libx264 solid colours cut by <see cref="H264Packetizer"/>, RFC 6184) and Opus (libopus) over
/// SRTP, and a <see cref="RoomIngest"/> on the room: both participants' frames come out, decode to each
/// one's colour, audio decodes, timestamps never go back, and audio and video captured together land together.
/// </summary>
[Collection(IngestEngineCollection.Name)]
public sealed class RoomIngestIntegrationTests(ITestOutputHelper output)
{
    private const int Frames = 60;          // 3 s at 20 fps
    private const int FrameMs = 50;
    private const int Width = 320, Height = 240;

    private sealed record Publisher(string Name, SimPeer Peer, (byte Y, byte U, byte V) Colour, uint VideoBase, uint AudioBase);

    private sealed record VideoRecord(long Ms, uint Ts, bool Key, byte[] Data, int Width = 0, int Height = 0);
    private sealed record AudioRecord(long Ms, uint Ts, byte[] Data);

    [Fact]
    public async Task TwoPublishers_H264AndOpus_AreIngested_DecodeToTheirColours_WithMonotonicAndAlignedTimestamps()
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "ingest-e2e";
        using var ingest = RoomIngest.Attach(sfu, room);
        var video = new ConcurrentDictionary<string, ConcurrentQueue<VideoRecord>>();
        var audio = new ConcurrentDictionary<string, ConcurrentQueue<AudioRecord>>();
        var videoReader = Task.Run(async () =>
        {
            await foreach (var f in ingest.VideoFrames.ReadAllAsync())
                using (f) video.GetOrAdd(f.Participant, _ => new()).Enqueue(new VideoRecord(f.MediaTimeMs, f.RtpTimestamp, f.IsKeyFrame, f.Data.ToArray(), f.Width, f.Height));
        });
        var audioReader = Task.Run(async () =>
        {
            await foreach (var f in ingest.AudioFrames.ReadAllAsync())
                using (f) audio.GetOrAdd(f.Participant, _ => new()).Enqueue(new AudioRecord(f.MediaTimeMs, f.RtpTimestamp, f.Payload.ToArray()));
        });

        var publishers = new List<Publisher>();
        try
        {
            foreach (var (name, colour) in new[] { ("alice", Colours.Palette[0]), ("bob", Colours.Palette[2]) })
            {
                var peer = await SimPeer.PublishAsync(async (offer, ct) =>
                {
                    var result = await sfu.PublishAsync(room, name, offer, ct);
                    Assert.True(result.Ok, result.Error);
                    return result.Sdp!;
                }, new SimPeerOptions { VideoCodec = "H264", StartMediaOnConnect = false, ConnectTimeoutMs = 15_000 });
                publishers.Add(new Publisher(name, peer, colour, (uint)Random.Shared.NextInt64(0, uint.MaxValue), (uint)Random.Shared.NextInt64(0, uint.MaxValue)));
            }
            long allocated0 = sfu.LoopAllocatedBytes, datagrams0 = sfu.DatagramsReceived;
            await Task.WhenAll(publishers.Select(p => Task.Run(() => Publish(p))));
            long allocated = sfu.LoopAllocatedBytes - allocated0, datagrams = sfu.DatagramsReceived - datagrams0;
            output.WriteLine($"SFU loop with the ingest tap: {allocated} bytes allocated for {datagrams} datagrams received ({(double)allocated / Math.Max(1, datagrams):F2} bytes/datagram, periodic work included)");
            await EngineWait(() => publishers.All(p => video.TryGetValue(p.Name, out var q) && q.Count >= Frames * 3 / 4));
            await Task.Delay(300);
        }
        finally
        {
            ingest.Dispose();
            await Task.WhenAll(videoReader, audioReader);
            foreach (var p in publishers) await p.Peer.DisposeAsync();
        }

        output.WriteLine(ingest.Counters.ToString());
        foreach (var p in publishers)
        {
            Assert.True(video.TryGetValue(p.Name, out var frames), $"no video from {p.Name}");
            Assert.True(audio.TryGetValue(p.Name, out var sounds), $"no audio from {p.Name}");
            var v = frames!.ToArray();
            var a = sounds!.ToArray();
            output.WriteLine($"{p.Name}: {v.Length} video frames ({v.Count(f => f.Key)} keyframes), {a.Length} audio frames, PLIs received {p.Peer.Stats.Snapshot().PlisReceived}");
            Assert.True(v.Length >= Frames * 3 / 4, $"{p.Name}: {v.Length} of {Frames} video frames; {ingest.Counters}");
            Assert.True(a.Length >= Frames * 5 / 2 * 3 / 4, $"{p.Name}: {a.Length} audio frames; {ingest.Counters}");
            Assert.True(v[0].Key, "video starts on a keyframe");
            Assert.All(v, f => Assert.Equal((Width, Height), (f.Width, f.Height))); // from the SPS

            // Decodes, to this publisher's colour.
            using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason);
            Assert.True(decoder != null, reason);
            var pictures = new List<I420Frame>();
            foreach (var f in v) Assert.True(decoder!.Decode(f.Data, f.Ms, pictures).Ok, decoder.LastRefusal);
            Assert.True(decoder!.Flush(pictures).Ok);
            Assert.Equal(v.Length, pictures.Count);
            foreach (var picture in pictures)
            {
                Assert.Equal((Width, Height), (picture.Width, picture.Height));
                Assert.InRange(picture.MeanOf(0), p.Colour.Y - 4, p.Colour.Y + 4);
                Assert.InRange(picture.MeanOf(1), p.Colour.U - 4, p.Colour.U + 4);
                Assert.InRange(picture.MeanOf(2), p.Colour.V - 4, p.Colour.V + 4);
            }
            using var opus = OpusDecoder.TryCreate(1, out reason);
            Assert.True(opus != null, reason);
            var pcm = new short[OpusDecoder.MaxSamplesPerChannel];
            foreach (var f in a)
            {
                Assert.True(opus!.Decode(f.Data, pcm, out var samples).Ok, opus.LastRefusal);
                Assert.Equal(960, samples);
            }

            // Media-clock timestamps: never back, per track; inside the room clock's past.
            Assert.True(v.Zip(v.Skip(1)).All(x => x.Second.Ms >= x.First.Ms), "video media time went back");
            Assert.True(a.Zip(a.Skip(1)).All(x => x.Second.Ms >= x.First.Ms), "audio media time went back");
            var now = sfu.Clocks.Get(room).NowMs;
            Assert.All(v, f => Assert.InRange(f.Ms, 0, now));

            // A/V: a video frame and an audio frame captured at the same instant (sender time i·50 ms = j·20 ms) land within a bound.
            var audioByTs = a.ToDictionary(f => f.Ts);
            var gaps = new List<long>();
            foreach (var f in v)
            {
                var senderMs = (long)(uint)(f.Ts - p.VideoBase) / 90;
                if (senderMs % 100 != 0 || senderMs < Frames * FrameMs / 2) continue; // second half: sender reports are in
                if (audioByTs.TryGetValue(unchecked(p.AudioBase + (uint)(senderMs * 48)), out var match)) gaps.Add(f.Ms - match.Ms);
            }
            output.WriteLine($"{p.Name}: video − audio media time for the same capture instant: {string.Join(", ", gaps)} ms");
            Assert.True(gaps.Count >= 5, $"{p.Name}: only {gaps.Count} matched pairs");
            Assert.All(gaps, g => Assert.InRange(g, -25, 25));
        }
        Assert.Equal(0, ingest.Counters.Dropped(IngestDropReason.MalformedPayload));
    }

    /// <summary>Paces one publisher: a frame every 50 ms (keyframe at the start and on each PLI), Opus every 20 ms of sender time, sender reports every 500 ms.</summary>
    private static void Publish(Publisher p, int dropFrame = -1)
    {
        using var encoder = VideoEncoder.TryCreate(new VideoEncoderOptions
        {
            Width = Width, Height = Height, Fps = 1000 / FrameMs, GopFrames = 1000, Preset = "ultrafast", Tune = "zerolatency", BitrateBitsPerSecond = 400_000,
        }, out var reason);
        Assert.True(encoder != null, reason);
        using var opus = OpusEncoder.TryCreate(1, 32000, out reason);
        Assert.True(opus != null, reason);
        var payload = new byte[1200];
        var opusPacket = new byte[OpusEncoder.MaxPacketSize];
        var pcm = new short[960];
        var encoded = new List<EncodedVideoFrame>();
        var start = Stopwatch.GetTimestamp();
        var plis = p.Peer.Stats.Snapshot().PlisReceived;
        var audioSent = 0;
        for (var i = 0; i < Frames; i++)
        {
            var wait = TimeSpan.FromMilliseconds(i * FrameMs) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            var pliCount = p.Peer.Stats.Snapshot().PlisReceived;
            var force = i == 0 || pliCount != plis;
            plis = pliCount;
            encoded.Clear();
            Assert.True(encoder!.Encode(I420Frame.Solid(Width, Height, p.Colour.Y, p.Colour.U, p.Colour.V, i), force, encoded).Ok);
            var timestamp = unchecked(p.VideoBase + (uint)(i * FrameMs * 90));
            foreach (var accessUnit in encoded)
            {
                var packetizer = new H264Packetizer(accessUnit.Data, payload.Length);
                int n;
                var k = 0;
                while ((n = packetizer.Next(payload, out var last)) > 0)
                {
                    if (i == dropFrame && k++ == 0) p.Peer.SkipVideoPacket();
                    else p.Peer.SendVideoPayload(payload.AsSpan(0, n), timestamp, last);
                }
            }
            for (; audioSent * 20 <= i * FrameMs; audioSent++)
            {
                for (var k = 0; k < pcm.Length; k++) pcm[k] = (short)(6000 * Math.Sin(2 * Math.PI * 330 * (audioSent * 960 + k) / 48000.0));
                Assert.True(opus!.Encode(pcm, opusPacket, out var written).Ok);
                p.Peer.SendAudioPayload(opusPacket.AsSpan(0, written), unchecked(p.AudioBase + (uint)(audioSent * 960)), audioSent == 0);
            }
            if (i % 10 == 1)
            {
                var elapsedUs = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                var ntp = NtpTime.FromUnixMicroseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
                p.Peer.SendSenderReports(ntp, unchecked(p.VideoBase + (uint)(elapsedUs * 90 / 1000)), unchecked(p.AudioBase + (uint)(elapsedUs * 48 / 1000)));
            }
        }
    }

    [Fact]
    public async Task UnrepairableLoss_IngestAsksForAKeyFrame_ThePublisherSendsOne_AndDecodingResumes()
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "ingest-loss";
        using var ingest = RoomIngest.Attach(sfu, room);
        var frames = new ConcurrentQueue<VideoRecord>();
        var reader = Task.Run(async () =>
        {
            await foreach (var f in ingest.VideoFrames.ReadAllAsync())
                using (f) frames.Enqueue(new VideoRecord(f.MediaTimeMs, f.RtpTimestamp, f.IsKeyFrame, f.Data.ToArray()));
        });
        var drain = Task.Run(async () =>
        {
            await foreach (var f in ingest.AudioFrames.ReadAllAsync()) f.Dispose();
        });
        SimPeer? peer = null;
        try
        {
            peer = await SimPeer.PublishAsync(async (offer, ct) =>
            {
                var result = await sfu.PublishAsync(room, "carol", offer, ct);
                Assert.True(result.Ok, result.Error);
                return result.Sdp!;
            }, new SimPeerOptions { VideoCodec = "H264", StartMediaOnConnect = false, ConnectTimeoutMs = 15_000 });
            var publisher = new Publisher("carol", peer, Colours.Palette[1], 1000, 2000);
            await Task.Run(() => Publish(publisher, dropFrame: 20));
            await EngineWait(() => frames.Count >= Frames - 15);
            await Task.Delay(300);
        }
        finally
        {
            ingest.Dispose();
            await Task.WhenAll(reader, drain);
            if (peer is not null) await peer.DisposeAsync();
        }

        output.WriteLine(ingest.Counters.ToString());
        var v = frames.ToArray();
        var indices = v.Select(f => (int)((f.Ts - 1000u) / (FrameMs * 90))).ToArray();
        output.WriteLine($"frames received: {string.Join(",", indices)}; keyframes at {string.Join(",", v.Where(f => f.Key).Select(f => (f.Ts - 1000u) / (FrameMs * 90)))}; PLIs at the publisher {peer!.Stats.Snapshot().PlisReceived}");
        Assert.True(indices.Take(20).SequenceEqual(Enumerable.Range(0, 20)), "frames before the loss all arrive");
        Assert.DoesNotContain(20, indices);
        Assert.True(ingest.Counters.Dropped(IngestDropReason.Lost) >= 1);
        Assert.True(peer.Stats.Snapshot().PlisReceived >= 1, "the publisher got no PLI");
        var resumed = v.SkipWhile(f => (f.Ts - 1000u) / (FrameMs * 90) < 20).ToArray();
        Assert.NotEmpty(resumed);
        Assert.True(resumed[0].Key, "after the loss the ingest resumes on a keyframe");
        Assert.True(indices.Last() >= Frames - 5, $"the stream resumed (last frame {indices.Last()})");

        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        foreach (var f in v) Assert.True(decoder!.Decode(f.Data, f.Ms, pictures).Ok, decoder.LastRefusal);
        Assert.True(decoder!.Flush(pictures).Ok);
        Assert.Equal(v.Length, pictures.Count);
        Assert.All(pictures, picture => Assert.InRange(picture.MeanOf(0), Colours.Palette[1].Y - 4, Colours.Palette[1].Y + 4));
    }

    /// <summary>
    /// The real ingest tap on the SFU loop (pooled copy + enqueue): forwarding a 1000 packets/s VP8 publisher to four
    /// players (as ForwardingAllocationTests, so the loop's per-second periodic work is spread alike) while <see cref="RoomIngest"/> turns the same packets into frames allocates under one byte per forwarded
    /// packet on the loop (a count, not a timing; the loop's periodic work is included).
    /// </summary>
    [Fact]
    public async Task WithRoomIngestAttached_SfuForwarding_AllocatesLessThanOneBytePerPacketOnTheLoop()
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "ingest-alloc";
        using var ingest = RoomIngest.Attach(sfu, room);
        var videoFrames = 0L;
        var drains = new[]
        {
            Task.Run(async () => { await foreach (var f in ingest.VideoFrames.ReadAllAsync()) { f.Dispose(); Interlocked.Increment(ref videoFrames); } }),
            Task.Run(async () => { await foreach (var f in ingest.AudioFrames.ReadAllAsync()) f.Dispose(); }),
        };
        var peers = new List<SimPeer>();
        try
        {
            var options = new SimPeerOptions { VideoPacketsPerSecond = 1000, FramesPerSecond = 20, VideoPayloadBytes = 600, KeyFrameInterval = 100_000, ConnectTimeoutMs = 15_000 };
            peers.Add(await SimPeer.PublishAsync(async (offer, ct) => (await sfu.PublishAsync(room, "pub", offer, ct)).Sdp!, options));
            for (var i = 0; i < 4; i++)
                peers.Add(await SimPeer.PlayAsync(async (offer, ct) => (await sfu.PlayAsync(room, $"player{i}", offer, "pub", ct)).Sdp!, options));

            var warmUp = 4 * sfu.Options.RetransmissionBufferPackets * 3 / 2;
            var start = sfu.Counters.Read("rtp.forwarded");
            await EngineWait(() => sfu.Counters.Read("rtp.forwarded") - start >= warmUp, 30_000);
            long forwarded0 = sfu.Counters.Read("rtp.forwarded"), allocated0 = sfu.LoopAllocatedBytes, frames0 = Interlocked.Read(ref videoFrames);
            await EngineWait(() => sfu.Counters.Read("rtp.forwarded") - forwarded0 >= 16_000, 60_000);
            long forwarded = sfu.Counters.Read("rtp.forwarded") - forwarded0, allocated = sfu.LoopAllocatedBytes - allocated0;
            long frames = Interlocked.Read(ref videoFrames) - frames0;
            var perPacket = (double)allocated / Math.Max(1, forwarded);
            output.WriteLine($"RoomIngest attached: {allocated} bytes allocated by the loop for {forwarded} forwarded packets ({perPacket:F3} bytes/packet) while the ingest produced {frames} video frames; {ingest.Counters}");
            Assert.True(forwarded >= 16_000, $"only {forwarded} packets forwarded");
            Assert.True(frames > 0, "the ingest produced no frames");
            Assert.True(perPacket < 1.0, $"{perPacket:F3} bytes allocated per forwarded packet");
        }
        finally
        {
            foreach (var p in peers) await p.DisposeAsync();
            ingest.Dispose();
            await Task.WhenAll(drains);
        }
    }

    private static async Task EngineWait(Func<bool> condition, int deadlineMs = 10_000)
    {
        var end = Environment.TickCount64 + deadlineMs;
        while (!condition() && Environment.TickCount64 < end) await Task.Delay(20);
    }
}

/// <summary>Tests that start an SFU and SimPeers run one at a time (2 shared cores).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IngestEngineCollection
{
    public const string Name = "ingest-engine";
}
