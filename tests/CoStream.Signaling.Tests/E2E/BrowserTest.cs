namespace CoStream.Signaling.Tests.E2E;

/// <summary>A real CoStream server and Debian's Chromium for each test, started on loopback and stopped after it.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    protected CoStreamServer Server { get; private set; } = null!;
    protected Browser Chromium { get; private set; } = null!;

    /// <summary>Extra server settings (e.g. the SFU's ports) for a test class.</summary>
    protected virtual string[] ServerArguments() => [];

    public virtual async Task InitializeAsync()
    {
        Server = await CoStreamServer.StartAsync(ServerArguments());
        Chromium = await Browser.LaunchAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Server.DisposeAsync();
    }
}
