using System.Security.Cryptography;

namespace CoStream.LoadTest.Fuzz;

/// <summary>
/// Writes inputs that crashed or hung a parser to
/// <c>tests/CoStream.Sfu.Protocols.Tests/&lt;Folder&gt;/Corpus/&lt;target&gt;-&lt;hash&gt;.bin</c>,
/// where the folder's corpus-replay test picks them up. The hash is the first 8 bytes of the
/// input's SHA-256, so the same input is written once.
/// </summary>
internal sealed class CrashCorpus(string testsRoot)
{
    public string TestsRoot { get; } = testsRoot;

    public static string GetFileName(string target, ReadOnlySpan<byte> input) =>
        $"{target}-{Convert.ToHexStringLower(SHA256.HashData(input).AsSpan(0, 8))}.bin";

    /// <summary>Writes <paramref name="input"/>; returns the path, or null when it was already there.</summary>
    public string? Write(FuzzTarget target, byte[] input)
    {
        string directory = Path.Combine(TestsRoot, target.Folder, "Corpus");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, GetFileName(target.Name, input));
        if (File.Exists(path))
        {
            return null;
        }

        File.WriteAllBytes(path, input);
        return path;
    }

    /// <summary>The protocols test project, found above the working directory or the executable.</summary>
    public static string FindTestsRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "CoStream.Sfu.Protocols.Tests");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("tests/CoStream.Sfu.Protocols.Tests not found above the working directory; pass --corpus-root.");
    }
}
