using System.Globalization;
using Microsoft.Playwright;

namespace CoStream.LoadTest.Latency;

/// <summary>
/// <c>latency</c> subcommand: capture-to-render latency of a painted clock from one Chromium page
/// to another, per scenario (Janus videoroom, direct peer connection, ...), as p50/p95/p99.
/// </summary>
public static class LatencyBenchmark
{
    /// <summary>Scenarios by command-line key, in the order they run. Add one here to benchmark it.</summary>
    public static readonly List<(string Key, Func<ILatencyScenario> Create)> Scenarios =
    [
        ("janus", () => new JanusScenario()),
        ("p2p", () => new PeerConnectionScenario()),
        ("sfu", () => new SfuScenario()),
    ];

    public static readonly string[] ChromiumArgs =
    [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection",
        "--disable-features=WebRtcHideLocalIpsWithMdns",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--autoplay-policy=no-user-gesture-required",
    ];

    private const string Usage = """
        usage: CoStream.LoadTest latency [options]
          --seconds N        measuring time per scenario after warm-up (default 20)
          --rounds N         run the scenarios N times, interleaved, and pool the samples (default 1)
          --warmup N         seconds discarded after the first frame (default 3)
          --scenarios a,b    which to run (default: all; known: {0})
          --baseline KEY     scenario the ratios are taken against (default janus, else the first)
          --web-root PATH    the web-client/ folder (default: found above the working directory)
          --chromium PATH    Chromium executable (default /usr/bin/chromium)
          --verbose          echo page console lines to stderr
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        double seconds = 20;
        int rounds = 1;
        string? only = null, baseline = null, webRoot = null, chromium = "/usr/bin/chromium";
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": LabPage.WarmUp = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--scenarios": only = Next(); break;
                case "--baseline": baseline = Next(); break;
                case "--web-root": webRoot = Next(); break;
                case "--chromium": chromium = Next(); break;
                case "--verbose": LabPage.Log = Console.Error; break;
                case "-h" or "--help": Console.WriteLine(string.Format(Usage, string.Join(", ", Scenarios.Select(s => s.Key)))); return 0;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var selected = only is null
            ? Scenarios
            : only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                  .Select(k => Scenarios.FirstOrDefault(s => s.Key == k)).ToList();
        if (selected.Any(s => s.Create is null))
        {
            Console.Error.WriteLine($"unknown scenario in '{only}'; known: {string.Join(", ", Scenarios.Select(s => s.Key))}");
            return 2;
        }
        webRoot ??= StaticFileServer.FindWebClient();
        if (webRoot is null || !Directory.Exists(webRoot))
        {
            Console.Error.WriteLine("web-client/ not found; pass --web-root");
            return 2;
        }

        var duration = TimeSpan.FromSeconds(seconds);
        await using var server = await StaticFileServer.StartAsync(webRoot);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
        });
        Console.WriteLine($"latency: {browser.Version} via {server.BaseUrl}, {seconds:0.#} s per scenario, " +
                          $"{Environment.ProcessorCount} cores, load {LoadAverage()}");

        // Interleaved rounds spread the box's background load over all scenarios alike.
        var scenarios = selected.Select(s => (s.Key, Scenario: s.Create())).ToList();
        var pooled = scenarios.ToDictionary(s => s.Key, _ => new List<double>());
        var failed = new Dictionary<string, string>();
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var (key, scenario) in scenarios)
            {
                if (failed.ContainsKey(key)) continue;
                Console.WriteLine($"round {round}/{rounds}: {key} ({scenario.Name}) ...");
                try
                {
                    var samples = await scenario.RunAsync(browser, server.BaseUrl, duration);
                    pooled[key].AddRange(samples);
                    var s = LatencySummary.From(scenario.Name, samples);
                    Console.WriteLine($"  {s.Count} samples, p50 {s.P50:0} ms, p95 {s.P95:0} ms, load {LoadAverage()}");
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"{key}: {e}");
                    failed[key] = e.Message.Split('\n')[0];
                }
            }
        }
        var rows = scenarios.Select(s => failed.TryGetValue(s.Key, out var error)
            ? LatencySummary.Failed(s.Scenario.Name, error)
            : LatencySummary.From(s.Scenario.Name, pooled[s.Key])).ToList();
        string? baselineName = scenarios.FirstOrDefault(s => s.Key == (baseline ?? "janus")).Scenario?.Name;

        Console.WriteLine();
        Console.Write(LatencyTable.Format(rows, baselineName));
        Console.WriteLine($"load after: {LoadAverage()}");
        return rows.All(r => r.Ok) ? 0 : 1;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }
}
