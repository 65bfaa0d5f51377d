using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>
/// Cross-room PK with real browsers: anchor A invites room B from its page, anchor B accepts from its page (the room hub
/// through web-client/js/room.js), and a viewer of room A decodes anchor B's video, routed across rooms by the SFU.
/// </summary>
[Collection("browser")]
public sealed class BrowserPkTests(ITestOutputHelper output) : BrowserTest
{
    private const string FramesOf = """
        (p) => { const v = [...document.querySelectorAll('#remote video')].find(v => v.dataset.participant === p);
                 return v ? v.getVideoPlaybackQuality().totalVideoFrames : -1; }
        """;

    [Fact]
    public async Task AViewerOfRoomA_SeesAnchorB_DuringThePk()
    {
        var anchorA = await Chromium.OpenAsync(Server.BaseUrl);
        var anchorB = await Chromium.OpenAsync(Server.BaseUrl);
        var viewer = await Chromium.OpenAsync(Server.BaseUrl);
        await BrowserMediaTests.Join(anchorA, "pk-a", "anchor-a", "anchor");
        await BrowserMediaTests.Join(anchorB, "pk-b", "anchor-b", "anchor");
        await viewer.EvaluateAsync("() => window.costream.join({ room: 'pk-a', participant: 'viewer-a', role: 'audience' })");
        await WaitForFrames(viewer, "anchor-a");

        await anchorA.EvaluateAsync("() => window.costream.room.invitePk('pk-b')");
        await anchorB.EvaluateAsync("() => window.costream.room.waitForEvent(e => e.kind === 'pk.invited')");
        await anchorB.EvaluateAsync("() => window.costream.room.acceptPk('pk-a')");
        var frames = await WaitForFrames(viewer, "pk-b~anchor-b");
        Assert.True(frames > 20, $"the viewer of room A decoded {frames} frames of anchor B");
        // And the other way: anchor B's page receives anchor A.
        Assert.True(await WaitForFrames(anchorB, "pk-a~anchor-a") > 20, "anchor B decodes anchor A");
        Assert.Equal("active", await viewer.EvaluateAsync<string>("() => window.costream.room.state.pk.status"));

        await anchorA.EvaluateAsync("() => window.costream.room.endPk()");
        foreach (var page in new[] { viewer, anchorB })
            await page.EvaluateAsync("() => window.costream.room.waitForEvent(e => e.kind === 'pk.ended')");
        var kinds = await viewer.EvaluateAsync<string[]>("() => window.costream.roomEvents().filter(e => e.kind.startsWith('pk.')).map(e => e.kind)");
        Assert.Equal(["pk.invited", "pk.started", "pk.ended"], kinds);
        Assert.Null(await viewer.EvaluateAsync<string?>("() => window.costream.room.state.pk"));
    }

    private async Task<int> WaitForFrames(IPage page, string participant, int frames = 30, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        int got;
        do
        {
            await Task.Delay(500);
            got = await page.EvaluateAsync<int>(FramesOf, participant);
        } while (got < frames && DateTime.UtcNow < deadline);
        output.WriteLine($"{participant}: {got} frames");
        return got;
    }
}
