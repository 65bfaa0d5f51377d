namespace CoStream.LoadTest.Latency;

/// <summary>Percentiles of one scenario's latency samples (ms), nearest-rank.</summary>
public sealed record LatencySummary(string Scenario, int Count, double P50, double P95, double P99, double Min, double Max, string? Error = null)
{
    public static LatencySummary From(string scenario, IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
            return Failed(scenario, "no samples");
        var sorted = samples.Order().ToArray();
        return new LatencySummary(scenario, sorted.Length,
            Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[0], sorted[^1]);
    }

    public static LatencySummary Failed(string scenario, string error) =>
        new(scenario, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, error);

    public bool Ok => Error is null;

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
