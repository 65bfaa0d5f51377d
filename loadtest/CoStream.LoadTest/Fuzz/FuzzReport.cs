namespace CoStream.LoadTest.Fuzz;

/// <summary>Prints the per-target results as text, and as a Markdown table for docs/fuzzing.md.</summary>
internal static class FuzzReport
{
    public static void PrintTarget(TextWriter output, FuzzResult r)
    {
        output.WriteLine($"{r.Target.Name} ({r.Target.EntryPoints})");
        output.WriteLine($"  cases {r.Cases:N0} in {r.Elapsed.TotalSeconds:0.0} s = {r.CasesPerSecond:N0}/s; " +
            $"accepted {r.Accepted:N0}, refused {r.Refused:N0}, exceptions {r.Exceptions}, hangs {r.Hangs}");
        foreach (var (reason, count) in r.TopRefusals(int.MaxValue))
        {
            output.WriteLine($"    {reason,-40} {count,12:N0}");
        }

        foreach (var (crash, count) in r.Crashes)
        {
            output.WriteLine($"  CRASH x{count}: {crash}");
        }

        foreach (string file in r.CrashFiles)
        {
            output.WriteLine($"  written: {file}");
        }
    }

    public static void PrintMarkdown(TextWriter output, IReadOnlyList<FuzzResult> results)
    {
        output.WriteLine("| Target | Cases | Cases/s | Accepted | Refused | Top refusal reasons | Exceptions | Hangs |");
        output.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|");
        foreach (FuzzResult r in results)
        {
            string top = string.Join(", ", r.TopRefusals(3).Select(p => $"{p.Key} {Percent(p.Value, r.Cases)}"));
            output.WriteLine($"| `{r.Target.Name}` | {r.Cases:N0} | {r.CasesPerSecond:N0} | {r.Accepted:N0} ({Percent(r.Accepted, r.Cases)}) | " +
                $"{r.Refused:N0} | {top} | {r.Exceptions} | {r.Hangs} |");
        }
    }

    private static string Percent(long part, long whole) => whole == 0 ? "0%" : $"{100.0 * part / whole:0.#}%";
}
