namespace CoStream.LoadTest.Fuzz;

/// <summary>Checks inside targets: a false condition is a parser bug, reported as a crash.</summary>
internal static class FuzzInvariant
{
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(what);
        }
    }
}
