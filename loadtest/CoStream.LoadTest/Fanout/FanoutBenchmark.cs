using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CoStream.LoadTest.Client;
using CoStream.LoadTest.Forward;
using CoStream.Signaling.Auth;

namespace CoStream.LoadTest.Fanout;

/// <summary>
/// <c>fanout</c>: room event fan-out through the real host (a child process). For each N, N members join one room
/// over <see cref="SignalRJsonClient"/>; one anchor posts comments at a fixed rate, each carrying its send time; every
/// member records arrival latency. Per-user and room limits are raised on the host for the run (the benchmark measures
/// delivery, not the limits). Docs: docs/benchmarks.md "Room event fan-out".
/// </summary>
internal static class FanoutBenchmark
{
    private static readonly string[] LimitsOff =
    [
        "--Rooms:Chat:CommentsPerSecond=1000000", "--Rooms:Chat:CommentBurst=1000000",
        "--Rooms:Chat:RoomCommentsPerSecond=1000000", "--Rooms:Chat:RoomCommentBurst=1000000",
        "--Rooms:Guard:InvocationsPerSecond=1000000", "--Rooms:Guard:InvocationBurst=1000000",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var o = FanoutOptions.Parse(args);
        if (o is null)
        {
            FanoutOptions.PrintUsage();
            return 2;
        }
        var secret = RandomNumberGenerator.GetBytes(32);
        var tokens = new RoomTokenService(secret);
        await using var host = await HostProcess.StartAsync(o.HostDll, Convert.ToBase64String(secret), [.. LimitsOff, .. o.HostArgs]);
        Console.WriteLine($"# fanout: host pid {host.Pid} at {host.BaseUrl}; warm-up {o.WarmupSeconds} s, measure {o.Seconds} s per row; {Environment.ProcessorCount} CPUs");
        FanoutRow.PrintHeader();
        var rows = new List<FanoutRow>();
        var rowNumber = 0;
        foreach (var n in o.Clients)
        {
            var rates = o.Rates.Length > 0 ? o.Rates : [Math.Max(1, (int)Math.Ceiling(25_000.0 / n))];
            foreach (var first in rates)
            {
                var rate = first;
                for (var step = 0; step <= o.FindMaxSteps; step++)
                {
                    var row = await RunRowAsync(host, tokens, $"fanout-{++rowNumber}", n, rate, o);
                    row.Print();
                    rows.Add(row);
                    if (o.FindMaxSteps == 0 || !row.Sustained) break;
                    rate = (int)Math.Ceiling(rate * 1.5);
                }
            }
        }
        Console.WriteLine();
        Console.WriteLine("# summary");
        FanoutRow.PrintHeader();
        foreach (var row in rows) row.Print();
        var metrics = await new HttpClient().GetStringAsync(host.BaseUrl + "metrics");
        using var doc = JsonDocument.Parse(metrics);
        Console.WriteLine("# host signalling counters: " + doc.RootElement.GetProperty("signaling").GetRawText());
        return 0;
    }

    private static async Task<FanoutRow> RunRowAsync(HostProcess host, RoomTokenService tokens, string room, int n, int rate, FanoutOptions o)
    {
        var hubUrl = host.BaseUrl.TrimEnd('/') + "/hubs/room";
        var receivers = Enumerable.Range(0, n).Select(_ => new FanoutReceiver()).ToArray();
        var connectWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var token = tokens.Issue(room, $"viewer-{i}", ParticipantRole.Audience, TimeSpan.FromHours(1));
            var r = receivers[i];
            r.Connection = await SignalRJsonClient.ConnectAsync(hubUrl, token, r.OnInvocation, ct);
            await r.Connection.InvokeAsync("Join", 0);
        });
        var connectSeconds = connectWatch.Elapsed.TotalSeconds;
        SignalRJsonClient? slow = null;
        if (o.SlowClient)
        {
            slow = await SignalRJsonClient.ConnectAsync(hubUrl, tokens.Issue(room, "slow-viewer", ParticipantRole.Audience, TimeSpan.FromHours(1)));
            await slow.InvokeAsync("Join", 0);
            slow.StopReading();
        }
        var sender = await SignalRJsonClient.ConnectAsync(hubUrl, tokens.Issue(room, "anchor", ParticipantRole.Anchor, TimeSpan.FromHours(1)));

        var warmupTicks = (long)(o.WarmupSeconds * Stopwatch.Frequency);
        var measureTicks = (long)(o.Seconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + warmupTicks;
        var windowEnd = windowStart + measureTicks;
        foreach (var r in receivers) r.SetWindow(windowStart, windowEnd);

        var padding = o.PadChars > 0 ? " " + new string('p', o.PadChars) : "";
        var completions = new List<TaskCompletionSource<JsonElement>>(capacity: (int)(rate * o.Seconds) + 16);
        long sent = 0, sentInWindow = 0;
        double cpuStart = 0, cpuEnd = 0, selfStart = 0;
        var cpuStarted = false;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= windowEnd) break;
            if (!cpuStarted && now >= windowStart) { cpuStart = host.CpuSeconds(); selfStart = ProcessCpu.SelfSeconds(); cpuStarted = true; }
            var due = (long)((now - start) * (double)rate / Stopwatch.Frequency);
            for (; sent < due; sent++)
            {
                var t = Stopwatch.GetTimestamp();
                var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (t >= windowStart) { completions.Add(tcs); sentInWindow++; }
                await sender.InvokePipelinedAsync("Comment", ["t:" + t + padding, null], tcs);
            }
            await Task.Delay(1);
        }
        cpuEnd = host.CpuSeconds();
        var selfCores = (ProcessCpu.SelfSeconds() - selfStart) / o.Seconds;
        var expected = sentInWindow * n;
        // Let the tail arrive: until every member has all the window's comments, or 5 s.
        var drain = Stopwatch.StartNew();
        while (receivers.Sum(r => Interlocked.Read(ref r.Received)) < expected && drain.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(50);
        var acked = 0;
        var broadcast = 0;
        foreach (var c in completions)
        {
            if (!c.Task.IsCompletedSuccessfully) continue;
            acked++;
            if (c.Task.Result.TryGetProperty("broadcast", out var b) && b.GetBoolean()) broadcast++;
        }
        var latency = new long[LatencyHistogram.BucketCount];
        foreach (var r in receivers) LatencyHistogram.Add(latency, r.Latency.Snapshot());
        var delivered = receivers.Sum(r => Interlocked.Read(ref r.Received));
        var outOfOrder = receivers.Sum(r => r.OutOfOrder);
        string? slowFate = null;
        if (slow is not null)
        {
            // Read what the server had buffered for it: a closed connection ends with a close message or EOF.
            slow.ResumeReading();
            var closed = await Task.WhenAny(slow.Closed, Task.Delay(5000)) == slow.Closed;
            slowFate = closed ? "closed" : "open";
        }

        await Task.WhenAll(receivers.Select(r => r.Connection!.DisposeAsync().AsTask()));
        await sender.DisposeAsync();
        if (slow is not null) await slow.DisposeAsync();
        return new FanoutRow(n, rate, o.Seconds, sentInWindow, acked, broadcast, expected, delivered, outOfOrder, latency,
            (cpuEnd - cpuStart) / o.Seconds, selfCores, connectSeconds, slowFate);
    }
}

internal sealed record FanoutRow(int Clients, int Rate, double Seconds, long Sent, long Acked, long Broadcast, long Expected,
    long Delivered, long OutOfOrder, long[] Latency, double HostCores, double GeneratorCores, double ConnectSeconds, string? SlowClient)
{
    public double ArrivalPercent => Expected == 0 ? 0 : 100.0 * Delivered / Expected;
    public double P99Ms => LatencyHistogram.Percentile(Latency, 99) / 1000.0;
    public bool Sustained => Delivered == Expected && Broadcast == Sent && P99Ms < 50;

    public static void PrintHeader() =>
        Console.WriteLine($"{"N",5} {"rate/s",7} {"sent",7} {"acked",7} {"expected",9} {"delivered",9} {"arrival %",9} {"deliv/s",9} {"p50 ms",7} {"p99 ms",7} {"max ms",7} {"host cores",10} {"gen cores",9} {"order",5} {"conn s",6} {"slow",6}");

    public void Print() =>
        Console.WriteLine($"{Clients,5} {Rate,7} {Sent,7} {Acked,7} {Expected,9} {Delivered,9} {ArrivalPercent,9:F3} {Delivered / Seconds,9:F0} " +
            $"{LatencyHistogram.Percentile(Latency, 50) / 1000.0,7:F1} {P99Ms,7:F1} {LatencyHistogram.Max(Latency) / 1000.0,7:F1} {HostCores,10:F2} {GeneratorCores,9:F2} " +
            $"{(OutOfOrder == 0 ? "ok" : OutOfOrder.ToString()),5} {ConnectSeconds,6:F1} {SlowClient ?? "-",6}");
}
