using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace CoStream.LoadTest.Mix;

/// <summary>
/// Where managed allocations come from, by the runtime's own sampling: the GC raises <c>GCAllocationTick</c> about every
/// 100 KB allocated, naming the type and the thread of the allocation that crossed the line. Counted per (thread name,
/// type) while enabled; a sample stands for ~100 KB.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly ConcurrentDictionary<(string Thread, string Type), long> _bytes = new();
    private readonly ConcurrentDictionary<ulong, string> _threadNames = new();
    private volatile bool _on;

    public void Start() => _on = true;
    public void Stop() => _on = false;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames?.IndexOf("TypeName") is int t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames?.IndexOf("AllocationAmount64") is int a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        var thread = _threadNames.GetOrAdd((ulong)e.OSThreadId, id => ThreadName((int)id));
        _bytes.AddOrUpdate((thread, type), amount, (_, v) => v + amount);
    }

    private static string ThreadName(int tid)
    {
        try { return File.ReadAllText($"/proc/self/task/{tid}/comm").Trim(); }
        catch (IOException) { return "tid " + tid; }
        catch (UnauthorizedAccessException) { return "tid " + tid; }
    }

    /// <summary>The largest sources, most first.</summary>
    public IEnumerable<(string Thread, string Type, long Bytes)> Top(int n) =>
        _bytes.OrderByDescending(kv => kv.Value).Take(n).Select(kv => (kv.Key.Thread, kv.Key.Type, kv.Value));
}
