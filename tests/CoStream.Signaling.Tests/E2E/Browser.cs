using Microsoft.Playwright;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>Debian's Chromium driven by Playwright, with a fake camera and microphone. Never downloads a browser.</summary>
public sealed class Browser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Chromium = browser;
    }

    public IBrowser Chromium { get; }

    public static async Task<Browser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException("Debian chromium is not installed: run scripts/setup.sh");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--allow-loopback-in-peer-connection",
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--autoplay-policy=no-user-gesture-required",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
            ],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>A page of its own context (like a separate person's browser) on the CoStream page.</summary>
    public async Task<IPage> OpenAsync(string baseUrl, string query = "")
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { Permissions = ["camera", "microphone"] });
        var page = await context.NewPageAsync();
        page.Console += (_, msg) => { if (msg.Type is "error") Console.WriteLine("[browser] " + msg.Text); };
        await page.GotoAsync(baseUrl + "/" + query);
        await page.WaitForFunctionAsync("() => window.costream !== undefined");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.CloseAsync();
        _playwright.Dispose();
    }
}

public sealed record InboundStats(int FramesDecoded, int FramesReceived, double AudioSamples, int AudioPackets, int VideoPackets, int NackCount, int PliCount, int PacketsLost);
