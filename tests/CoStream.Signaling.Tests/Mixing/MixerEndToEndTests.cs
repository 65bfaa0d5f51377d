using System.Text.Json.Nodes;
using CoStream.LoadTest.Mix;
using CoStream.Mixer.Compose;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Tests.Pipeline;
using CoStream.Mixer.Tests.Rtmp;
using CoStream.Signaling.Auth;
using CoStream.Mixer.Tests.Flv;
using ParticipantRole = CoStream.Signaling.Auth.ParticipantRole;
using CoStream.Signaling.Mixing;
using CoStream.Signaling.Tests.E2E;
using CoStream.Signaling.Tests.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static CoStream.Mixer.Tests.Pipeline.MixerTestKit;

namespace CoStream.Signaling.Tests.Mixing;

/// <summary>
/// The whole product path for CDN audiences, on 127.0.0.1: an anchor and a guest (brought on stage through the room hub)
/// publish known colours over WHIP → the host's SFU → its mixer → (a) a real nginx-rtmp server (Debian nginx +
/// libnginx-mod-rtmp, started here) and (b) the built-in HTTP-FLV endpoint. Both read back and decoded: the tiles by
/// pixels, a coupon drop and a product pin found in the SEI of the frame their media-clock stamp names, HTTP-FLV
/// starting on a keyframe, audio present.
/// </summary>
[Collection("browser")]
public sealed class MixerEndToEndTests(ITestOutputHelper output)
{
    private const int W = 640, H = 360;

    [Fact]
    public async Task AnchorAndGuest_AreMixedToRtmpAndHttpFlv_WithTheRoomsEventsOnTheirFrames()
    {
        using var nginx = new NginxRtmpServer();
        await using var server = await CoStreamServer.StartAsync("--Mixer:Enabled=true",
            $"--Mixer:RtmpUrl=rtmp://127.0.0.1:{nginx.RtmpPort}/live/{{room}}", $"--Mixer:Width={W}", $"--Mixer:Height={H}", "--Mixer:Fps=20",
            "--Mixer:Preset=ultrafast", "--Mixer:GuestLayout=tiles", "--Mixer:Passthrough=false");
        await using var driver = SignalRDriver.Start();
        const string room = "mixlive";
        var anchorToken = server.Token(room, "anchor", ParticipantRole.Anchor);
        var guestToken = server.Token(room, "guest", ParticipantRole.Audience);
        var anchor = await driver.ConnectAsync(server.BaseUrl, anchorToken);
        var guest = await driver.ConnectAsync(server.BaseUrl, guestToken);
        await anchor.InvokeAsync("Join", 0);
        await guest.InvokeAsync("Join", 0);
        await guest.InvokeAsync("RequestToJoin", false);
        await anchor.InvokeAsync("AcceptRequest", "guest");
        await anchor.WaitForEventAsync("stage.joined");

        var mixers = server.Services.GetRequiredService<RoomMixers>();
        byte[] httpFlv;
        JsonObject coupon, pin;
        await using (var anchorMedia = await ColourPublisher.StartWhipAsync(server.BaseUrl, room, anchorToken, "anchor", Palette(0)))
        await using (var guestMedia = await ColourPublisher.StartWhipAsync(server.BaseUrl, room, guestToken, "guest", Palette(2)))
        {
            await WaitUntil(() => mixers.MixerOf(room) is { } m && m.Layout.Participants.Count == 2 && m.VideoFramesOut > 40, "the mixer composing both", seconds: 40);
            // The events must happen while nginx relays (and records) the stream.
            await WaitUntil(() => mixers.RtmpOf(room) is { State: CoStream.Mixer.Rtmp.RtmpPublisherState.Publishing, TagsSent: > 100 }, "the RTMP push publishing", seconds: 40);
            // A CDN viewer of the built-in HTTP-FLV endpoint, joining mid-stream.
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            using var viewerCts = new CancellationTokenSource();
            var viewer = ReadHttpFlvAsync(http, $"/live/{room}.flv", viewerCts.Token);
            await Task.Delay(1500);
            await anchor.InvokeAsync("DropCoupon", "c-flash", 50, 0, 600, null);
            await anchor.InvokeAsync("ListProduct", new { id = "p1", title = "Tea", priceCents = 1999, currency = "CNY" });
            await anchor.InvokeAsync("PinProduct", "p1");
            coupon = await anchor.WaitForEventAsync("coupon.dropped");
            pin = await anchor.WaitForEventAsync("product.pinned");
            await Task.Delay(2500);
            viewerCts.Cancel();
            httpFlv = await viewer;
            Assert.Null(anchorMedia.Failure);
            Assert.Null(guestMedia.Failure);
        }
        var mixer = mixers.MixerOf(room)!;
        var origin = mixer.OriginMediaMs;
        output.WriteLine($"mixer: {mixer.VideoFramesOut} frames, {mixer.AudioFramesOut} AAC, events {mixer.EventsWritten} ({mixer.EventsLate} late); rtmp {mixers.RtmpOf(room)!.State} tags {mixers.RtmpOf(room)!.TagsSent}; HTTP-FLV {httpFlv.Length} bytes");
        await server.DisposeAsync(); // stops the mixer, which closes its RTMP stream: nginx finishes the recording

        var layout = new LayoutDescription(LayoutKind.Tiles,
        [
            new LayoutParticipant("a", CoStream.Mixer.Compose.ParticipantRole.Anchor, room),
            new LayoutParticipant("g", CoStream.Mixer.Compose.ParticipantRole.Guest, room),
        ]);
        var tiles = LayoutEngine.Compute(layout, W, H);

        // (b) HTTP-FLV: header, metadata and sequence headers, then a keyframe first; tiles; events on their frames.
        var tags = FlvTestReader.ReadAll(httpFlv);
        var firstVideo = tags.First(t => t.Type == FlvTagType.Video && FlvTagBodies.TryReadVideo(t.Body, out var i) == FlvBodyError.None && !i.SequenceHeader);
        Assert.Equal(FlvBodyError.None, FlvTagBodies.TryReadVideo(firstVideo.Body, out var firstInfo));
        Assert.True(firstInfo.Keyframe, "HTTP-FLV must start on a keyframe");
        var viewed = MixerOutput.Read(httpFlv, hevc: false);
        Assert.Equal(0, viewed.DecodeFailures);
        Assert.True(viewed.AudioTimestamps.Count > 50, $"{viewed.AudioTimestamps.Count} AAC frames over HTTP-FLV");
        CheckTiles(viewed, tiles, "HTTP-FLV");
        foreach (var evt in new[] { coupon, pin })
        {
            var seq = (long)evt["seq"]!;
            var expectedTs = (long)evt["mediaClockMs"]! - origin;
            var expected = viewed.Pictures.FindIndex(p => p.Timestamp >= expectedTs);
            var carrier = viewed.Pictures.FindIndex(p => p.SeiJson != null && MixerOutput.SeqsOf(p.SeiJson).Contains(seq));
            output.WriteLine($"HTTP-FLV {(string?)evt["kind"]} seq {seq}: expected picture {expected} (ts ≥ {expectedTs}), SEI in picture {carrier}");
            Assert.InRange(carrier, Math.Max(0, expected - 1), expected + 1);
            Assert.Contains(viewed.EventTags, t => Convert.ToInt64(t.Payload["seq"]) == seq && t.Timestamp == viewed.Pictures[carrier].Timestamp);
        }

        // (a) RTMP through nginx-rtmp (its recording of what it relayed): decodes, tiles, the events' SEI survive the hop.
        // nginx writes one file per publish session (record_unique): a reconnect starts another; read them all.
        var recordings = nginx.Recordings();
        output.WriteLine($"nginx recordings: {string.Join(", ", recordings.Select(r => $"{Path.GetFileName(r)} {new FileInfo(r).Length} B"))}");
        Assert.NotEmpty(recordings);
        var sessions = recordings.Where(r => new FileInfo(r).Length > FlvFormat.FileHeaderSize)
            .Select(r => MixerOutput.Read(TrimToWholeTags(File.ReadAllBytes(r)), hevc: false)).ToList();
        var relayed = sessions.MaxBy(r => r.Pictures.Count)!;
        output.WriteLine($"nginx recording: {relayed.Pictures.Count} pictures, {relayed.AudioTimestamps.Count} AAC frames");
        Assert.All(sessions, r => Assert.Equal(0, r.DecodeFailures));
        Assert.True(relayed.AudioTimestamps.Count > 50);
        CheckTiles(relayed, tiles, "RTMP");
        foreach (var evt in new[] { coupon, pin })
            Assert.Contains(sessions.SelectMany(r => r.Pictures), p => p.SeiJson != null && MixerOutput.SeqsOf(p.SeiJson).Contains((long)evt["seq"]!));
    }

    private void CheckTiles(MixerOutput result, List<TileRect> tiles, string what)
    {
        var last = result.Pictures.Where(p => p.Timestamp > result.Pictures[^1].Timestamp - 2000).ToList();
        Assert.NotEmpty(last);
        foreach (var picture in last)
        foreach (var (tile, colour) in tiles.Zip(new[] { Palette(0), Palette(2) }))
        {
            var mean = MixerOutput.MeanOf(picture.Frame, tile.X, tile.Y, tile.Width, tile.Height);
            Assert.True(Near(mean, colour), $"{what} ts {picture.Timestamp}: tile {tile.ParticipantId} is {mean}, expected {colour}");
        }
        output.WriteLine($"{what}: {last.Count} late pictures, both tiles right");
    }

    private static (byte Y, byte U, byte V) Palette(int i) => i switch
    {
        0 => (81, 90, 240),   // red
        2 => (41, 240, 110),  // blue
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    /// <summary>Reads an HTTP-FLV stream until cancelled, keeping whole tags.</summary>
    internal static async Task<byte[]> ReadHttpFlvAsync(HttpClient http, string path, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            await body.CopyToAsync(buffer, ct);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        // Keep whole tags only (the read stopped anywhere).
        return TrimToWholeTags(buffer.ToArray());
    }

    private static byte[] TrimToWholeTags(byte[] flv)
    {
        var at = FlvFormat.FileHeaderSize;
        while (at + FlvFormat.TagHeaderSize <= flv.Length)
        {
            var size = (flv[at + 1] << 16) | (flv[at + 2] << 8) | flv[at + 3];
            var next = at + FlvFormat.TagHeaderSize + size + FlvFormat.PreviousTagSizeSize;
            if (next > flv.Length) break;
            at = next;
        }
        return flv[..at];
    }

}
