using CoStream.LoadTest.Janus;
using Microsoft.Playwright;

namespace CoStream.LoadTest.Latency;

/// <summary>
/// Chromium → Debian's Janus videoroom → Chromium: starts its own Janus, publishes a clock
/// stream from one page and subscribes to it from another (web-client/janus.html).
/// </summary>
public sealed class JanusScenario(JanusOptions? options = null) : ILatencyScenario
{
    private const int Room = 4242;

    public string Name => "Janus 1.1.2 videoroom";

    public async Task<double[]> RunAsync(IBrowser browser, string baseUrl, TimeSpan duration)
    {
        await using var janus = await JanusProcess.StartAsync((options ?? new JanusOptions()) with { AllowOrigin = baseUrl });
        await using var context = await browser.NewContextAsync();
        try
        {
            var publisher = await LabPage.OpenAsync(context, baseUrl + "/janus.html", "janus-pub");
            var subscriber = await LabPage.OpenAsync(context, baseUrl + "/janus.html", "janus-sub");
            long feedId = await publisher.EvaluateAsync<long>(
                "async ([url, room]) => (await window.lab.publish(url, room)).feedId", new object[] { janus.ApiUrl, Room });
            await subscriber.EvaluateAsync(
                "async ([url, room, feed]) => { await window.lab.subscribe(url, room, feed); }", new object[] { janus.ApiUrl, Room, feedId });
            var samples = await LabPage.MeasureAsync(subscriber, duration);
            await LabPage.StopAsync(subscriber);
            await LabPage.StopAsync(publisher);
            return samples;
        }
        catch (Exception e) when (janus.HasExited)
        {
            throw new InvalidOperationException("Janus exited during the run:\n" + janus.RecentLog, e);
        }
    }
}
