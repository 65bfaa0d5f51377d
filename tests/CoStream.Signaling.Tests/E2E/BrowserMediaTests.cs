using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>
/// End to end with Debian's Chromium (fake camera and microphone): media crosses our SFU for real —
/// ICE-lite, DTLS-SRTP, RTP/RTCP forwarding — and each page's getStats() shows what it decoded.
/// </summary>
[Collection("browser")]
public sealed class BrowserMediaTests(ITestOutputHelper output) : BrowserTest
{

    [Theory]
    [InlineData("VP8")]
    [InlineData("H264")]
    public async Task AnchorAndGuest_PublishAndReceiveEachOther_BothDirections(string codec)
    {
        var anchor = await Chromium.OpenAsync(Server.BaseUrl);
        var guest = await Chromium.OpenAsync(Server.BaseUrl);
        await Join(anchor, "room-a", "anchor-1", "anchor", videoCodec: codec);
        await Join(guest, "room-a", "guest-1", "guest", videoCodec: codec);

        var a = await WaitForMedia(anchor, "anchor");
        var g = await WaitForMedia(guest, "guest");
        Assert.Contains("guest-1", await anchor.EvaluateAsync<string[]>("() => window.costream.remoteParticipants()"));
        Assert.Contains("anchor-1", await guest.EvaluateAsync<string[]>("() => window.costream.remoteParticipants()"));
        Assert.True(a.FramesDecoded > 20 && a.AudioSamples > 48_000, $"anchor received {a}");
        Assert.True(g.FramesDecoded > 20 && g.AudioSamples > 48_000, $"guest received {g}");
        Assert.True(Server.Sfu.Counters.Read("rtp.forwarded") > 0);
        var estimate = await anchor.EvaluateAsync<double>("() => window.costream.publishEstimate()");
        output.WriteLine($"anchor's send-side bandwidth estimate (from our TWCC feedback): {estimate / 1000:F0} kbit/s");
        var decodedCodecs = await anchor.EvaluateAsync<string[]>("async () => Object.keys((await window.costream.inboundStats()).byCodec)");
        Assert.Contains("video/" + codec, decodedCodecs);
    }

    [Fact]
    public async Task WhipPublish_AndWhepPlay_FromTheBrowser()
    {
        var publisher = await Chromium.OpenAsync(Server.BaseUrl);
        var player = await Chromium.OpenAsync(Server.BaseUrl);
        var location = await publisher.EvaluateAsync<string>(
            "(t) => window.costream.whipPublish({ room: 'room-w', participant: 'obs-1', role: 'anchor', token: t })",
            Server.Token("room-w", "obs-1", global::CoStream.Signaling.Auth.ParticipantRole.Anchor));
        Assert.StartsWith("/whip/room-w/", location);
        await Task.Delay(1000);
        var playLocation = await player.EvaluateAsync<string>(
            "(t) => window.costream.whepPlay({ room: 'room-w', participant: 'viewer-1', role: 'audience', token: t, source: 'obs-1' })",
            Server.Token("room-w", "viewer-1", global::CoStream.Signaling.Auth.ParticipantRole.Audience));
        Assert.StartsWith("/whep/room-w/", playLocation);
        var stats = await WaitForMedia(player, "whep player");
        Assert.True(stats.FramesDecoded > 20 && stats.AudioSamples > 48_000, $"WHEP player received {stats}");

        await publisher.EvaluateAsync("() => window.costream.leave()");
        await player.EvaluateAsync("() => window.costream.leave()");
    }

    [Fact]
    public async Task WhipPublish_WithAnAudienceToken_IsRefused()
    {
        var page = await Chromium.OpenAsync(Server.BaseUrl);
        var error = await page.EvaluateAsync<string>(
            "async (t) => { try { await window.costream.whipPublish({ room: 'room-x', participant: 'v', role: 'audience', token: t }); return 'accepted'; } catch (e) { return String(e); } }",
            Server.Token("room-x", "v", global::CoStream.Signaling.Auth.ParticipantRole.Audience));
        Assert.Contains("403", error);
    }

    internal static Task Join(IPage page, string room, string participant, string role, bool clock = false, string? videoCodec = null) =>
        // The anchor takes every requester on stage: a guest publishes only on stage (it asks on join).
        page.EvaluateAsync("(o) => window.costream.join(o)", new { room, participant, role, clock, videoCodec, autoAccept = role == "anchor" });

    internal static async Task<InboundStats> Stats(IPage page) =>
        JsonSerializer.Deserialize<InboundStats>(await page.EvaluateAsync<JsonElement>("() => window.costream.inboundStats()"),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    internal Task<InboundStats> WaitForMedia(IPage page, string who, int frames = 40, int seconds = 30) =>
        WaitForMedia(page, who, output, Server, frames, seconds);

    internal static async Task<InboundStats> WaitForMedia(IPage page, string who, ITestOutputHelper output, CoStreamServer? server, int frames = 40, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        InboundStats s;
        do
        {
            await Task.Delay(500);
            s = await Stats(page);
        } while ((s.FramesDecoded < frames || s.AudioSamples < 96_000) && DateTime.UtcNow < deadline);
        output.WriteLine($"{who}: {s}");
        if (s.FramesDecoded < frames)
        {
            output.WriteLine("page log: " + await page.EvaluateAsync<string>("() => document.getElementById('log').textContent + ' errors: ' + JSON.stringify(window.costream.errors)"));
            if (server is not null)
                output.WriteLine("server: " + string.Join(", ", server.Sfu.Counters.Snapshot().Where(kv => kv.Value != 0).Select(kv => kv.Key + "=" + kv.Value)));
        }
        return s;
    }
}

[CollectionDefinition("browser", DisableParallelization = true)]
public sealed class BrowserCollection;

/// <summary>Simulcast publishing and the room's dominant speaker, with real browsers.</summary>
[Collection("browser")]
public sealed class SimulcastAndSpeakerTests(ITestOutputHelper output) : BrowserTest
{

    [Fact]
    public async Task SimulcastPublisher_IsReceivedOnOneLayer_AndTheSpeakerIsAnnounced()
    {
        var anchor = await Chromium.OpenAsync(Server.BaseUrl);
        var viewer = await Chromium.OpenAsync(Server.BaseUrl);
        await anchor.EvaluateAsync("() => window.costream.join({ room: 'sim', participant: 'anchor-1', role: 'anchor', simulcast: true })");
        await viewer.EvaluateAsync("() => window.costream.join({ room: 'sim', participant: 'viewer-1', role: 'audience' })");
        var stats = await BrowserMediaTests.WaitForMedia(viewer, "simulcast viewer", output, Server);
        var room = await Server.Sfu.GetRoomAsync("sim");
        var producers = room!.Transports.SelectMany(t => t.Producers).ToArray();
        output.WriteLine("producers: " + string.Join("; ", producers));
        Assert.Contains(producers, p => p.StartsWith("Video:VP8:") && p.Split(':')[2].Split('/').Length == 3);
        Assert.True(stats.FramesDecoded > 20, $"viewer decoded {stats}");

        // One layer at a time reaches the viewer (the SFU starts it on the lowest; going up needs bandwidth
        // probing, which the SFU does not do yet — see the closing note of issue 2).
        var widths = new SortedSet<int>();
        for (var i = 0; i < 6; i++)
        {
            foreach (var w in await viewer.EvaluateAsync<int[]>("() => window.costream.inboundFrameWidths()")) widths.Add(w);
            await Task.Delay(500);
        }
        output.WriteLine($"frame widths the viewer decoded: {string.Join(", ", widths)}; producers now: " +
                         string.Join("; ", (await Server.Sfu.GetRoomAsync("sim"))!.Transports.Select(t =>
                             $"{t.Participant}: [{string.Join(",", t.Producers)}] remb {t.EstimatedBitrate} layers [{string.Join(",", t.ConsumerLayers ?? [])}]")) +
                         $"; remb received {Server.Sfu.Counters.Read("rtcp.remb.received")}");
        // The fake camera is 640 wide and the layers are scaled by 4, 2 and 1: every decoded frame is one whole layer.
        Assert.NotEmpty(widths);
        Assert.All(widths, w => Assert.Contains(w, new[] { 160, 320, 640 }));

        var deadline = DateTime.UtcNow.AddSeconds(15);
        string? speaker = null;
        while (speaker is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            speaker = await viewer.EvaluateAsync<string?>("() => window.costream.activeSpeaker ?? null");
        }
        output.WriteLine($"active speaker seen by the viewer: {speaker}; SFU: {room.ActiveSpeaker}");
        Assert.Equal("anchor-1", speaker);
    }
}
