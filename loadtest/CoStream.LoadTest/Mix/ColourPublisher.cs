using System.Diagnostics;
using CoStream.LoadTest.Client;
using CoStream.Mixer.Codecs;
using CoStream.Sfu;
using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.LoadTest.Mix;

/// <summary>
/// A test publisher into a real <see cref="SfuServer"/>: a <see cref="SimPeer"/> sending real H.264 (libx264 pictures of
/// one solid colour, RFC 6184 packets) and Opus (a sine) over SRTP, paced in real time, with sender reports, a keyframe on
/// every PLI, until stopped. Its video can be paused (a stall) and corrupted (hostile payloads) on demand.
/// </summary>
public sealed class ColourPublisher : IAsyncDisposable
{
    private readonly SimPeer _peer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly uint _videoBase = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
    private readonly uint _audioBase = (uint)Random.Shared.NextInt64(0, uint.MaxValue);

    private ColourPublisher(SimPeer peer, string name, (byte Y, byte U, byte V) colour, int width, int height, int fps, double toneHz, bool silentUntilSwitch = false)
    {
        SilentUntilSwitch = silentUntilSwitch;
        _peer = peer;
        Name = name;
        Colour = colour;
        Width = width;
        Height = height;
        Fps = fps;
        ToneHz = toneHz;
        _loop = Task.Factory.StartNew(Run, TaskCreationOptions.LongRunning);
    }

    public string Name { get; }
    public (byte Y, byte U, byte V) Colour { get; set; }
    public int Width { get; }
    public int Height { get; }
    public int Fps { get; }
    public double ToneHz { get; }
    /// <summary>While true no video is sent (audio goes on): the participant's video stalls.</summary>
    public volatile bool VideoPaused;
    /// <summary>While true every video payload is replaced by random bytes of the same size.</summary>
    public volatile bool CorruptVideo;
    public long FramesSent;

    /// <summary>
    /// Silent until <see cref="SwitchAt"/> is set: from that frame on (sender time) the video turns <see cref="SwitchColour"/>
    /// and the audio becomes the tone, from the very same instant — the cue an A/V sync test looks for in the output.
    /// </summary>
    public bool SilentUntilSwitch { get; }
    public (byte Y, byte U, byte V) SwitchColour { get; set; }
    private long _switchFrame = -1;

    /// <summary>Switches colour and tone together at the next video frame; returns that frame's sender time in ms.</summary>
    public double SwitchNow()
    {
        var frame = Interlocked.Read(ref FramesSent) + 1;
        Interlocked.Exchange(ref _switchFrame, frame);
        return frame * 1000.0 / Fps;
    }
    public string? Failure;

    /// <summary>Publishes straight into an in-process SFU (no signalling).</summary>
    public static async Task<ColourPublisher> StartAsync(SfuServer sfu, string room, string name, (byte Y, byte U, byte V) colour,
        int width = 320, int height = 240, int fps = 20, double toneHz = 330, bool silentUntilSwitch = false)
    {
        var peer = await SimPeer.PublishAsync(async (offer, ct) =>
        {
            var result = await sfu.PublishAsync(room, name, offer, ct);
            if (!result.Ok) throw new InvalidOperationException(result.Error);
            return result.Sdp!;
        }, Options);
        return new ColourPublisher(peer, name, colour, width, height, fps, toneHz, silentUntilSwitch);
    }

    /// <summary>Publishes over WHIP to a CoStream host with a room token (the publish gate applies).</summary>
    public static async Task<ColourPublisher> StartWhipAsync(string baseUrl, string room, string token, string name, (byte Y, byte U, byte V) colour,
        int width = 320, int height = 240, int fps = 20, double toneHz = 330)
    {
        var peer = await SimPeer.PublishAsync(baseUrl, room, token, Options);
        return new ColourPublisher(peer, name, colour, width, height, fps, toneHz);
    }

    private static SimPeerOptions Options => new() { VideoCodec = "H264", StartMediaOnConnect = false, ConnectTimeoutMs = 15_000 };

    private void Run()
    {
        try
        {
            using var encoder = VideoEncoder.TryCreate(new VideoEncoderOptions
            {
                Width = Width, Height = Height, Fps = Fps, GopFrames = Fps * 2, Preset = "ultrafast", Tune = "zerolatency", BitrateBitsPerSecond = 300_000,
            }, out var reason) ?? throw new InvalidOperationException(reason);
            using var opus = OpusEncoder.TryCreate(1, 32000, out reason) ?? throw new InvalidOperationException(reason);
            var payload = new byte[1200];
            var opusPacket = new byte[OpusEncoder.MaxPacketSize];
            var pcm = new short[960];
            var encoded = new List<EncodedVideoFrame>();
            var start = Stopwatch.GetTimestamp();
            var plis = _peer.Stats.Snapshot().PlisReceived;
            var frameMs = 1000.0 / Fps;
            long audioSent = 0, lastSr = -1;
            for (long i = 0; !_stop.IsCancellationRequested; i++)
            {
                var wait = TimeSpan.FromMilliseconds(i * frameMs) - Stopwatch.GetElapsedTime(start);
                if (wait > TimeSpan.Zero) Thread.Sleep(wait);
                var elapsedMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var pliCount = _peer.Stats.Snapshot().PlisReceived;
                var force = i == 0 || pliCount != plis;
                plis = pliCount;
                var switchFrame = Interlocked.Read(ref _switchFrame);
                if (switchFrame >= 0 && i == switchFrame) Colour = SwitchColour;
                if (!VideoPaused)
                {
                    encoded.Clear();
                    var c = Colour;
                    if (!encoder.Encode(I420Frame.Solid(Width, Height, c.Y, c.U, c.V, i), force, encoded).Ok) throw new InvalidOperationException(encoder.ToString());
                    var timestamp = unchecked(_videoBase + (uint)(i * frameMs * 90));
                    foreach (var accessUnit in encoded)
                    {
                        var packetizer = new H264Packetizer(accessUnit.Data, payload.Length);
                        int n;
                        while ((n = packetizer.Next(payload, out var last)) > 0)
                        {
                            if (CorruptVideo) Random.Shared.NextBytes(payload.AsSpan(0, n));
                            _peer.SendVideoPayload(payload.AsSpan(0, n), timestamp, last);
                        }
                    }
                    Interlocked.Increment(ref FramesSent);
                }
                for (; audioSent * 20 <= elapsedMs; audioSent++)
                {
                    // Sample n is at sender time n/48 ms; the tone starts exactly where the switch frame does.
                    var toneFrom = !SilentUntilSwitch ? 0 : switchFrame < 0 ? long.MaxValue : (long)Math.Round(switchFrame * 48000.0 / Fps);
                    for (var k = 0; k < pcm.Length; k++)
                    {
                        var n = audioSent * 960 + k;
                        pcm[k] = n < toneFrom ? (short)0 : (short)(6000 * Math.Sin(2 * Math.PI * ToneHz * n / 48000.0));
                    }
                    if (!opus.Encode(pcm, opusPacket, out var written).Ok) throw new InvalidOperationException("opus");
                    _peer.SendAudioPayload(opusPacket.AsSpan(0, written), unchecked(_audioBase + (uint)(audioSent * 960)), audioSent == 0);
                }
                var srSlot = (long)elapsedMs / 500;
                if (srSlot != lastSr)
                {
                    lastSr = srSlot;
                    var elapsedUs = (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    var ntp = NtpTime.FromUnixMicroseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
                    _peer.SendSenderReports(ntp, unchecked(_videoBase + (uint)(elapsedUs * 90 / 1000)), unchecked(_audioBase + (uint)(elapsedUs * 48 / 1000)));
                }
            }
        }
        catch (Exception e)
        {
            Failure = e.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        await _peer.DisposeAsync();
    }
}
