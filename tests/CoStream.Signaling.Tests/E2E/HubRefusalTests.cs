using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>Hostile and mistaken calls to the SignalR media hub, from a real browser's SignalR client.</summary>
[Collection("browser")]
public sealed class HubRefusalTests(ITestOutputHelper output) : BrowserTest
{

    private const string Call = """
        async ([method, args]) => {
          try { const r = await window.costream.hub.invoke(method, ...args); return 'ok:' + String(r).slice(0, 40); }
          catch (e) { return 'error:' + String(e.message || e); }
        }
        """;

    [Fact]
    public async Task BadCalls_AreRefusedWithAReason_AndTheRoomGoesOn()
    {
        var anchor = await Chromium.OpenAsync(Server.BaseUrl);
        var viewer = await Chromium.OpenAsync(Server.BaseUrl);
        await BrowserMediaTests.Join(anchor, "hub", "anchor-1", "anchor");
        await viewer.EvaluateAsync("() => window.costream.join({ room: 'hub', participant: 'viewer-1', role: 'audience' })");

        var results = new Dictionary<string, string>
        {
            ["audience publishes"] = await viewer.EvaluateAsync<string>(Call, new object[] { "Publish", new object[] { "v=0\r\n" } }),
            ["garbage SDP"] = await anchor.EvaluateAsync<string>(Call, new object[] { "Publish", new object[] { "this is not SDP" } }),
            ["empty SDP"] = await anchor.EvaluateAsync<string>(Call, new object[] { "Publish", new object[] { "" } }),
            ["answer without an offer"] = await viewer.EvaluateAsync<string>(Call, new object[] { "Answer", new object[] { "v=0\r\n" } }),
            ["unknown method"] = await anchor.EvaluateAsync<string>(Call, new object[] { "DropTheDatabase", Array.Empty<object>() }),
            ["wrong argument count"] = await anchor.EvaluateAsync<string>(Call, new object[] { "Publish", new object[] { "a", "b", "c" } }),
        };
        foreach (var (name, result) in results) output.WriteLine($"{name}: {result}");
        Assert.All(results.Values, r => Assert.StartsWith("error:", r));
        Assert.Contains("may not publish", results["audience publishes"]);
        Assert.Contains("SDP", results["garbage SDP"]);
        var counters = Server.Services.GetService(typeof(global::CoStream.Signaling.Media.SignalingCounters)) as global::CoStream.Signaling.Media.SignalingCounters;
        Assert.True(counters!.Get("hub.not-on-stage") >= 1 && counters.Get("hub.sdp") >= 2, string.Join(", ", counters.Snapshot()));

        // An oversized message (beyond the hub's 128 KiB limit) from a third member closes that member's connection only.
        var mallory = await Chromium.OpenAsync(Server.BaseUrl);
        await mallory.EvaluateAsync("() => window.costream.join({ room: 'hub', participant: 'mallory', role: 'guest', publish: false })");
        var oversized = await mallory.EvaluateAsync<string>(Call, new object[] { "Publish", new object[] { new string('x', 300_000) } });
        output.WriteLine("oversized: " + oversized);
        Assert.StartsWith("error:", oversized);

        // Everyone else is unaffected: the audience member still receives the anchor.
        var before = await BrowserMediaTests.Stats(viewer);
        await Task.Delay(3000);
        var stats = await BrowserMediaTests.WaitForMedia(viewer, "viewer after the bad calls", output, Server, frames: before.FramesDecoded + 30);
        Assert.True(stats.FramesDecoded >= before.FramesDecoded + 30, $"viewer stalled: {before} → {stats}");
    }

    [Fact]
    public async Task ForgedToken_CannotConnectToTheHub()
    {
        var page = await Chromium.OpenAsync(Server.BaseUrl);
        var token = Server.Token("hub", "mallory", global::CoStream.Signaling.Auth.ParticipantRole.Anchor);
        var forged = token[..^3] + (token.EndsWith("AAA") ? "BBB" : "AAA");
        var result = await page.EvaluateAsync<string>("""
            async (t) => {
              try { await window.costream.join({ room: 'hub', participant: 'mallory', role: 'anchor', token: t }); return 'joined'; }
              catch (e) { return 'error:' + String(e.message || e); }
            }
            """, forged);
        output.WriteLine(result);
        Assert.StartsWith("error:", result);
        var room = await Server.Sfu.GetRoomAsync("hub");
        Assert.True(room is null || room.Transports.All(t => t.Participant != "mallory"));
    }
}
