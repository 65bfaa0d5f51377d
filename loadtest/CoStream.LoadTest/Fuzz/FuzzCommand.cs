using System.Globalization;

namespace CoStream.LoadTest.Fuzz;

/// <summary>
/// <c>fuzz [--seconds N | --cases N] [--target a,b] [--seed N] [--corpus-root DIR] [--markdown FILE]</c>:
/// a coverage-free, structure-aware mutational fuzzer over every protocol parser entry point.
/// Crashing or hanging inputs go to tests/CoStream.Sfu.Protocols.Tests/&lt;Folder&gt;/Corpus/.
/// Exit code 0 when no target threw or hung, 1 otherwise, 2 on bad arguments.
/// </summary>
internal static class FuzzCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        double seconds = 60;
        long cases = long.MaxValue;
        int seed = 20_240_601;
        string? corpusRoot = null;
        string? markdown = null;
        HashSet<string>? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--seconds":
                    seconds = double.Parse(value, CultureInfo.InvariantCulture);
                    i++;
                    break;
                case "--cases":
                    cases = long.Parse(value, CultureInfo.InvariantCulture);
                    seconds = double.PositiveInfinity;
                    i++;
                    break;
                case "--target":
                    only = value.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                    i++;
                    break;
                case "--seed":
                    seed = int.Parse(value, CultureInfo.InvariantCulture);
                    i++;
                    break;
                case "--corpus-root":
                    corpusRoot = value;
                    i++;
                    break;
                case "--markdown":
                    markdown = value;
                    i++;
                    break;
                case "--list":
                    foreach (var (name, _) in FuzzTargets.All)
                    {
                        Console.WriteLine(name);
                    }

                    return Task.FromResult(0);
                default:
                    return Task.FromResult(Usage($"unknown option {args[i]}"));
            }
        }

        var targets = FuzzTargets.All.Where(t => only is null || only.Contains(t.Name)).ToArray();
        if (only is not null && targets.Length != only.Count)
        {
            return Task.FromResult(Usage("unknown target in --target; --list shows them"));
        }

        var corpus = new CrashCorpus(corpusRoot ?? CrashCorpus.FindTestsRoot());
        var runner = new FuzzRunner(corpus, Console.Out);
        TimeSpan budget = double.IsInfinity(seconds) ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
        Console.WriteLine($"fuzz: {targets.Length} targets, {(double.IsInfinity(seconds) ? $"{cases:N0} cases" : $"{seconds:0} s")} each, " +
            $"seed {seed}, crash inputs to {corpus.TestsRoot}/<Folder>/Corpus");

        var results = new List<FuzzResult>();
        foreach (var (name, create) in targets)
        {
            FuzzTarget target = create();
            FuzzResult result = runner.Run(target, budget, cases, seed);
            results.Add(result);
            FuzzReport.PrintTarget(Console.Out, result);
            if (result.Hangs == 0 && target is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        Console.WriteLine();
        FuzzReport.PrintMarkdown(Console.Out, results);
        if (markdown is not null)
        {
            using var writer = new StreamWriter(markdown);
            FuzzReport.PrintMarkdown(writer, results);
        }

        bool clean = results.All(r => r.Exceptions == 0 && r.Hangs == 0);
        return Task.FromResult(clean ? 0 : 1);
    }

    private static int Usage(string error)
    {
        Console.Error.WriteLine(error);
        Console.Error.WriteLine("usage: CoStream.LoadTest fuzz [--seconds 60 | --cases N] [--target demux,stun,...] [--seed N] [--corpus-root DIR] [--markdown FILE] [--list]");
        return 2;
    }
}
