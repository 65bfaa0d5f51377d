using System.Globalization;
using System.Security.Cryptography;
using CoStream.LoadTest.Client;
using CoStream.Signaling.Auth;

namespace CoStream.LoadTest.Forward;

/// <summary>
/// <c>forward</c>: fan-out 1→N through the real CoStream host (a child process), for each N one
/// publisher and N WHEP players (<see cref="SimPeer"/>), measuring forwarded packets/s, the host's
/// CPU, one-way latency and loss; plus a direct SimPeer→SimPeer baseline without the SFU.
/// </summary>
internal static class ForwardBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = ForwardOptions.Parse(args);
        if (o is null)
        {
            ForwardOptions.PrintUsage();
            return 2;
        }

        var peerOptions = new SimPeerOptions
        {
            VideoPacketsPerSecond = o.Rate,
            VideoPayloadBytes = o.PayloadBytes,
        };
        Console.WriteLine($"# forward: publisher {o.Rate} video pkt/s x {o.PayloadBytes} B + 50 audio pkt/s; warm-up {o.WarmupSeconds} s, measure {o.Seconds} s per row; {Environment.ProcessorCount} CPUs");
        var rows = new List<ForwardResult>();
        ForwardResult? baseline = null;
        if (o.Baseline)
        {
            baseline = await MeasureDirectAsync(peerOptions, o);
            rows.Add(baseline);
            ForwardResult.PrintHeader(Console.Out);
            baseline.Print(Console.Out, null);
        }

        if (!o.Baseline)
        {
            ForwardResult.PrintHeader(Console.Out);
        }

        if (o.Target is ForwardTarget.CoStream or ForwardTarget.Both)
        {
            await RunCoStreamAsync(o, peerOptions, rows, baseline);
        }

        if (o.Target is ForwardTarget.Janus or ForwardTarget.Both)
        {
            await RunJanusAsync(o, peerOptions, rows, baseline);
        }

        Console.WriteLine();
        ForwardResult.PrintHeader(Console.Out);
        foreach (ForwardResult row in rows)
        {
            row.Print(Console.Out, ReferenceEquals(row, baseline) ? null : baseline);
        }

        if (o.Target == ForwardTarget.Both)
        {
            Console.WriteLine();
            ForwardResult.PrintComparison(Console.Out, rows.Where(r => r.Target == "CoStream").ToList(),
                rows.Where(r => r.Target == JanusTarget).ToList());
        }

        return 0;
    }

    private const string JanusTarget = "Janus 1.1.2";

    private static async Task RunCoStreamAsync(ForwardOptions o, SimPeerOptions peerOptions, List<ForwardResult> rows, ForwardResult? baseline)
    {
        byte[] secret = RandomNumberGenerator.GetBytes(32);
        var tokens = new RoomTokenService(secret);
        await using var host = await HostProcess.StartAsync(o.HostDll, Convert.ToBase64String(secret));
        Console.WriteLine($"# host pid {host.Pid} at {host.BaseUrl}");
        foreach (int n in o.Subscribers)
        {
            ForwardResult row;
            try
            {
                row = await MeasureFanOutAsync(host, tokens, n, peerOptions, o);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                // An overloaded machine fails handshakes: report the row and go on.
                Console.WriteLine($"| CoStream | {n} | {o.Rate} | failed: {e.Message} |");
                continue;
            }

            rows.Add(row);
            row.Print(Console.Out, baseline);
        }
    }

    private static async Task RunJanusAsync(ForwardOptions o, SimPeerOptions peerOptions, List<ForwardResult> rows, ForwardResult? baseline)
    {
        string log = Path.Combine(Path.GetTempPath(), $"costream-janus-forward-{Environment.ProcessId}.log");
        // libnice never gathers loopback candidates, so Janus's ICE needs a non-loopback address. Our
        // rule: traffic goes only to loopback or to test hosts in network namespaces we create. So the
        // address is never picked automatically: pass --janus-ip with an address of a network namespace
        // / veth pair you made for the benchmark (docs/benchmarks.md shows how).
        System.Net.IPAddress ip = o.JanusAddress
            ?? (Environment.GetEnvironmentVariable("COSTREAM_LAB_ADDRESS") is { } lab ? System.Net.IPAddress.Parse(lab) : null)
            ?? throw new InvalidOperationException("The janus target runs under scripts/netns-run.sh --peer (or give --janus-ip <IPv4 of a veth in a network namespace you created>); libnice ignores loopback.");
        peerOptions = new SimPeerOptions
        {
            VideoPacketsPerSecond = peerOptions.VideoPacketsPerSecond,
            VideoPayloadBytes = peerOptions.VideoPayloadBytes,
            BindAddress = ip,
        };
        await using var janus = await Janus.JanusProcess.StartAsync(new Janus.JanusOptions
        {
            DebugLevel = o.JanusDebugLevel,
            LogFile = log,
            IceEnforceList = Environment.GetEnvironmentVariable("COSTREAM_PEER_INTERFACE") ?? ip.ToString(),
            NiceDebug = Environment.GetEnvironmentVariable("COSTREAM_JANUS_NICE_DEBUG") == "1",
        });
        Console.WriteLine($"# janus pid {janus.Pid} at {janus.ApiUrl}, ICE on {ip}, log {log}");
        foreach (int n in o.Subscribers)
        {
            ForwardResult row;
            try
            {
                row = await JanusForward.MeasureFanOutAsync(janus, n, peerOptions, o);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException or HttpRequestException)
            {
                Console.WriteLine($"| {JanusTarget} | {n} | {o.Rate} | failed: {e.Message} |");
                if (janus.HasExited)
                {
                    Console.WriteLine("# Janus exited; last log lines:\n" + janus.RecentLog);
                    return;
                }

                continue;
            }

            rows.Add(row);
            row.Print(Console.Out, baseline);
        }
    }

    private static async Task<ForwardResult> MeasureDirectAsync(SimPeerOptions peerOptions, ForwardOptions o)
    {
        var (publisher, receiver) = await SimPeer.ConnectDirectAsync(peerOptions);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(o.WarmupSeconds));
            SimPeerStatsSnapshot before = receiver.Stats.Snapshot();
            double selfBefore = ProcessCpu.SelfSeconds();
            long t0 = SimPeer.NowUs();
            await Task.Delay(TimeSpan.FromSeconds(o.Seconds));
            SimPeerStatsSnapshot delta = receiver.Stats.Snapshot().Minus(before);
            double seconds = (SimPeer.NowUs() - t0) / 1e6;
            double self = ProcessCpu.SelfSeconds() - selfBefore;
            return new ForwardResult("direct (no SFU)", 1, o.Rate, seconds, delta.UniquePacketsReceived, 0, self, 0,
                delta.PacketsReceived, delta.PacketsExpected, delta.PacketsLost, delta.NacksSent, delta.LatencyCounts);
        }
        finally
        {
            await publisher.DisposeAsync();
            await receiver.DisposeAsync();
        }
    }

    private static async Task<ForwardResult> MeasureFanOutAsync(HostProcess host, RoomTokenService tokens, int n,
        SimPeerOptions peerOptions, ForwardOptions o)
    {
        string room = $"fwd-{n}-{Random.Shared.Next(100000):D5}";
        TimeSpan lifetime = TimeSpan.FromHours(1);
        SimPeer publisher = await SimPeer.PublishAsync(host.BaseUrl, room, tokens.Issue(room, "pub", ParticipantRole.Anchor, lifetime), peerOptions);
        var players = new List<SimPeer>();
        try
        {
            for (int i = 0; i < n; i += 8)
            {
                var batch = Enumerable.Range(i, Math.Min(8, n - i)).Select(k =>
                    SimPeer.PlayAsync(host.BaseUrl, room, tokens.Issue(room, $"play{k}", ParticipantRole.Audience, lifetime), "pub", peerOptions));
                players.AddRange(await Task.WhenAll(batch));
            }

            await Task.Delay(TimeSpan.FromSeconds(o.WarmupSeconds));
            HostMetrics m0 = await host.GetMetricsAsync();
            double host0 = host.CpuSeconds();
            double self0 = ProcessCpu.SelfSeconds();
            SimPeerStatsSnapshot[] before = players.Select(p => p.Stats.Snapshot()).ToArray();
            long t0 = SimPeer.NowUs();
            await Task.Delay(TimeSpan.FromSeconds(o.Seconds));
            double host1 = host.CpuSeconds();
            double self1 = ProcessCpu.SelfSeconds();
            double seconds = (SimPeer.NowUs() - t0) / 1e6;
            SimPeerStatsSnapshot[] deltas = players.Select((p, i) => p.Stats.Snapshot().Minus(before[i])).ToArray();
            HostMetrics m1 = await host.GetMetricsAsync();
            var latency = new long[LatencyHistogram.BucketCount];
            foreach (SimPeerStatsSnapshot d in deltas)
            {
                LatencyHistogram.Add(latency, d.LatencyCounts);
            }

            return new ForwardResult("CoStream", n, o.Rate, seconds, m1.Forwarded - m0.Forwarded, host1 - host0, self1 - self0,
                m1.LoopAllocatedBytes - m0.LoopAllocatedBytes, deltas.Sum(d => d.PacketsReceived), deltas.Sum(d => d.PacketsExpected),
                deltas.Sum(d => d.PacketsLost), deltas.Sum(d => d.NacksSent), latency);
        }
        finally
        {
            await Task.WhenAll(players.Select(p => p.DisposeAsync().AsTask()));
            await publisher.DisposeAsync();
        }
    }
}

internal enum ForwardTarget
{
    CoStream,
    Janus,
    Both,
}

internal sealed class ForwardOptions
{
    public int[] Subscribers { get; private set; } = [1, 2, 4, 8, 16, 32];
    public int Rate { get; private set; } = 1000;
    public int PayloadBytes { get; private set; } = 1100;
    public double Seconds { get; private set; } = 10;
    public double WarmupSeconds { get; private set; } = 3;
    public bool Baseline { get; private set; } = true;
    public string HostDll { get; private set; } = HostProcess.DefaultHostDll();
    public ForwardTarget Target { get; private set; } = ForwardTarget.CoStream;
    public int JanusDebugLevel { get; private set; } = 3;
    public System.Net.IPAddress? JanusAddress { get; private set; }

    public static ForwardOptions? Parse(string[] args)
    {
        var o = new ForwardOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--n": o.Subscribers = Next().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--rate": o.Rate = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--payload": o.PayloadBytes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--duration": o.Seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": o.WarmupSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--no-baseline": o.Baseline = false; break;
                case "--host": o.HostDll = Path.GetFullPath(Next()); break;
                case "--target":
                    o.Target = Next() switch
                    {
                        "costream" => ForwardTarget.CoStream,
                        "janus" => ForwardTarget.Janus,
                        "both" => ForwardTarget.Both,
                        _ => throw new ArgumentException("--target costream|janus|both"),
                    };
                    break;
                case "--janus-ip": o.JanusAddress = System.Net.IPAddress.Parse(Next()); break;
                case "--janus-debug": o.JanusDebugLevel = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: return null;
            }
        }

        // Bounded: at most 64 players, 60 s per row, 20k packets/s from the publisher.
        if (o.Subscribers.Any(n => n < 1 || n > 64) || o.Rate is < 1 or > 20_000 || o.Seconds is <= 0 or > 60 || o.WarmupSeconds is < 0 or > 30)
        {
            return null;
        }

        return o;
    }

    public static void PrintUsage()
    {
        Console.Error.WriteLine("usage: CoStream.LoadTest forward [--n 1,2,4,8,16,32] [--rate 1000] [--payload 1100] [--duration 10] [--warmup 3] [--no-baseline] [--host path/CoStream.Signaling.dll] [--target costream|janus|both] [--janus-debug 3] [--janus-ip <local IPv4>]");
        Console.Error.WriteLine("  build the host first: dotnet build signaling/CoStream.Signaling -c Release (building the load test does it too)");
    }
}
