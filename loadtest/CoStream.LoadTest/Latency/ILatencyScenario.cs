using Microsoft.Playwright;

namespace CoStream.LoadTest.Latency;

/// <summary>
/// One way of getting a clock stream from a Chromium page to another (through a server or
/// directly). Runs it for <c>duration</c> after warm-up and returns the capture-to-render
/// latencies (ms) that the receiving page read from rendered frames.
/// </summary>
public interface ILatencyScenario
{
    string Name { get; }

    /// <param name="browser">A launched Chromium; the scenario opens and closes its own contexts.</param>
    /// <param name="baseUrl">Where web-client/ is served, e.g. http://127.0.0.1:5123 (no trailing slash).</param>
    Task<double[]> RunAsync(IBrowser browser, string baseUrl, TimeSpan duration);
}
