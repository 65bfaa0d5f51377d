using Microsoft.Playwright;

namespace CoStream.LoadTest.Latency;

/// <summary>
/// Helpers for scenarios that drive a lab page's <c>window.lab</c>
/// (publish / subscribe / samples / stop — see web-client/js/lab-common.js).
/// </summary>
public static class LabPage
{
    /// <summary>Time to wait for the first rendered frame whose clock could be read.</summary>
    public static TimeSpan FirstSampleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Samples after the first frame that are thrown away (encoder and bandwidth ramp-up).</summary>
    public static TimeSpan WarmUp { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>When set, page console lines and errors are written here.</summary>
    public static TextWriter? Log { get; set; }

    /// <summary>Opens <paramref name="url"/> in a new page and waits until window.lab exists.</summary>
    public static async Task<IPage> OpenAsync(IBrowserContext context, string url, string tag)
    {
        var page = await context.NewPageAsync();
        if (Log is { } log)
        {
            page.Console += (_, m) => log.WriteLine($"[{tag}] {m.Type}: {m.Text}");
            page.PageError += (_, e) => log.WriteLine($"[{tag}] page error: {e}");
        }
        await page.GotoAsync(url);
        await page.WaitForFunctionAsync("() => window.lab && typeof window.lab.publish === 'function'");
        return page;
    }

    /// <summary>
    /// Waits for the first sample on <paramref name="receiver"/>, discards the warm-up, then
    /// collects for <paramref name="duration"/> and returns those samples.
    /// </summary>
    public static async Task<double[]> MeasureAsync(IPage receiver, TimeSpan duration)
    {
        try
        {
            await receiver.WaitForFunctionAsync("() => window.lab.samples.length > 0", null,
                new PageWaitForFunctionOptions { Timeout = (float)FirstSampleTimeout.TotalMilliseconds, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            string errors = await receiver.EvaluateAsync<string>("() => JSON.stringify(window.lab.errors)");
            throw new TimeoutException($"no frame with a readable clock within {FirstSampleTimeout}; page errors: {errors}");
        }
        await Task.Delay(WarmUp);
        await receiver.EvaluateAsync("() => { window.lab.samples.length = 0; }");
        await Task.Delay(duration);
        return await receiver.EvaluateAsync<double[]>("() => window.lab.samples.splice(0)");
    }

    /// <summary>Calls window.lab.stop() if the page is still open; never throws.</summary>
    public static async Task StopAsync(IPage page)
    {
        try { await page.EvaluateAsync("() => window.lab.stop && window.lab.stop()"); }
        catch (PlaywrightException) { }
    }
}
