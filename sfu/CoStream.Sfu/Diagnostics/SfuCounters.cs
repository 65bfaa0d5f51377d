using System.Collections.Concurrent;

namespace CoStream.Sfu.Diagnostics;

/// <summary>
/// Named monotonically increasing counters: refusals by protocol and reason ("rtp.refused.TooShort"),
/// forwarding totals, NACKs, keyframe requests. Counting is allocation-free once a name exists
/// (enum-keyed arrays per protocol), snapshot for /metrics.
/// </summary>
public sealed class SfuCounters
{
    private readonly ConcurrentDictionary<string, StrongBox> _named = new();

    public sealed class StrongBox { public long Value; }

    /// <summary>A counter handle to keep and increment on hot paths.</summary>
    public StrongBox Get(string name) => _named.GetOrAdd(name, _ => new StrongBox());

    public void Increment(string name) => Interlocked.Increment(ref Get(name).Value);

    public long Read(string name) => _named.TryGetValue(name, out var b) ? Interlocked.Read(ref b.Value) : 0;

    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_named.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Value)));
}

/// <summary>Refusal counters of one protocol, indexed by its error enum without boxing or allocating.</summary>
public sealed class RefusalCounters<TError> where TError : struct, Enum
{
    private readonly SfuCounters.StrongBox[] _boxes;

    /// <param name="successes">Outcomes that are not refusals (default: the value 0, "None").</param>
    public RefusalCounters(SfuCounters counters, string protocol, params TError[] successes)
    {
        var values = Enum.GetValues<TError>()
            .Where(v => successes.Length == 0 ? Convert.ToInt32(v) != 0 : !successes.Contains(v))
            .ToArray();
        var max = Enum.GetValues<TError>().Max(v => Convert.ToInt32(v));
        _boxes = new SfuCounters.StrongBox[max + 1];
        foreach (var v in values)
            _boxes[Convert.ToInt32(v)] = counters.Get($"{protocol}.refused.{v}");
    }

    public void Count(TError error) => Add(error, 1);

    public void Add(TError error, long count)
    {
        var i = System.Runtime.CompilerServices.Unsafe.SizeOf<TError>() switch
        {
            1 => System.Runtime.CompilerServices.Unsafe.As<TError, byte>(ref error),
            2 => System.Runtime.CompilerServices.Unsafe.As<TError, ushort>(ref error),
            _ => System.Runtime.CompilerServices.Unsafe.As<TError, int>(ref error),
        };
        if ((uint)i < (uint)_boxes.Length && _boxes[i] is { } box) Interlocked.Add(ref box.Value, count);
    }
}
