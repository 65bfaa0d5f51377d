using System.Diagnostics;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Output;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Mixer.Tests.Flv;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CoStream.Mixer.Tests.Output;

/// <summary>GET /live/{room}.flv on a real Kestrel bound to 127.0.0.1:0, read with HttpClient.</summary>
public class HttpFlvTests(ITestOutputHelper output)
{
    private sealed class Host : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public string BaseUrl { get; }
        private Host(WebApplication app, string url) { _app = app; BaseUrl = url; }

        public static async Task<Host> StartAsync(Dictionary<string, FlvBroadcast> rooms)
        {
            var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapHttpFlv(room => rooms.GetValueOrDefault(room));
            await app.StartAsync();
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Host(app, url);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Reads a viewer's response until the broadcast ends; records when the first keyframe's bytes arrived.</summary>
    private static async Task<(byte[] Bytes, TimeSpan FirstKeyframe, string? ContentType)> ReadAsync(HttpClient http, string url, Stopwatch clock,
        TaskCompletionSource<TimeSpan>? keyframeArrived = null)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var ms = new MemoryStream();
        var buffer = new byte[16 * 1024];
        TimeSpan firstKey = TimeSpan.Zero;
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            ms.Write(buffer, 0, n);
            if (firstKey == TimeSpan.Zero && ContainsKeyframe(ms.GetBuffer().AsSpan(0, (int)ms.Length)))
            {
                firstKey = clock.Elapsed;
                keyframeArrived?.TrySetResult(firstKey);
            }
        }
        return (ms.ToArray(), firstKey, response.Content.Headers.ContentType?.MediaType);
    }

    private static bool ContainsKeyframe(ReadOnlySpan<byte> data)
    {
        if (FlvFormat.TryReadFileHeader(data, out _, out var at) != FlvError.None) return false;
        while (FlvFormat.TryReadTag(data[at..], out var tag, out var n) == FlvError.None)
        {
            if (tag.Type == FlvTagType.Video && FlvTagBodies.TryReadVideo(tag.Body, out var info) == FlvBodyError.None && info.Keyframe && !info.SequenceHeader)
                return true;
            at += n;
        }
        return false;
    }

    [Fact]
    public async Task ViewerFromTheStart_GetsHeaderSequenceHeadersKeyframe_FfmpegDecodesTheColours()
    {
        var video = MediaTools.Video(30, gop: 15, hevc: false);
        var aac = MediaTools.AacSine(2.2);
        var broadcast = new FlvBroadcast();
        broadcast.WriteMetadata(MediaTools.Metadata(hevc: false, aac.Asc));
        await using var host = await Host.StartAsync(new() { ["r1"] = broadcast });
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        var reading = ReadAsync(http, $"{host.BaseUrl}/live/r1.flv", clock);
        while (broadcast.ViewerCount == 0) await Task.Delay(10);
        MediaTools.Feed(broadcast, video, aac.Frames, 48_000, afterVideo: v =>
        {
            if (v == 12) broadcast.WriteScriptData("onCoStreamEvent", new Dictionary<string, object?> { ["kind"] = "pin", ["product"] = "p-9" }, 12 * 1000 / 15);
        });
        broadcast.Close();
        var (bytes, _, contentType) = await reading;

        Assert.Equal("video/x-flv", contentType);
        Assert.Equal("FLV"u8.ToArray(), bytes[..3]);
        var tags = FlvTestReader.ReadAll(bytes);
        Assert.Equal(FlvTagType.ScriptData, tags[0].Type);
        Assert.Contains(tags.Take(3), t => t.Type == FlvTagType.Video && t.Body[0] == 0x17 && t.Body[1] == 0); // AVC sequence header
        Assert.Contains(tags.Take(3), t => t.Type == FlvTagType.Audio && t.Body[1] == 0);                      // AAC sequence header
        var firstFrame = tags.First(t => t.Type == FlvTagType.Video && t.Body[1] == 1);
        Assert.Equal(0x17, firstFrame.Body[0]);
        // The commerce event travels in band, right after frame 12 and stamped with its media-clock time.
        var eventIndex = tags.FindIndex(t => t.Type == FlvTagType.ScriptData && t.Timestamp == 800);
        Assert.True(eventIndex > 0);
        var values = new List<object?>();
        Assert.Equal(Amf0Error.None, Amf0.TryReadAll(tags[eventIndex].Body, values));
        Assert.Equal("onCoStreamEvent", values[0]);
        Assert.Equal("p-9", Assert.IsType<Amf0Object>(values[1])["product"]);
        Assert.Equal(800u, tags[..eventIndex].Last(t => t.Type == FlvTagType.Video).Timestamp);

        var path = Path.Combine(Path.GetTempPath(), $"costream-httpflv-{Guid.NewGuid():N}.flv");
        File.WriteAllBytes(path, bytes);
        try
        {
            var decode = MediaTools.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]);
            Assert.True(decode.ExitCode == 0, decode.Stderr);
            Assert.Equal(30, MediaTools.CheckColours(decode.Stdout));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task ViewerJoiningMidGop_StartsOnAKeyframe_TimeToFirstKeyframePrinted()
    {
        var video = MediaTools.Video(45, gop: 15, hevc: false);
        var broadcast = new FlvBroadcast();
        broadcast.WriteMetadata(MediaTools.Metadata(hevc: false, null));
        await using var host = await Host.StartAsync(new() { ["r2"] = broadcast });
        using var http = new HttpClient();
        // Warm-up: JIT of Kestrel and HttpClient and the TCP connection are not what the figure is about.
        (await http.GetAsync($"{host.BaseUrl}/live/none.flv")).Dispose();
        MediaTools.Feed(broadcast, video[..21], null, 48_000);        // frames 0..20: the viewer joins mid-GOP (GOP 15..29)
        var keyframeArrived = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var reading = ReadAsync(http, $"{host.BaseUrl}/live/r2.flv", clock, keyframeArrived);
        var firstKeyframe = await keyframeArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // A second viewer joining the same GOP: the code paths are warm now.
        using var http2 = new HttpClient();
        (await http2.GetAsync($"{host.BaseUrl}/live/none.flv")).Dispose();
        var secondArrived = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock2 = Stopwatch.StartNew();
        var reading2 = ReadAsync(http2, $"{host.BaseUrl}/live/r2.flv", clock2, secondArrived);
        var secondKeyframe = await secondArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"time to first keyframe byte, mid-GOP join over loopback Kestrel: first viewer {firstKeyframe.TotalMilliseconds:0.0} ms " +
            $"(cold code paths), second viewer {secondKeyframe.TotalMilliseconds:0.0} ms");
        MediaTools.Feed(broadcast, video[21..], null, 48_000);
        broadcast.Close();
        var (bytes, _, _) = await reading;
        Assert.Equal(bytes, (await reading2).Bytes);

        var tags = FlvTestReader.ReadAll(bytes);
        var firstFrame = tags.First(t => t.Type == FlvTagType.Video && t.Body[1] == 1);
        Assert.Equal(0x17, firstFrame.Body[0]); // keyframe (frame 15 from the GOP cache)
        Assert.Equal(1000u, firstFrame.Timestamp);
        var path = Path.Combine(Path.GetTempPath(), $"costream-httpflv-{Guid.NewGuid():N}.flv");
        File.WriteAllBytes(path, bytes);
        try
        {
            var decode = MediaTools.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]);
            Assert.True(decode.ExitCode == 0, decode.Stderr);
            Assert.Equal(30, MediaTools.CheckColours(decode.Stdout, firstIndex: 15));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task Hevc_OverHttpFlv_DecodesWithOurHevcDecoder()
    {
        var video = MediaTools.Video(30, gop: 15, hevc: true);
        var broadcast = new FlvBroadcast();
        broadcast.WriteMetadata(MediaTools.Metadata(hevc: true, null));
        await using var host = await Host.StartAsync(new() { ["h"] = broadcast });
        using var http = new HttpClient();
        var reading = ReadAsync(http, $"{host.BaseUrl}/live/h.flv", Stopwatch.StartNew());
        while (broadcast.ViewerCount == 0) await Task.Delay(10);
        MediaTools.Feed(broadcast, video, null, 48_000);
        broadcast.Close();
        var (bytes, _, _) = await reading;

        var units = FlvTestReader.VideoAccessUnits(FlvTestReader.ReadAll(bytes));
        Assert.Equal(30, units.Count);
        using var decoder = VideoDecoder.TryCreate(VideoCodec.Hevc, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        for (int i = 0; i < units.Count; i++) Assert.True(decoder!.Decode(units[i].AnnexB, i, pictures).Ok, decoder.LastRefusal);
        decoder!.Flush(pictures);
        Assert.Equal(30, pictures.Count);
        foreach (var p in pictures) Assert.InRange(p.MeanOf(0), Colours.ForFrame(p.Pts).Y - 4, Colours.ForFrame(p.Pts).Y + 4);
    }

    [Fact]
    public async Task UnknownRoom_Is404()
    {
        await using var host = await Host.StartAsync([]);
        using var http = new HttpClient();
        var response = await http.GetAsync($"{host.BaseUrl}/live/nobody.flv");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
