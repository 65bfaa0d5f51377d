using Microsoft.Playwright;

namespace CoStream.LoadTest.Latency;

/// <summary>
/// The floor: two RTCPeerConnections in one page (web-client/p2p.html), pc1 sends the clock
/// stream straight to pc2 over loopback, no server in between.
/// </summary>
public sealed class PeerConnectionScenario : ILatencyScenario
{
    public string Name => "direct peer connection";

    public async Task<double[]> RunAsync(IBrowser browser, string baseUrl, TimeSpan duration)
    {
        await using var context = await browser.NewContextAsync();
        var page = await LabPage.OpenAsync(context, baseUrl + "/p2p.html", "p2p");
        await page.EvaluateAsync("async () => { await window.lab.publish(); await window.lab.subscribe(); }");
        var samples = await LabPage.MeasureAsync(page, duration);
        await LabPage.StopAsync(page);
        return samples;
    }
}
