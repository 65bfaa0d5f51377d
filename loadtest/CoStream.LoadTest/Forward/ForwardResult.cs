using CoStream.LoadTest.Client;

namespace CoStream.LoadTest.Forward;

/// <summary>One row of the fan-out table.</summary>
internal sealed record ForwardResult(
    string Target,
    int Subscribers,
    int PublisherRate,
    double Seconds,
    long Forwarded,
    double HostCpuSeconds,
    double LoadGeneratorCpuSeconds,
    long LoopAllocatedBytes,
    long Received,
    long Expected,
    long Lost,
    long NacksSent,
    long[] Latency)
{
    public double ForwardedPerSecond => Forwarded / Seconds;
    public double HostCores => HostCpuSeconds / Seconds;
    public double LoadGeneratorCores => LoadGeneratorCpuSeconds / Seconds;
    public double PerCpuSecond => HostCpuSeconds > 0 ? Forwarded / HostCpuSeconds : 0;
    public double ReceivedPerSecond => Received / Seconds;

    /// <summary>Packets the players received per CPU-second of the server: the same measure for every target.</summary>
    public double ReceivedPerCpuSecond => HostCpuSeconds > 0 ? Received / HostCpuSeconds : 0;
    public double BytesPerPacket => Forwarded > 0 ? (double)LoopAllocatedBytes / Forwarded : 0;
    public double LossPercent => Expected > 0 ? 100.0 * Lost / Expected : 0;
    public long P50 => LatencyHistogram.Percentile(Latency, 50);
    public long P99 => LatencyHistogram.Percentile(Latency, 99);
    public long Max => LatencyHistogram.Max(Latency);

    public static void PrintHeader(TextWriter o)
    {
        o.WriteLine("| target | N | pub pkt/s | fwd pkt/s | players rcv pkt/s | host CPU (cores) | fwd pkt per CPU-s | lat p50 µs | p99 µs | max µs | added p50 µs | added p99 µs | loop B/pkt | loss % | NACKs | loadgen CPU (cores) |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    public void Print(TextWriter o, ForwardResult? baseline)
    {
        string added50 = baseline is null ? "–" : (P50 - baseline.P50).ToString();
        string added99 = baseline is null ? "–" : (P99 - baseline.P99).ToString();
        o.WriteLine($"| {Target} | {Subscribers} | {PublisherRate} | {ForwardedPerSecond:F0} | {ReceivedPerSecond:F0} | {HostCores:F2} | {PerCpuSecond:F0} | {P50} | {P99} | {Max} | {added50} | {added99} | {(LoopAllocatedBytes < 0 ? "–" : BytesPerPacket.ToString("F2"))} | {LossPercent:F3} | {NacksSent} | {LoadGeneratorCores:F2} |");
    }

    /// <summary>
    /// Per N present in both lists: players' received packets per server CPU-second and the latency
    /// percentiles side by side, with CoStream ÷ Janus ratios (throughput per CPU: higher is better for
    /// CoStream when &gt; 1; latency: lower is better for CoStream when &lt; 1).
    /// </summary>
    public static void PrintComparison(TextWriter o, IReadOnlyList<ForwardResult> costream, IReadOnlyList<ForwardResult> janus)
    {
        o.WriteLine("| N | CoStream rcv pkt per CPU-s | Janus rcv pkt per CPU-s | ratio CoStream ÷ Janus | CoStream CPU (cores) | Janus CPU (cores) | CoStream p50 µs | Janus p50 µs | p50 ratio | CoStream p99 µs | Janus p99 µs | p99 ratio | CoStream loss % | Janus loss % |");
        o.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ForwardResult c in costream)
        {
            ForwardResult? j = janus.FirstOrDefault(r => r.Subscribers == c.Subscribers);
            if (j is null)
            {
                continue;
            }

            string Ratio(double a, double b) => b > 0 ? (a / b).ToString("F2") : "–";
            o.WriteLine($"| {c.Subscribers} | {c.ReceivedPerCpuSecond:F0} | {j.ReceivedPerCpuSecond:F0} | {Ratio(c.ReceivedPerCpuSecond, j.ReceivedPerCpuSecond)} | {c.HostCores:F2} | {j.HostCores:F2} | {c.P50} | {j.P50} | {Ratio(c.P50, j.P50)} | {c.P99} | {j.P99} | {Ratio(c.P99, j.P99)} | {c.LossPercent:F3} | {j.LossPercent:F3} |");
        }
    }
}
