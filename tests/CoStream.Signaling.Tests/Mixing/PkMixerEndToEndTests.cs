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

        var flvA = ReadAsync(http, "/live/pkmixA.flv", TimeSpan.FromSeconds(3));
        var flvB = ReadAsync(http, "/live/pkmixB.flv", TimeSpan.FromSeconds(3));
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
        Halves(outA, Red, Blue, "room A", (uint)(pkMs + 500 - a.OriginMediaMs));
        Halves(outB, Blue, Red, "room B", (uint)(pkMs + 500 - b.OriginMediaMs));

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

    private void Halves(MixerOutput result, (byte Y, byte U, byte V) left, (byte Y, byte U, byte V) right, string what, uint fromTs)
    {
        Assert.Equal(0, result.DecodeFailures);
        var pictures = result.Pictures.Where(p => p.Timestamp >= fromTs).ToList();
        Assert.True(pictures.Count >= 20, $"{what}: {pictures.Count} pictures from ts {fromTs} (of {result.Pictures.Count})");
        foreach (var picture in pictures)
        foreach (var (x, colour) in new[] { (0, left), (W / 2, right) })
        {
            var mean = MixerOutput.MeanOf(picture.Frame, x + 16, 16, W / 2 - 32, H - 32);
            Assert.True(Near(mean, colour), $"{what} ts {picture.Timestamp}: half at x={x} is {mean}, expected {colour}");
        }
        output.WriteLine($"{what}: {pictures.Count} pictures from ts {fromTs}, own anchor left, opponent right");
    }

    /// <summary>Reads an HTTP-FLV stream for a while, keeping whole tags.</summary>
    private static async Task<byte[]> ReadAsync(HttpClient http, string path, TimeSpan duration)
    {
        using var cts = new CancellationTokenSource(duration);
        var buffer = new MemoryStream();
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
            await body.CopyToAsync(buffer, cts.Token);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        return MixerEndToEndTests.TrimToWholeTags(buffer.ToArray());
    }
}
