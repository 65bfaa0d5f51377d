using CoStream.LoadTest.Mix;
using CoStream.Mixer.Tests.Pipeline;
using CoStream.Signaling.Mixing;
using CoStream.Signaling.Tests.E2E;
using CoStream.Signaling.Tests.Rooms;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static CoStream.Mixer.Tests.Pipeline.MixerTestKit;
using ParticipantRole = CoStream.Signaling.Auth.ParticipantRole;

namespace CoStream.Signaling.Tests.Mixing;

/// <summary>
/// A PK through the real host on 127.0.0.1: two anchors publish known colours over WHIP into their rooms, start a PK
/// through the room hub, and each room's HTTP-FLV output shows its own anchor on the left and the opponent on the right —
/// each anchor's stream decoded once in the process (the mixers share decoded pictures), as /metrics reports. After
/// EndPk each output is the room's anchor alone again.
/// </summary>
[Collection("browser")]
public sealed class PkMixerEndToEndTests(ITestOutputHelper output)
{
    private const int W = 640, H = 360;
    private static readonly (byte Y, byte U, byte V) Red = (81, 90, 240), Blue = (41, 240, 110);

    [Fact]
    public async Task BothRoomsOutputs_ShowBothAnchors_EachStreamDecodedOnce()
    {
        await using var server = await CoStreamServer.StartAsync("--Mixer:Enabled=true", $"--Mixer:Width={W}", $"--Mixer:Height={H}",
            "--Mixer:Fps=20", "--Mixer:Preset=ultrafast", "--Mixer:Passthrough=false");
        await using var driver = SignalRDriver.Start();
        var tokenA = server.Token("pkmixA", "anchorA", ParticipantRole.Anchor);
        var tokenB = server.Token("pkmixB", "anchorB", ParticipantRole.Anchor);
        var anchorA = await driver.ConnectAsync(server.BaseUrl, tokenA);
        var anchorB = await driver.ConnectAsync(server.BaseUrl, tokenB);
        await anchorA.InvokeAsync("Join", 0);
        await anchorB.InvokeAsync("Join", 0);
        var mixers = server.Services.GetRequiredService<RoomMixers>();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        await using var mediaA = await ColourPublisher.StartWhipAsync(server.BaseUrl, "pkmixA", tokenA, "anchorA", Red, width: 640, height: 360);
        await using var mediaB = await ColourPublisher.StartWhipAsync(server.BaseUrl, "pkmixB", tokenB, "anchorB", Blue, width: 640, height: 360);
        await WaitUntil(() => mixers.MixerOf("pkmixA") is { VideoFramesOut: > 20 } && mixers.MixerOf("pkmixB") is { VideoFramesOut: > 20 }, "both rooms mixed", seconds: 40);

        await anchorA.InvokeAsync("InvitePk", "pkmixB");
        await anchorB.WaitForEventAsync("pk.invited");
        await anchorB.InvokeAsync("AcceptPk", "pkmixA");
        var started = await anchorA.WaitForEventAsync("pk.started");
        await WaitUntil(() => mixers.MixerOf("pkmixA") is { SharedPicturesUsed: > 40 } && mixers.MixerOf("pkmixB") is { SharedPicturesUsed: > 40 },
            "each mixer taking the opponent's pictures", seconds: 30);

        using var viewing = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var flvA = MixerEndToEndTests.ReadHttpFlvAsync(http, "/live/pkmixA.flv", viewing.Token);
        var flvB = MixerEndToEndTests.ReadHttpFlvAsync(http, "/live/pkmixB.flv", viewing.Token);
        var (outA, outB) = (MixerOutput.Read(await flvA, hevc: false), MixerOutput.Read(await flvB, hevc: false));
        var metrics = await http.GetStringAsync("/metrics");
        var a = mixers.MixerOf("pkmixA")!;
        var b = mixers.MixerOf("pkmixB")!;
        output.WriteLine($"A: {a.VideoFramesOut} frames, decoded elsewhere {a.FramesDecodedElsewhere}, shared used {a.SharedPicturesUsed}; " +
            $"B: {b.VideoFramesOut} frames, decoded elsewhere {b.FramesDecodedElsewhere}, shared used {b.SharedPicturesUsed}; HTTP-FLV pictures {outA.Pictures.Count}/{outB.Pictures.Count}");
        Assert.Contains("\"framesDecodedElsewhere\"", metrics);
        Assert.True(a.FramesDecodedElsewhere > 20 && b.FramesDecodedElsewhere > 20, "each opponent's stream is decoded by its own room's mixer only");
        // A viewer starts on the GOP cache's keyframe, which may be older than the PK: check from half a second after it began.
        var pkMs = (long)started["mediaClockMs"]!;
        var shown = AssertPkHalves(outA, W, H, Red, Blue, "room A", (uint)(pkMs + 500 - a.OriginMediaMs), minPictures: 20);
        shown += AssertPkHalves(outB, W, H, Blue, Red, "room B", (uint)(pkMs + 500 - b.OriginMediaMs), minPictures: 20);
        output.WriteLine($"{shown} pictures after the PK began: own anchor left, opponent right in both outputs");

        // PK ends: each room's output is its own anchor alone again (decoding nothing of the other room).
        await anchorA.InvokeAsync("EndPk");
        await anchorB.WaitForEventAsync("pk.ended");
        await WaitUntil(() => a.Layout.Participants.Count == 1 && b.Layout.Participants.Count == 1, "solo layouts", seconds: 10);
        var elsewhere = a.FramesDecodedElsewhere;
        await Task.Delay(1000);
        Assert.Equal(elsewhere, a.FramesDecodedElsewhere);
        Assert.Null(mediaA.Failure);
        Assert.Null(mediaB.Failure);
    }
}
