using System.Diagnostics;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Rtmp;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Mixer.Tests.Flv;
using Xunit.Abstractions;

namespace CoStream.Mixer.Tests.Rtmp;

/// <summary>RtmpPublisher against a real nginx-rtmp on loopback; read back with the ffmpeg CLI and nginx's recordings.</summary>
public class RtmpPublisherNginxTests(ITestOutputHelper output)
{
    internal static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout) Assert.Fail($"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Feeds video and audio at real-time pace (the mixer's rhythm), from media-clock <paramref name="baseMs"/>.</summary>
    internal static void FeedRealTime(IFlvSink sink, List<EncodedVideoFrame> video, List<byte[]>? audio, long baseMs = 0, Action<int>? afterVideo = null)
    {
        var clock = Stopwatch.StartNew();
        MediaTools.Feed(sink, video, audio, 48_000, baseMs, v =>
        {
            afterVideo?.Invoke(v);
            var due = (v + 1) * 1000 / 15;
            var wait = due - (int)clock.ElapsedMilliseconds;
            if (wait > 0) Thread.Sleep(wait);
        });
    }

    [Fact]
    public async Task H264AndAac_ThroughNginxRtmp_FfmpegPlaysTheColoursAndEveryFrame()
    {
        var video = MediaTools.Video(45, gop: 15, hevc: false);
        var aac = MediaTools.AacSine(3.2);
        using var nginx = new NginxRtmpServer();
        var url = $"rtmp://127.0.0.1:{nginx.RtmpPort}/live/x";
        using var player = FfmpegPlayer.Start(url);
        try
        {
            WaitUntil(() => nginx.Stat().Contains("<name>x</name>"), TimeSpan.FromSeconds(10), "ffmpeg to join the stream");

            await using var publisher = new RtmpPublisher(new RtmpPublisherOptions { Url = url });
            publisher.Start();
            WaitUntil(() => publisher.State == RtmpPublisherState.Publishing, TimeSpan.FromSeconds(10), "publishing");
            publisher.WriteMetadata(MediaTools.Metadata(hevc: false, aac.Asc));
            FeedRealTime(publisher, video, aac.Frames, afterVideo: v =>
            {
                if (v == 10) publisher.WriteScriptData("onCoStreamEvent", new Dictionary<string, object?> { ["kind"] = "coupon", ["seq"] = 1 }, 10 * 1000 / 15);
            });
            await publisher.CloseAsync();
            output.WriteLine($"connects {publisher.Connects}, tags sent {publisher.TagsSent}, bytes {publisher.BytesSent}, dropped down {publisher.TagsDroppedWhileDown}, behind {publisher.TagsDroppedBehind}");
            Assert.Equal(1, publisher.Connects);
            Assert.Equal(0, publisher.TagsDroppedWhileDown + publisher.TagsDroppedBehind);
            Assert.Equal(0, publisher.Muxer.Refused);

            // Live: ffmpeg 5.1 as an RTMP player keeps the newest frame or two until end of input, and does not
            // end its input when nginx reports the unpublish; so the live check is colours of what came out.
            var live = MediaTools.CheckColours(player.WaitForFrames(45, TimeSpan.FromSeconds(8)));
            output.WriteLine($"ffmpeg played {live} of 45 frames live");
            Assert.InRange(live, 40, 45);

            // Every frame: nginx's recording of what it received, decoded by ffmpeg.
            var recorded = nginx.Recordings().Single();
            var decode = MediaTools.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", recorded, "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]);
            Assert.True(decode.ExitCode == 0, decode.Stderr);
            Assert.Equal(45, MediaTools.CheckColours(decode.Stdout));

            // nginx recorded what it relayed: audio too, with the AAC sequence header.
            var tags = FlvTestReader.ReadAll(File.ReadAllBytes(recorded));
            output.WriteLine("recorded script tags: " + string.Join(", ", tags.Where(t => t.Type == FlvTagType.ScriptData).Select(t =>
            {
                Amf0.TryRead(t.Body, out var name, out _);
                return $"{name}@{t.Timestamp}";
            })));
            Assert.Contains(tags, t => t.Type == FlvTagType.Audio && t.Body[1] == FlvTagBodies.AacSequenceHeader);
            Assert.InRange(tags.Count(t => t.Type == FlvTagType.Audio && t.Body[1] == FlvTagBodies.AacRaw), 130, 160); // 3 s at 46.9 frames/s
        }
        finally { output.WriteLine(nginx.ErrorLog().Split('\n').Where(l => l.Contains("[error]")).FirstOrDefault() ?? ""); }
    }
}

/// <summary>
/// The ffmpeg CLI playing an RTMP URL and decoding video to raw I420 on stdout, read as it arrives. One
/// decoder thread: no frame-threading delay, so every frame comes out without an end-of-stream flush.
/// </summary>
internal sealed class FfmpegPlayer : IDisposable
{
    private readonly Process _process;
    private readonly MemoryStream _raw = new();
    private readonly Task _pump;
    private readonly Task<string> _errors;

    private FfmpegPlayer(Process p)
    {
        _process = p;
        _pump = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int n;
            while ((n = await p.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
                lock (_raw) _raw.Write(buffer, 0, n);
        });
        _errors = p.StandardError.ReadToEndAsync();
    }

    public static FfmpegPlayer Start(string url) => new(Process.Start(new ProcessStartInfo("ffmpeg")
    {
        UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true,
        ArgumentList = { "-hide_banner", "-loglevel", "error", "-threads", "1", "-i", url, "-map", "0:v", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1" },
    })!);

    public const int FrameSize = 320 * 240 * 3 / 2;
    public long Bytes { get { lock (_raw) return _raw.Length; } }

    /// <summary>Waits for <paramref name="frames"/> frames (or the timeout), then a moment for any extra, and returns what came.</summary>
    public byte[] WaitForFrames(int frames, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (Bytes < (long)frames * FrameSize && sw.Elapsed < timeout && !_process.HasExited) Thread.Sleep(20);
        Thread.Sleep(300);
        lock (_raw) return _raw.ToArray()[..(int)(_raw.Length / FrameSize * FrameSize)];
    }

    public string Errors => _errors.IsCompleted ? _errors.Result : "(running)";

    public void Dispose()
    {
        if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(); }
        try { _pump.Wait(2000); _errors.Wait(2000); } catch (AggregateException) { }
        _process.Dispose();
    }
}
