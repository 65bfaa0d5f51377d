using System.Globalization;
using System.Text;

namespace CoStream.LoadTest.Latency;

/// <summary>Prints scenario summaries as a fixed-width table with ratios against a baseline.</summary>
public static class LatencyTable
{
    public static string Format(IReadOnlyList<LatencySummary> rows, string? baseline)
    {
        var basis = rows.FirstOrDefault(r => r.Ok && r.Scenario == baseline) ?? rows.FirstOrDefault(r => r.Ok);
        int nameWidth = Math.Max(20, rows.Max(r => r.Scenario.Length));
        var sb = new StringBuilder();
        sb.AppendLine($"{"scenario".PadRight(nameWidth)}  {"count",6}  {"p50 ms",7}  {"p95 ms",7}  {"p99 ms",7}  {"min",5}  {"max",6}  {"p50 ×",6}  {"p95 ×",6}");
        sb.AppendLine(new string('-', nameWidth + 70));
        foreach (var r in rows)
        {
            if (!r.Ok)
            {
                sb.AppendLine($"{r.Scenario.PadRight(nameWidth)}  FAILED: {r.Error}");
                continue;
            }
            sb.Append(r.Scenario.PadRight(nameWidth))
              .Append($"  {r.Count,6}  {N(r.P50),7}  {N(r.P95),7}  {N(r.P99),7}  {N(r.Min),5}  {N(r.Max),6}")
              .Append($"  {Ratio(r.P50, basis?.P50),6}  {Ratio(r.P95, basis?.P95),6}")
              .AppendLine();
        }
        if (basis is not null)
            sb.AppendLine($"(× = ratio to \"{basis.Scenario}\"; lower is better)");
        return sb.ToString();
    }

    private static string N(double v) => v.ToString("0", CultureInfo.InvariantCulture);

    private static string Ratio(double v, double? basis) =>
        basis is > 0 ? (v / basis.Value).ToString("0.00", CultureInfo.InvariantCulture) : "-";
}
