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
/// thread each; its whole process, and its steady state without its start) for the ratio.
/// </summary>
public static class MixBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = 20.0;
        var encoders = new List<string> { "libx264", "libx265" };
        var preset = "ultrafast";
        var fps = 30;
        var x264Modes = new List<X264Mode> { X264Mode.DirectWithHints };
        var rounds = 1;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--encoder": encoders = Next().Split(',').ToList(); break;
                case "--preset": preset = Next(); break;
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
            foreach (var encoder in encoders)
            {
                // libx265 has one way; libx264 is run in each asked mode (libavcodec's wrapper, direct, direct + hints).
                // Rounds interleave our runs with the CLI's so that a slower minute of this shared machine hits both.
                var modes = encoder == "libx264" ? x264Modes : [X264Mode.Libavcodec];
                var ratios = modes.ToDictionary(m => m, _ => new List<(double Ours, double Whole, double Steady)>());
                for (var round = 1; round <= rounds; round++)
                {
                    var results = new List<(X264Mode Mode, Result Ours)>();
                    foreach (var mode in modes) results.Add((mode, await RunOursAsync(encoder, preset, fps, seconds, unitsA, unitsB, mode)));
                    var theirs = RunFfmpeg(encoder, preset, a, b, dir.FullName);
                    // ffmpeg's figure includes its start (probing, opening codecs), which ours (a window in steady state) does
                    // not: a one-frame run measures that start, and the difference is ffmpeg's steady-state cost per frame.
                    var start = RunFfmpeg(encoder, preset, a, b, dir.FullName, frames: 1);
                    var steady = new Result(theirs.Frames - start.Frames, Math.Max(0.01, theirs.CpuSeconds - start.CpuSeconds), 0, 0, 0, 0);
                    var tag = rounds > 1 ? $" (round {round}/{rounds})" : "";
                    foreach (var (mode, ours) in results)
                    {
                        var label = encoder == "libx264" ? $"{encoder} {preset} [{mode}]" : $"{encoder} {preset}";
                        Console.WriteLine($"{label}{tag}: CoStream {ours.FramesPerCpuSecond:F1} frames/CPU-s ({ours.Frames} frames, {ours.OutputFps:F1} fps out, {ours.CpuSeconds:F2} CPU-s counted, of which the mixer thread {ours.MixerThreadCpuSeconds:F2}; mix latency p50 {ours.P50Ms:F1} ms, p95 {ours.P95Ms:F1} ms, p99 {ours.P99Ms:F1} ms)");
                        Console.WriteLine($"{label}{tag}: ratio CoStream / ffmpeg = {ours.FramesPerCpuSecond / theirs.FramesPerCpuSecond:F2}x (whole run), {ours.FramesPerCpuSecond / steady.FramesPerCpuSecond:F2}x (steady state); real time on one core: {(ours.FramesPerCpuSecond >= fps ? "yes" : "no")} ({ours.FramesPerCpuSecond / fps:F2}x of {fps} fps)");
                        ratios[mode].Add((ours.FramesPerCpuSecond, ours.FramesPerCpuSecond / theirs.FramesPerCpuSecond, ours.FramesPerCpuSecond / steady.FramesPerCpuSecond));
                    }
                    Console.WriteLine($"{encoder} {preset}{tag}: ffmpeg CLI {theirs.FramesPerCpuSecond:F1} frames/CPU-s ({theirs.Frames} frames in {theirs.CpuSeconds:F2} CPU-s)");
                    Console.WriteLine($"{encoder} {preset}{tag}: ffmpeg CLI steady state {steady.FramesPerCpuSecond:F1} frames/CPU-s (its start, a 1-frame run: {start.CpuSeconds:F2} CPU-s)");
                }
                if (rounds > 1)
                    foreach (var (mode, list) in ratios)
                    {
                        static string Range(IEnumerable<double> xs, string f) { var o = xs.Order().ToArray(); return $"median {o[o.Length / 2].ToString(f, CultureInfo.InvariantCulture)} ({o[0].ToString(f, CultureInfo.InvariantCulture)}–{o[^1].ToString(f, CultureInfo.InvariantCulture)})"; }
                        var label = encoder == "libx264" ? $"{encoder} {preset} [{mode}]" : $"{encoder} {preset}";
                        Console.WriteLine($"{label} over {rounds} rounds: CoStream frames/CPU-s {Range(list.Select(r => r.Ours), "F1")}; ratio to the CLI whole run {Range(list.Select(r => r.Whole), "F2")}, steady state {Range(list.Select(r => r.Steady), "F2")}");
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

    private static async Task<Result> RunOursAsync(string encoder, string preset, int fps, double seconds, List<byte[]> unitsA, List<byte[]> unitsB, X264Mode mode)
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "mixbench";
        var sink = new CountingSink();
        var options = new RoomMixerOptions
        {
            Encoder = encoder, Width = 1280, Height = 720, Fps = fps, Preset = preset, Passthrough = false,
            VideoBitrateBitsPerSecond = 2_500_000, GopSeconds = 2, X264Mode = mode,
        };
        var before = ThreadCpu.Snapshot();
        var processName = before.TryGetValue(Environment.ProcessId, out var main) ? main.Name : "";
        var mixer = RoomMixer.TryStart(sfu, room, options, [sink], out var reason) ?? throw new InvalidOperationException(reason);
        mixer.SetLayout(new LayoutDescription(LayoutKind.Pk,
        [
            new LayoutParticipant(RoomMixer.SourceId(room, "anchor-a"), ParticipantRole.Anchor, room),
            new LayoutParticipant(RoomMixer.SourceId(room, "anchor-b"), ParticipantRole.PkAnchor, "other"),
        ]));
        await using var pa = await ReplayPublisher.StartAsync(sfu, room, "anchor-a", unitsA, fps);
        await using var pb = await ReplayPublisher.StartAsync(sfu, room, "anchor-b", unitsB, fps);
        // Warm-up: connections, then both sources decoding (the replayed streams ignore keyframe requests, so a source whose
        // first keyframe was missed starts at the next one, up to 2 s later): the window starts once no frame has been
        // clock-paced (no anchor picture) or left undecoded for 500 ms.
        await Task.Delay(2000);
        for (var settle = Stopwatch.StartNew(); settle.Elapsed < TimeSpan.FromSeconds(8);)
        {
            var (paced, waiting) = (mixer.ClockPacedFrames, mixer.FramesAwaitingKeyFrame);
            await Task.Delay(500);
            if (paced == mixer.ClockPacedFrames && waiting == mixer.FramesAwaitingKeyFrame) break;
        }
        var cpu0 = mixer.ThreadCpuTime ?? TimeSpan.Zero;
        var threads0 = ThreadCpu.Snapshot();
        var frames0 = mixer.VideoFramesOut;
        var (hinted0, encoded0) = (mixer.MacroblocksHinted, mixer.MacroblocksEncoded);
        var paced0 = mixer.ClockPacedFrames;
        var bytes0 = Interlocked.Read(ref sink.Bytes);
        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var gen2 = GC.CollectionCount(2);
        var sw = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var threads1 = ThreadCpu.Snapshot();
        var mixerThreadCpu = ((mixer.ThreadCpuTime ?? TimeSpan.Zero) - cpu0).TotalSeconds;
        var frames = mixer.VideoFramesOut - frames0;
        var (hinted, encodedMbs) = (mixer.MacroblocksHinted - hinted0, mixer.MacroblocksEncoded - encoded0);
        var pacedInWindow = mixer.ClockPacedFrames - paced0;
        var elapsed = sw.Elapsed.TotalSeconds;
        var kbps = (Interlocked.Read(ref sink.Bytes) - bytes0) * 8 / elapsed / 1000;
        var allocatedPerFrame = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / (double)Math.Max(1, frames);
        var gen2InWindow = GC.CollectionCount(2) - gen2;
        // Every thread's CPU over the window, and which of it is the mixer's (see ThreadCpu.Classify).
        var beforeIds = before.Keys.ToHashSet();
        var mixerTid = mixer.OsThreadId;
        long counted = 0;
        Console.WriteLine($"  CPU by thread over the {elapsed:F1} s window (ticks of 10 ms; + = counted as the mixer's):");
        foreach (var (thread, ticks) in ThreadCpu.Delta(threads0, threads1))
        {
            var (role, isMixer) = ThreadCpu.Classify(thread, beforeIds, room, processName, mixerTid);
            if (isMixer) counted += ticks;
            if (ticks > 0 || isMixer) Console.WriteLine($"    {(isMixer ? '+' : ' ')} {thread.Tid,7} {thread.Name,-16} {ticks,5}  {role}");
        }
        var cpu = counted / 100.0;
        var latencies = mixer.LatencySnapshot();
        var window = latencies.Skip(Math.Max(0, latencies.Length - (int)Math.Min(frames, latencies.Length))).Order().ToArray();
        await mixer.DisposeAsync();
        Console.WriteLine($"  mixer: {mixer.VideoFramesOut} frames out ({pacedInWindow} clock-paced in the window), {mixer.ClockPacedFrames} clock-paced, {mixer.AnchorFramesSkipped} anchor frames skipped, {mixer.FramesAwaitingKeyFrame} frames before a keyframe (not decoded), {mixer.DecodeRefusals} decode refusals ({mixer.LastDecodeRefusal}), {mixer.FramesIgnored} ignored; inputs sent {pa.FramesSent}/{pb.FramesSent}");
        Console.WriteLine($"  output over the window: {kbps:F0} kbit/s (video + audio; the ffmpeg CLI writes its own at the same 2500k target)");
        Console.WriteLine($"  managed allocation over the window, whole process (SFU and publishers too): {allocatedPerFrame / 1024:F1} KiB per output frame, {gen2InWindow} gen-2 GCs");
        foreach (var c in mixer.IngestCounters) Console.WriteLine("  ingest: " + c);
        Console.WriteLine($"  encoder: {mixer.EncoderBackend}; macroblocks hinted unchanged over the window: {hinted} of {encodedMbs} ({100.0 * hinted / Math.Max(1, encodedMbs):F1} %)");
        if (mixer.Failure != null) throw new InvalidOperationException(mixer.Failure);
        double Pct(double p) => window.Length == 0 ? double.NaN : window[Math.Min(window.Length - 1, (int)(window.Length * p))] / 1000.0;
        return new Result(frames, cpu, frames / elapsed, Pct(0.5), Pct(0.95), Pct(0.99), mixerThreadCpu);
    }

    private static Result RunFfmpeg(string encoder, string preset, string a, string b, string dir, int frames = 0)
    {
        string[] args =
        [
            "-hide_banner", "-loglevel", "error", "-y", "-threads", "1", "-i", a, "-threads", "1", "-i", b,
            "-filter_threads", "1", "-filter_complex", "[0:v]crop=640:720[l];[1:v]crop=640:720[r];[l][r]hstack=inputs=2[v]",
            "-map", "[v]", "-c:v", encoder, "-preset", preset, "-tune", "zerolatency", "-threads", "1", "-b:v", "2500k", "-g", "60", "-bf", "0",
            .. encoder == "libx265" ? new[] { "-x265-params", "pools=none:frame-threads=1:log-level=error" } : [],
            .. frames > 0 ? new[] { "-frames:v", frames.ToString(CultureInfo.InvariantCulture) } : [],
            "-f", "matroska", Path.Combine(dir, "ffmpeg-out.mkv"),
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
        var count = CountFrames(Path.Combine(dir, "ffmpeg-out.mkv"));
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
