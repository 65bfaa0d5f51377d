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
    public double BytesPerPacket => Forwarded > 0 ? (double)LoopAllocatedBytes / Forwarded : 0;
    public double LossPercent => Expected > 0 ? 100.0 * Lost / Expected : 0;
    public long P50 => LatencyHistogram.Percentile(Latency, 50);
    public long P99 => LatencyHistogram.Percentile(Latency, 99);
    public long Max => LatencyHistogram.Max(Latency);

    public static void PrintHeader(TextWriter o)
    {
        o.WriteLine("| target | N | pub pkt/s | fwd pkt/s | host CPU (cores) | fwd pkt per CPU-s | lat p50 µs | p99 µs | max µs | added p50 µs | added p99 µs | loop B/pkt | loss % | NACKs | loadgen CPU (cores) |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    }

    public void Print(TextWriter o, ForwardResult? baseline)
    {
        string added50 = baseline is null ? "–" : (P50 - baseline.P50).ToString();
        string added99 = baseline is null ? "–" : (P99 - baseline.P99).ToString();
        o.WriteLine($"| {Target} | {Subscribers} | {PublisherRate} | {ForwardedPerSecond:F0} | {HostCores:F2} | {PerCpuSecond:F0} | {P50} | {P99} | {Max} | {added50} | {added99} | {BytesPerPacket:F2} | {LossPercent:F3} | {NacksSent} | {LoadGeneratorCores:F2} |");
    }
}
