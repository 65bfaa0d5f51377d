using CoStream.LoadTest.Forward;
using Microsoft.Playwright;

namespace CoStream.LoadTest.Latency;

/// <summary>
/// Through our SFU: the real CoStream host as a child process; one page publishes the clock stream as
/// an anchor (SignalR publish), another joins as audience and plays it through the SFU (web-client/sfu-lab.html).
/// </summary>
public sealed class SfuScenario : ILatencyScenario
{
    public string Name => "CoStream SFU";

    public async Task<double[]> RunAsync(IBrowser browser, string baseUrl, TimeSpan duration)
    {
        await using var host = await HostProcess.StartAsync(HostProcess.DefaultHostDll(),
            Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        await using var context = await browser.NewContextAsync();
        var room = "lat-" + Guid.NewGuid().ToString("N")[..8];
        var publisher = await LabPage.OpenAsync(context, host.BaseUrl.TrimEnd('/') + "/sfu-lab.html", "sfu-pub");
        await publisher.EvaluateAsync("(room) => window.lab.publish(room)", room);
        var subscriber = await LabPage.OpenAsync(context, host.BaseUrl.TrimEnd('/') + "/sfu-lab.html", "sfu-sub");
        await subscriber.EvaluateAsync("(room) => window.lab.subscribe(room)", room);
        var samples = await LabPage.MeasureAsync(subscriber, duration);
        await LabPage.StopAsync(subscriber);
        await LabPage.StopAsync(publisher);
        return samples;
    }
}
