using System.Diagnostics;
using System.Globalization;
using CoStream.Mixer.Compose;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Pipeline;
using CoStream.Sfu;

namespace CoStream.LoadTest.Mix;

/// <summary>
/// The mixer benchmark: two 720p30 H.264 inputs (FFmpeg's testsrc2 patterns, made once by the ffmpeg CLI — test material,
/// not the media path) published through the in-process SFU → <see cref="RoomMixer"/> PK layout → 1280x720 H.264 or H.265.
/// Reports output frames per CPU-second of every thread that works for the mixer (its thread: decode both + compose + encode
/// calls; the codecs' native threads; its ingest; GC — see <see cref="ThreadCpu"/>, printed per thread), mix latency
/// p50/p95/p99, and the same composition by the ffmpeg command line (decode both, crop, hstack, same encoder/preset, one
/// thread each; its whole process, and its steady state without its start) for the ratio. For libx264 the CLI runs side
/// by side with ours, in the same window (back to back as fast as it reads the files, and once more paced at the input's
/// frame rate with -re, as a live mixer receives frames), so this shared machine's slow and fast minutes hit both alike;
/// <c>--sequential</c> runs them one after the other (quieter, for latency). <c>--x264 all</c> runs each way of driving
/// libx264 (libavcodec's wrapper, direct, direct with macroblock hints) as its own room in the same window;
/// <c>--rounds N</c> repeats and prints medians.
/// </summary>
public static class MixBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 20.0;
        var encoders = new List<string> { "libx264", "libx265" };
        var preset = "ultrafast";
        var fps = 30;
        var x264Modes = new List<X264Mode> { X264Mode.Direct };
        var rounds = 1;
        var sideBySide = true;
        var pkPair = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--encoder": encoders = Next().Split(',').ToList(); break;
                case "--preset": preset = Next(); break;
                case "--sequential": sideBySide = false; break;
                case "--pk-pair": pkPair = true; break;
                case "--rounds": rounds = Math.Clamp(int.Parse(Next(), CultureInfo.InvariantCulture), 1, 10); break;
                case "--fps": fps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--x264": x264Modes = Next() switch
                {
                    "all" => [X264Mode.Libavcodec, X264Mode.Direct, X264Mode.DirectWithHints],
                    var list => list.Split(',').Select(m => m switch
                    {
                        "hints" => X264Mode.DirectWithHints,
                        "direct" => X264Mode.Direct,
                        "libavcodec" => X264Mode.Libavcodec,
                        _ => throw new ArgumentException("--x264 takes hints, direct, libavcodec (comma-separated) or all"),
                    }).ToList(),
                }; break;
                default: throw new ArgumentException("unknown option " + args[i]);
            }
        }
        seconds = Math.Clamp(seconds, 3, 120);
        var dir = Directory.CreateTempSubdirectory("costream-mix-");
        try
        {
            Console.WriteLine($"mix benchmark: 2 x 1280x720@{fps} H.264 in → PK 1280x720@{fps} out, preset {preset}, {seconds:F0} s per run; {Environment.ProcessorCount} cores");
            var a = Path.Combine(dir.FullName, "a.h264");
            var b = Path.Combine(dir.FullName, "b.h264");
            MakeInput(a, "testsrc2=size=1280x720:rate=" + fps, fps);
            MakeInput(b, "testsrc2=size=1280x720:rate=" + fps + ",hue=H=2*PI*t/5", fps);
            var unitsA = ReplayPublisher.SplitAccessUnits(File.ReadAllBytes(a));
            var unitsB = ReplayPublisher.SplitAccessUnits(File.ReadAllBytes(b));
            if (pkPair)
            {
                await RunPkPairsAsync(preset, fps, seconds, rounds, unitsA, unitsB, a, b, dir.FullName);
                return 0;
            }
            foreach (var encoder in encoders)
            {
                // libx265 has one way; libx264 is run in each asked mode (libavcodec's wrapper, direct, direct + hints).
                // Rounds interleave our runs with the CLI's so that a slower minute of this shared machine hits both.
                var modes = encoder == "libx264" ? x264Modes : [X264Mode.Libavcodec];
                var ratios = modes.ToDictionary(m => m, _ => new List<(double Ours, double Whole, double Steady)>());
                var pacedRatios = modes.ToDictionary(m => m, _ => new List<double>());
                for (var round = 1; round <= rounds; round++)
                {
                    var tag = rounds > 1 ? $" (round {round}/{rounds})" : "";
                    List<(X264Mode Mode, Result Ours)> results;
                    Result theirs;
                    var cliRunCount = 1;
                    CliRuns? pacedCli = null;
                    // libx265 runs alone: with the CLI beside it, two 720p x265 encoders and the rest overload 2 cores.
                    if (sideBySide && encoder == "libx264")
                    {
                        // Two CLIs in the window: one as fast as it can read the files (its best case), one reading them at their
                        // frame rate (-re) as a live mixer would receive them.
                        CliRuns? paced = null;
                        var plans = modes.Select((m, i) => PkRoom("mb" + i.ToString(CultureInfo.InvariantCulture), m, unitsA, unitsB)).ToList();
                        var (ours, cli) = await RunOursAsync(encoder, preset, fps, seconds, plans, stop =>
                        {
                            var live = Task.Run(() => LoopFfmpeg(encoder, preset, a, b, dir.FullName, stop, paced: true));
                            var batch = LoopFfmpeg(encoder, preset, a, b, dir.FullName, stop);
                            paced = live.GetAwaiter().GetResult();
                            return batch;
                        });
                        pacedCli = paced;
                        results = modes.Select((m, i) => (m, ours[i])).ToList();
                        theirs = new Result(cli!.Frames, cli.CpuSeconds, 0, 0, 0, 0);
                        cliRunCount = cli.Runs;
                        Console.WriteLine($"  ffmpeg CLI in the same window: {cli.Runs} runs back to back, {cli.Frames} frames, {cli.CpuSeconds:F2} CPU-s");
                    }
                    else
                    {
                        results = [];
                        foreach (var mode in modes) results.Add((mode, (await RunOursAsync(encoder, preset, fps, seconds, [PkRoom("mb0", mode, unitsA, unitsB)])).Ours[0]));
                        theirs = RunFfmpeg(encoder, preset, a, b, dir.FullName);
                    }
                    // ffmpeg's figure includes its start (probing, opening codecs) in every run, which ours (a window in steady
                    // state) does not: a one-frame run measures that start, and the rest is ffmpeg's steady-state cost per frame.
                    var start = RunFfmpeg(encoder, preset, a, b, dir.FullName, frames: 1);
                    var steady = new Result(theirs.Frames - cliRunCount * start.Frames, Math.Max(0.01, theirs.CpuSeconds - cliRunCount * start.CpuSeconds), 0, 0, 0, 0);
                    foreach (var (mode, ours) in results)
                    {
                        var label = encoder == "libx264" ? $"{encoder} {preset} [{mode}]" : $"{encoder} {preset}";
                        Console.WriteLine($"{label}{tag}: CoStream {ours.FramesPerCpuSecond:F1} frames/CPU-s ({ours.Frames} frames, {ours.OutputFps:F1} fps out, {ours.CpuSeconds:F2} CPU-s counted, of which the mixer thread {ours.MixerThreadCpuSeconds:F2}; mix latency p50 {ours.P50Ms:F1} ms, p95 {ours.P95Ms:F1} ms, p99 {ours.P99Ms:F1} ms)");
                        Console.WriteLine($"{label}{tag}: ratio CoStream / ffmpeg = {ours.FramesPerCpuSecond / theirs.FramesPerCpuSecond:F2}x (whole run), {ours.FramesPerCpuSecond / steady.FramesPerCpuSecond:F2}x (steady state); real time on one core: {(ours.FramesPerCpuSecond >= fps ? "yes" : "no")} ({ours.FramesPerCpuSecond / fps:F2}x of {fps} fps)");
                        ratios[mode].Add((ours.FramesPerCpuSecond, ours.FramesPerCpuSecond / theirs.FramesPerCpuSecond, ours.FramesPerCpuSecond / steady.FramesPerCpuSecond));
                    }
                    Console.WriteLine($"{encoder} {preset}{tag}: ffmpeg CLI {theirs.FramesPerCpuSecond:F1} frames/CPU-s ({theirs.Frames} frames in {theirs.CpuSeconds:F2} CPU-s)");
                    Console.WriteLine($"{encoder} {preset}{tag}: ffmpeg CLI steady state {steady.FramesPerCpuSecond:F1} frames/CPU-s (its start, a 1-frame run: {start.CpuSeconds:F2} CPU-s)");
                    if (pacedCli != null)
                    {
                        var pacedSteady = (pacedCli.Frames - pacedCli.Runs * start.Frames) / Math.Max(0.01, pacedCli.CpuSeconds - pacedCli.Runs * start.CpuSeconds);
                        Console.WriteLine($"{encoder} {preset}{tag}: ffmpeg CLI paced at the input rate (-re, {pacedCli.Runs} runs, {pacedCli.Frames} frames, {pacedCli.CpuSeconds:F2} CPU-s): {pacedCli.Frames / Math.Max(0.01, pacedCli.CpuSeconds):F1} frames/CPU-s whole, {pacedSteady:F1} steady; ratio CoStream / paced CLI steady: "
                            + string.Join(", ", results.Select(r => $"[{r.Mode}] {r.Ours.FramesPerCpuSecond / pacedSteady:F2}x")));
                        foreach (var (mode, ours) in results) pacedRatios[mode].Add(ours.FramesPerCpuSecond / pacedSteady);
                    }
                }
                if (rounds > 1)
                    foreach (var (mode, list) in ratios)
                    {
                        var label = encoder == "libx264" ? $"{encoder} {preset} [{mode}]" : $"{encoder} {preset}";
                        Console.WriteLine($"{label} over {rounds} rounds: CoStream frames/CPU-s {Spread(list.Select(r => r.Ours), "F1")}; ratio to the CLI whole run {Spread(list.Select(r => r.Whole), "F2")}, steady state {Spread(list.Select(r => r.Steady), "F2")}"
                            + (pacedRatios[mode].Count > 0 ? $", paced CLI steady state {Spread(pacedRatios[mode], "F2")}" : ""));
                    }
            }
            return 0;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private sealed record Result(long Frames, double CpuSeconds, double OutputFps, double P50Ms, double P95Ms, double P99Ms, double MixerThreadCpuSeconds = 0)
    {
        public double FramesPerCpuSecond => Frames / Math.Max(CpuSeconds, 1e-9);
    }

    private static void MakeInput(string path, string source, int fps)
    {
        var (code, err) = Ffmpeg(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-t", "10", "-c:v", "libx264", "-preset", "veryfast",
            "-tune", "zerolatency", "-profile:v", "baseline", "-g", (2 * fps).ToString(CultureInfo.InvariantCulture), "-bf", "0", "-b:v", "2500k", "-pix_fmt", "yuv420p",
            "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", path]);
        if (code != 0) throw new InvalidOperationException("ffmpeg could not make the input: " + err);
    }

    /// <summary>
    /// A PK as deployed: two rooms, each with its own mixed output. In one window: a pair of mixers sharing decoded
    /// pictures (each anchor decoded once), a pair not sharing (each mixer decodes both anchors), and the ffmpeg CLI —
    /// in odd rounds making both outputs in one process with <c>split</c> (each input decoded once: a CLI user sharing
    /// decodes), in even rounds one output per process (one CLI per room, each decoding both inputs), looping. Figures
    /// are per output frame.
    /// </summary>
    private static async Task RunPkPairsAsync(string preset, int fps, double seconds, int rounds, List<byte[]> unitsA, List<byte[]> unitsB,
        string a, string b, string dir)
    {
        const string encoder = "libx264";
        var rows = new List<(bool Split, double Shared, double NotShared, double Whole, double Steady)>();
        for (var round = 1; round <= rounds; round++)
        {
            var split = round % 2 == 1;
            using var exchange = new DecodedPictureExchange();
            var plans = PkPair("ps-a", "ps-b", "shared", unitsA, unitsB, exchange).Concat(PkPair("pn-a", "pn-b", "not shared", unitsA, unitsB, null)).ToList();
            var (ours, cli) = await RunOursAsync(encoder, preset, fps, seconds, plans, stop => LoopFfmpeg(encoder, preset, a, b, dir, stop, pkPair: split));
            Result Pair(int first) => new(ours[first].Frames + ours[first + 1].Frames, ours[first].CpuSeconds + ours[first + 1].CpuSeconds, 0,
                Math.Max(ours[first].P50Ms, ours[first + 1].P50Ms), Math.Max(ours[first].P95Ms, ours[first + 1].P95Ms), Math.Max(ours[first].P99Ms, ours[first + 1].P99Ms));
            var (withSharing, without) = (Pair(0), Pair(2));
            var start = RunFfmpeg(encoder, preset, a, b, dir, frames: 1, pkPair: split);
            var whole = new Result(cli!.Frames, cli.CpuSeconds, 0, 0, 0, 0);
            var steady = new Result(cli.Frames - cli.Runs * start.Frames, Math.Max(0.01, cli.CpuSeconds - cli.Runs * start.CpuSeconds), 0, 0, 0, 0);
            var tag = rounds > 1 ? $" (round {round}/{rounds})" : "";
            var what = split ? "both outputs in one process (split)" : "one process per room's output";
            Console.WriteLine($"PK pair{tag}: mixers sharing decoded pictures {withSharing.FramesPerCpuSecond:F1} output frames/CPU-s ({withSharing.Frames} frames, {withSharing.CpuSeconds:F2} CPU-s; latency p95 ≤ {withSharing.P95Ms:F1} ms); not sharing {without.FramesPerCpuSecond:F1} ({without.Frames} frames, {without.CpuSeconds:F2} CPU-s; p95 ≤ {without.P95Ms:F1} ms): sharing saves {1 - without.FramesPerCpuSecond / withSharing.FramesPerCpuSecond:P0} of the CPU");
            Console.WriteLine($"PK pair{tag}: ffmpeg CLI, {what}, in the same window: {whole.FramesPerCpuSecond:F1} output frames/CPU-s whole, {steady.FramesPerCpuSecond:F1} steady ({cli.Runs} runs, {cli.Frames} frames, {cli.CpuSeconds:F2} CPU-s; its start {start.CpuSeconds:F2} CPU-s)");
            Console.WriteLine($"PK pair{tag}: ratio sharing mixers / CLI {what} = {withSharing.FramesPerCpuSecond / whole.FramesPerCpuSecond:F2}x whole, {withSharing.FramesPerCpuSecond / steady.FramesPerCpuSecond:F2}x steady");
            rows.Add((split, withSharing.FramesPerCpuSecond, without.FramesPerCpuSecond, withSharing.FramesPerCpuSecond / whole.FramesPerCpuSecond,
                withSharing.FramesPerCpuSecond / steady.FramesPerCpuSecond));
        }
        if (rounds > 1)
        {
            Console.WriteLine($"PK pair over {rounds} rounds: sharing {Spread(rows.Select(r => r.Shared), "F1")} output frames/CPU-s, not sharing {Spread(rows.Select(r => r.NotShared), "F1")}");
            foreach (var split in new[] { true, false })
                if (rows.Any(r => r.Split == split))
                    Console.WriteLine($"PK pair over {rounds} rounds: ratio sharing mixers / CLI {(split ? "split (one process)" : "per room")}: whole {Spread(rows.Where(r => r.Split == split).Select(r => r.Whole), "F2")}, steady {Spread(rows.Where(r => r.Split == split).Select(r => r.Steady), "F2")}");
        }
    }

    /// <summary>"median (min–max)" of some figures.</summary>
    private static string Spread(IEnumerable<double> values, string format)
    {
        var o = values.Order().ToArray();
        return $"median {o[o.Length / 2].ToString(format, CultureInfo.InvariantCulture)} ({o[0].ToString(format, CultureInfo.InvariantCulture)}–{o[^1].ToString(format, CultureInfo.InvariantCulture)})";
    }

    /// <summary>One room of a run: its mixer's layout, the rooms it links (a PK opponent's), its publishers, the exchange it shares pictures through.</summary>
    private sealed record RoomPlan(string Room, string Label, X264Mode Mode, LayoutDescription Layout, string[] Links,
        (string Room, string Name, List<byte[]> Units)[] Publishers, DecodedPictureExchange? Exchange = null);

    /// <summary>The benchmark's PK room: both inputs published into it, anchor-a on the left, anchor-b (as the opponent) on the right.</summary>
    private static RoomPlan PkRoom(string room, X264Mode mode, List<byte[]> unitsA, List<byte[]> unitsB) =>
        new(room, mode.ToString(), mode, new LayoutDescription(LayoutKind.Pk,
        [
            new LayoutParticipant(RoomMixer.SourceId(room, "anchor-a"), ParticipantRole.Anchor, room),
            new LayoutParticipant(RoomMixer.SourceId(room, "anchor-b"), ParticipantRole.PkAnchor, "other"),
        ]), [], [(room, "anchor-a", unitsA), (room, "anchor-b", unitsB)]);

    /// <summary>
    /// A real PK pair: anchor A publishes in room <paramref name="roomA"/>, anchor B in <paramref name="roomB"/>; each
    /// room's mixer shows its own anchor left and the opponent right (linked rooms), sharing decoded pictures through
    /// <paramref name="exchange"/> when given.
    /// </summary>
    private static RoomPlan[] PkPair(string roomA, string roomB, string label, List<byte[]> unitsA, List<byte[]> unitsB, DecodedPictureExchange? exchange)
    {
        RoomPlan One(string own, string other, List<byte[]>? units) => new(own, label, X264Mode.Direct, new LayoutDescription(LayoutKind.Pk,
        [
            new LayoutParticipant(RoomMixer.SourceId(own, "anchor"), ParticipantRole.Anchor, own),
            new LayoutParticipant(RoomMixer.SourceId(other, "anchor"), ParticipantRole.PkAnchor, other),
        ]), [other], units == null ? [] : [(own, "anchor", units)], exchange);
        return [One(roomA, roomB, unitsA), One(roomB, roomA, unitsB)];
    }

    /// <summary>
    /// Runs every planned room's mixer at once (one SFU; each room fed by its own replayed publishers) and measures them
    /// over the same window, so the shared machine's slower or faster minutes hit every room alike. With
    /// <paramref name="cli"/>, the ffmpeg CLI composes the same inputs over and over during that window too.
    /// </summary>
    private static async Task<(List<Result> Ours, CliRuns? Cli)> RunOursAsync(string encoder, string preset, int fps, double seconds,
        IReadOnlyList<RoomPlan> plans, Func<CancellationToken, CliRuns>? cli = null)
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        var before = ThreadCpu.Snapshot();
        var processName = before.TryGetValue(Environment.ProcessId, out var main) ? main.Name : "";
        var rigs = new List<(string Room, string Label, RoomMixer Mixer, CountingSink Sink)>();
        var publishers = new List<ReplayPublisher>();
        try
        {
            foreach (var plan in plans)
            {
                var sink = new CountingSink();
                var options = new RoomMixerOptions
                {
                    Encoder = encoder, Width = 1280, Height = 720, Fps = fps, Preset = preset, Passthrough = false,
                    VideoBitrateBitsPerSecond = 2_500_000, GopSeconds = 2, X264Mode = plan.Mode,
                };
                var mixer = RoomMixer.TryStart(sfu, plan.Room, options, [sink], out var reason, plan.Exchange) ?? throw new InvalidOperationException(reason);
                foreach (var link in plan.Links) mixer.LinkRoom(link);
                mixer.SetLayout(plan.Layout);
                rigs.Add((plan.Room, plan.Label, mixer, sink));
            }
            foreach (var plan in plans)
                foreach (var (room, name, units) in plan.Publishers)
                    publishers.Add(await ReplayPublisher.StartAsync(sfu, room, name, units, fps));
            // Warm-up: connections, then both sources decoding (the replayed streams ignore keyframe requests, so a source
            // whose first keyframe was missed starts at the next one, up to 2 s later): the window starts once no frame has
            // been clock-paced (no anchor picture) or left undecoded for 500 ms, in every room.
            await Task.Delay(2000);
            for (var settle = Stopwatch.StartNew(); settle.Elapsed < TimeSpan.FromSeconds(8);)
            {
                var marks = rigs.Select(r => (r.Mixer.ClockPacedFrames, r.Mixer.FramesAwaitingKeyFrame)).ToList();
                await Task.Delay(500);
                if (rigs.Select(r => (r.Mixer.ClockPacedFrames, r.Mixer.FramesAwaitingKeyFrame)).SequenceEqual(marks)) break;
            }
            var threads0 = ThreadCpu.Snapshot();
            var starts = rigs.Select(r => (Cpu: r.Mixer.ThreadCpuTime ?? TimeSpan.Zero, Frames: r.Mixer.VideoFramesOut, Paced: r.Mixer.ClockPacedFrames,
                Bytes: Interlocked.Read(ref r.Sink.Bytes), Hinted: r.Mixer.MacroblocksHinted, Encoded: r.Mixer.MacroblocksEncoded)).ToList();
            using var sampler = new AllocationSampler();
            sampler.Start();
            long exceptions = 0;
            var exceptionsBy = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            EventHandler<System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs> countException = (_, e) =>
            {
                Interlocked.Increment(ref exceptions);
                exceptionsBy.AddOrUpdate($"{Thread.CurrentThread.Name ?? "?"}: {e.Exception.GetType().Name}", 1, (_, v) => v + 1);
            };
            AppDomain.CurrentDomain.FirstChanceException += countException;
            var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
            var gen2 = GC.CollectionCount(2);
            using var windowEnd = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var cliTask = cli == null ? null : Task.Run(() => cli(windowEnd.Token));
            var sw = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var threads1 = ThreadCpu.Snapshot();
            var elapsed = sw.Elapsed.TotalSeconds;
            var ends = rigs.Select(r => (Cpu: r.Mixer.ThreadCpuTime ?? TimeSpan.Zero, Frames: r.Mixer.VideoFramesOut, Paced: r.Mixer.ClockPacedFrames,
                Bytes: Interlocked.Read(ref r.Sink.Bytes), Hinted: r.Mixer.MacroblocksHinted, Encoded: r.Mixer.MacroblocksEncoded)).ToList();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
            var gen2InWindow = GC.CollectionCount(2) - gen2;
            var cliRuns = cliTask == null ? null : await cliTask;

            var beforeIds = before.Keys.ToHashSet();
            var delta = ThreadCpu.Delta(threads0, threads1);
            Console.WriteLine($"  CPU by thread over the {elapsed:F1} s window (ticks of 10 ms; + = counted as that room's mixer's):");
            var results = new List<Result>();
            var totalFrames = ends.Select((e, i) => e.Frames - starts[i].Frames).Sum();
            for (var i = 0; i < rigs.Count; i++)
            {
                var (room, label, mixer, _) = rigs[i];
                long counted = 0;
                foreach (var (thread, ticks) in delta)
                {
                    var (role, isMixer) = ThreadCpu.Classify(thread, beforeIds, room, processName, mixer.OsThreadId);
                    // Runtime threads (GC) serve every room: each room is charged its share.
                    var share = isMixer && role == "runtime GC" ? ticks / Math.Max(1, rigs.Count) : ticks;
                    if (isMixer) counted += share;
                    if (isMixer && (ticks > 0 || role.StartsWith("mixer", StringComparison.Ordinal)))
                        Console.WriteLine($"    + {room,-4} {thread.Tid,7} {thread.Name,-16} {share,5}  {role}");
                }
                var frames = ends[i].Frames - starts[i].Frames;
                var latencies = mixer.LatencySnapshot();
                var window = latencies.Skip(Math.Max(0, latencies.Length - (int)Math.Min(frames, latencies.Length))).Order().ToArray();
                double Pct(double p) => window.Length == 0 ? double.NaN : window[Math.Min(window.Length - 1, (int)(window.Length * p))] / 1000.0;
                var hinted = ends[i].Hinted - starts[i].Hinted;
                var encodedMbs = ends[i].Encoded - starts[i].Encoded;
                Console.WriteLine($"  {room} [{label}]: {frames} frames ({ends[i].Paced - starts[i].Paced} clock-paced) in the window, {(ends[i].Bytes - starts[i].Bytes) * 8 / elapsed / 1000:F0} kbit/s out (video + audio); {mixer.FramesAwaitingKeyFrame} frames before a keyframe, {mixer.DecodeRefusals} decode refusals, {mixer.FramesIgnored} ignored, {mixer.FramesDecodedElsewhere} decoded by another room's mixer ({mixer.SharedPicturesUsed} shared pictures used)");
                Console.WriteLine($"  {room} encoder: {mixer.EncoderBackend}; macroblocks hinted unchanged: {hinted} of {encodedMbs} ({100.0 * hinted / Math.Max(1, encodedMbs):F1} %)");
                foreach (var c in mixer.IngestCounters) Console.WriteLine($"  {room} ingest: " + c);
                if (mixer.Failure != null) throw new InvalidOperationException(mixer.Failure);
                results.Add(new Result(frames, counted / 100.0, frames / elapsed, Pct(0.5), Pct(0.95), Pct(0.99), (ends[i].Cpu - starts[i].Cpu).TotalSeconds));
            }
            foreach (var (thread, ticks) in delta.Where(d => d.Ticks > 0 && !rigs.Any(r => ThreadCpu.Classify(d.Thread, beforeIds, r.Room, processName, r.Mixer.OsThreadId).Counted)))
                Console.WriteLine($"      {"",-4} {thread.Tid,7} {thread.Name,-16} {ticks,5}  not a mixer's");
            sampler.Stop();
            AppDomain.CurrentDomain.FirstChanceException -= countException;
            Console.WriteLine($"  exceptions thrown in the process over the window: {Interlocked.Read(ref exceptions)} ({Interlocked.Read(ref exceptions) / elapsed:F0}/s): "
                + string.Join(", ", exceptionsBy.OrderByDescending(kv => kv.Value).Take(4).Select(kv => $"{kv.Key} {kv.Value}")));
            Console.WriteLine($"  managed allocation over the window, whole process (SFU and publishers too): {allocated / 1024.0 / Math.Max(1, totalFrames):F1} KiB per output frame, {gen2InWindow} gen-2 GCs; sampled (GCAllocationTick), largest:");
            foreach (var (thread, type, bytes) in sampler.Top(6))
                Console.WriteLine($"    {bytes / 1024.0 / Math.Max(1, totalFrames),6:F1} KiB/frame  {thread,-16} {type}");
            return (results, cliRuns);
        }
        finally
        {
            foreach (var p in publishers) await p.DisposeAsync();
            foreach (var r in rigs) await r.Mixer.DisposeAsync();
        }
    }

    /// <summary>The CLI's runs during a window: their frames and CPU, summed.</summary>
    private sealed record CliRuns(int Runs, long Frames, double CpuSeconds);

    /// <summary>Runs the CLI composition back to back until <paramref name="stop"/>; every run started is completed and counted.</summary>
    private static CliRuns LoopFfmpeg(string encoder, string preset, string a, string b, string dir, CancellationToken stop, bool paced = false, bool pkPair = false)
    {
        var (runs, frames, cpu) = (0, 0L, 0.0);
        do
        {
            var r = RunFfmpeg(encoder, preset, a, b, dir, paced: paced, pkPair: pkPair);
            (runs, frames, cpu) = (runs + 1, frames + r.Frames, cpu + r.CpuSeconds);
        } while (!stop.IsCancellationRequested);
        return new CliRuns(runs, frames, cpu);
    }

    /// <summary>
    /// The same composition by the ffmpeg CLI. With <paramref name="pkPair"/>, both rooms' outputs of a PK from one
    /// process (each input decoded once, <c>split</c> to both compositions: what a CLI user sharing decodes would write);
    /// frames are then counted over both outputs.
    /// </summary>
    private static Result RunFfmpeg(string encoder, string preset, string a, string b, string dir, int frames = 0, bool paced = false, bool pkPair = false)
    {
        var re = paced ? new[] { "-re" } : [];
        var outputs = pkPair
            ? new[] { Path.Combine(dir, "ffmpeg-pk-a.mkv"), Path.Combine(dir, "ffmpeg-pk-b.mkv") }
            : [Path.Combine(dir, paced ? "ffmpeg-out-paced.mkv" : "ffmpeg-out.mkv")];
        var graph = pkPair
            ? "[0:v]split[a1][a2];[1:v]split[b1][b2];[a1]crop=640:720[l1];[b1]crop=640:720[r1];[l1][r1]hstack=inputs=2[v0];"
              + "[b2]crop=640:720[l2];[a2]crop=640:720[r2];[l2][r2]hstack=inputs=2[v1]"
            : "[0:v]crop=640:720[l];[1:v]crop=640:720[r];[l][r]hstack=inputs=2[v0]";
        string[] Output(int i, string file) =>
        [
            "-map", $"[v{i}]", "-c:v", encoder, "-preset", preset, "-tune", "zerolatency", "-threads", "1", "-b:v", "2500k", "-g", "60", "-bf", "0",
            .. encoder == "libx265" ? new[] { "-x265-params", "pools=none:frame-threads=1:log-level=error" } : [],
            .. frames > 0 ? new[] { "-frames:v", frames.ToString(CultureInfo.InvariantCulture) } : [],
            "-f", "matroska", file,
        ];
        string[] args =
        [
            "-hide_banner", "-loglevel", "error", "-y", "-threads", "1", .. re, "-i", a, "-threads", "1", .. re, "-i", b,
            "-filter_threads", "1", "-filter_complex", graph,
            .. outputs.SelectMany((file, i) => Output(i, file)),
        ];
        // The CPU time of ffmpeg is read by a shell that waited for it: its children's user + system time (/proc/$$/stat
        // fields cutime and cstime, in clock ticks), printed on the last line of stderr. That is every thread of ffmpeg (it
        // runs five: main, one demuxer per input, …); checked against GNU time (the child's rusage): 1.97 vs 1.98 CPU-s.
        const string script = "ffmpeg \"$@\"; code=$?; read -r -a s < /proc/$$/stat; echo \"cpu-ticks ${s[15]} ${s[16]}\" >&2; exit $code";
        var psi = new ProcessStartInfo("bash", ["-c", script, "ffmpeg", .. args]) { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var err = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("ffmpeg failed: " + err);
        var ticks = err.Split('\n').Last(l => l.StartsWith("cpu-ticks ", StringComparison.Ordinal)).Split(' ');
        var cpu = (long.Parse(ticks[1], CultureInfo.InvariantCulture) + long.Parse(ticks[2], CultureInfo.InvariantCulture)) / 100.0;
        var count = outputs.Sum(CountFrames);
        return new Result(count, cpu, 0, 0, 0, 0);
    }

    private static long CountFrames(string flv)
    {
        var (code, output) = Ffmpeg(["-hide_banner", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", flv], tool: "ffprobe");
        return code == 0 && long.TryParse(output.Trim(), out var n) ? n : 0;
    }

    private static (int Code, string Output) Ffmpeg(string[] args, string tool = "ffmpeg")
    {
        var psi = new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, tool == "ffprobe" ? stdout.Result : stderr);
    }

    /// <summary>An output that only counts (the benchmark measures the mixer, not a network).</summary>
    private sealed class CountingSink : IFlvSink
    {
        public long Bytes;
        public void WriteMetadata(FlvMetadata metadata) { }
        public void WriteVideo(ReadOnlySpan<byte> accessUnit, long dtsMs, long ptsMs, bool keyframe) => Bytes += accessUnit.Length;
        public void WriteAudio(ReadOnlySpan<byte> rawAacFrame, long ptsMs) => Bytes += rawAacFrame.Length;
        public void WriteScriptData(string name, object? payload, long timestampMs) { }
        public void Close() { }
    }
}
