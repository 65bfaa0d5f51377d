using System.Diagnostics;

namespace CoStream.LoadTest.Fuzz;

/// <summary>
/// Runs one target on a worker thread for a time budget or a case count. A watchdog on the
/// calling thread sees a case that takes longer than <see cref="HangTimeout"/>: that input is
/// written as a crash, the worker is abandoned (it is a background thread) and the run ends.
/// Every exception is counted by type and site, and its input written once.
/// </summary>
internal sealed class FuzzRunner(CrashCorpus corpus, TextWriter log)
{
    public static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(1);
    private const int MaxFilesPerCrash = 3;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);

    private byte[]? _current;
    private long _caseStarted; // Stopwatch timestamp, 0 between cases
    private volatile bool _stop;

    public FuzzResult Run(FuzzTarget target, TimeSpan budget, long maxCases, int seed)
    {
        var result = new FuzzResult(target);
        var stopwatch = Stopwatch.StartNew();
        _stop = false;
        var worker = new Thread(() => Work(target, result, budget, maxCases, seed, stopwatch))
        {
            IsBackground = true,
            Name = "fuzz " + target.Name,
        };
        worker.Start();

        TimeSpan nextProgress = ProgressInterval;
        while (!worker.Join(50))
        {
            long started = Volatile.Read(ref _caseStarted);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > HangTimeout && Volatile.Read(ref _caseStarted) == started)
            {
                byte[] input = Volatile.Read(ref _current)!;
                _stop = true;
                result.Hangs++;
                result.Elapsed = stopwatch.Elapsed;
                string? path = corpus.Write(target, input);
                if (path is not null)
                {
                    result.CrashFiles.Add(path);
                }

                log.WriteLine($"  {target.Name}: HANG > {HangTimeout.TotalSeconds:0} s on a {input.Length}-byte input -> {path ?? "(already in corpus)"}; worker abandoned");
                return result;
            }

            if (stopwatch.Elapsed >= nextProgress)
            {
                nextProgress += ProgressInterval;
                log.WriteLine($"  {target.Name}: {stopwatch.Elapsed.TotalSeconds,5:0} s, ~{Volatile.Read(ref _progressCases):N0} cases");
            }
        }

        result.Elapsed = stopwatch.Elapsed;
        return result;
    }

    private long _progressCases;

    private void Work(FuzzTarget target, FuzzResult result, TimeSpan budget, long maxCases, int seed, Stopwatch stopwatch)
    {
        var random = new Random(seed);
        var bytes = new Mutator(target, random);
        TextMutator? text = target.IsText ? new TextMutator(target.Seeds, random) : null;
        long deadline = budget == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)budget.TotalMilliseconds;

        for (long n = 0; !_stop; n++)
        {
            if (n >= maxCases || ((n & 63) == 0 && stopwatch.ElapsedMilliseconds >= deadline))
            {
                break;
            }

            byte[] input = text is not null && random.Next(2) == 0 ? text.Next() : bytes.Next();
            Volatile.Write(ref _current, input);
            Volatile.Write(ref _caseStarted, Stopwatch.GetTimestamp());
            string? refusal;
            try
            {
                refusal = target.Run(input);
            }
            catch (Exception e)
            {
                Volatile.Write(ref _caseStarted, 0);
                result.Cases++;
                result.Exceptions++;
                Record(target, result, e, input);
                continue;
            }

            Volatile.Write(ref _caseStarted, 0);
            result.Cases++;
            if ((n & 1023) == 0)
            {
                Volatile.Write(ref _progressCases, result.Cases);
            }

            if (refusal is null)
            {
                result.Accepted++;
            }
            else
            {
                result.Refusals[refusal] = result.Refusals.GetValueOrDefault(refusal) + 1;
            }
        }

        result.MutationCounts = bytes.OperationCounts;
    }

    private void Record(FuzzTarget target, FuzzResult result, Exception e, byte[] input)
    {
        string site = e.TargetSite is { } method ? $"{method.DeclaringType?.Name}.{method.Name}" : "?";
        string key = $"{e.GetType().Name} in {site}: {e.Message.Split('\n')[0]}";
        bool first = !result.Crashes.ContainsKey(key);
        long seen = result.Crashes[key] = result.Crashes.GetValueOrDefault(key) + 1;
        if (seen > MaxFilesPerCrash)
        {
            return; // the same bug again: counted, not written
        }

        string? path = corpus.Write(target, input);
        if (path is not null)
        {
            result.CrashFiles.Add(path);
        }

        if (first)
        {
            log.WriteLine($"  {target.Name}: EXCEPTION on a {input.Length}-byte input -> {path ?? "(already in corpus)"}");
            log.WriteLine("    " + e.ToString().Replace("\n", "\n    "));
        }
    }
}
