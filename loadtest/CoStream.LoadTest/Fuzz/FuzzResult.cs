namespace CoStream.LoadTest.Fuzz;

/// <summary>What one target's run counted.</summary>
internal sealed class FuzzResult(FuzzTarget target)
{
    public FuzzTarget Target { get; } = target;

    public long Cases { get; set; }

    public long Accepted { get; set; }

    public long Refused => Cases - Accepted - Exceptions - Hangs;

    public long Exceptions { get; set; }

    public long Hangs { get; set; }

    public TimeSpan Elapsed { get; set; }

    public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    public Dictionary<string, long> Refusals { get; } = new(StringComparer.Ordinal);

    /// <summary>Exception type and message (first line) to count.</summary>
    public Dictionary<string, long> Crashes { get; } = new(StringComparer.Ordinal);

    /// <summary>Crash files written (new ones only; a known input is not written twice).</summary>
    public List<string> CrashFiles { get; } = new();

    public long[] MutationCounts { get; set; } = [];

    public IEnumerable<KeyValuePair<string, long>> TopRefusals(int count) =>
        Refusals.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).Take(count);
}
