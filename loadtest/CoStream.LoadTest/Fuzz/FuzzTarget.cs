namespace CoStream.LoadTest.Fuzz;

/// <summary>
/// One parser entry point under fuzzing: its seeds, where its length fields are, and how to run
/// one input through it. <see cref="Run"/> returns null when the input was accepted at every
/// stage, or the refusal reason (the parser's error enum name, prefixed by the stage after the
/// first). A broken invariant throws <see cref="FuzzInvariantException"/>, counted like any crash.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>Name on the command line and in crash file names (<c>stun</c>, <c>srtp-gcm</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Protocols folder whose tests get the crash inputs (<c>Stun</c>, <c>Rtcp</c>, ...).</summary>
    public abstract string Folder { get; }

    /// <summary>What the target calls, for the report.</summary>
    public abstract string EntryPoints { get; }

    /// <summary>True when inputs are UTF-8 text (SDP, candidates): the text mutator is used as well.</summary>
    public virtual bool IsText => false;

    /// <summary>Valid inputs to mutate.</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>
    /// Adds the length and count fields found in <paramref name="input"/> (walking the structure
    /// as far as it goes) so the mutator can rewrite them. None by default.
    /// </summary>
    public virtual void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields)
    {
    }

    /// <summary>A fresh input the mutator should pass through unchanged (e.g. a new SRTP packet), or null.</summary>
    public virtual byte[]? NextFreshSeed(Random random) => null;

    /// <summary>Runs one input; null when accepted, else the refusal reason.</summary>
    public abstract string? Run(byte[] input);
}

/// <summary>A length or count field: <see cref="Size"/> big-endian bytes at <see cref="Offset"/>, under <see cref="Mask"/>.</summary>
internal readonly record struct LengthField(int Offset, int Size, uint Mask = uint.MaxValue);

/// <summary>An input was accepted but something read from it is inconsistent.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);

/// <summary>Enum value names without a <c>ToString()</c> allocation per case.</summary>
internal static class ReasonName<T>
    where T : struct, Enum
{
    private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString());

    public static string Of(T value) => Names.TryGetValue(value, out string? name) ? name : value.ToString();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, T), string> Staged = new();

    public static string Of(string stage, T value) =>
        Staged.GetOrAdd((stage, value), static key => key.Item1 + ":" + Of(key.Item2));
}
