using System.Diagnostics;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Compose;
using Xunit.Abstractions;

namespace CoStream.Mixer.Tests.Benchmarks;

/// <summary>
/// Figures, not assertions (the machine is shared): composition cost per frame, x264/x265 720p30
/// single-thread encode speed, and how many threads libx265 starts with threads=1. Run with
/// <c>--filter "FullyQualifiedName~Benchmarks" --logger "console;verbosity=detailed"</c> to see them.
/// </summary>
[Trait("Category", "Benchmark")]
public class MixerBenchmarks(ITestOutputHelper output)
{
    /// <summary>A moving test picture: diagonal luma ramp that shifts each frame, a colour wash in chroma.</summary>
    private static I420Frame Moving(int width, int height, int index, int seed)
    {
        var f = new I420Frame(width, height, index);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                f.Y[y * width + x] = (byte)(16 + ((x + y + index * 4 + seed * 50) & 0xFF) * 219 / 255);
        for (int y = 0; y < f.ChromaHeight; y++)
            for (int x = 0; x < f.ChromaWidth; x++)
            {
                f.U[y * f.ChromaWidth + x] = (byte)(64 + ((x + index) & 127));
                f.V[y * f.ChromaWidth + x] = (byte)(64 + ((y + seed * 30) & 127));
            }
        return f;
    }

    private static int ThreadCount() => Directory.GetDirectories("/proc/self/task").Length;

    private static HashSet<string> ThreadIds() => Directory.GetDirectories("/proc/self/task").Select(Path.GetFileName).ToHashSet()!;

    private static string Names(IEnumerable<string> ids) => string.Join(",", ids.Select(id =>
    {
        try { return File.ReadAllText($"/proc/self/task/{id}/comm").Trim(); } catch (IOException) { return "?"; }
    }));

    [Theory]
    [InlineData(LayoutKind.Pk, 1280, 720)]
    [InlineData(LayoutKind.PictureInPicture, 1280, 720)]
    [InlineData(LayoutKind.Tiles, 1280, 720)]
    [InlineData(LayoutKind.Pk, 720, 1280)]
    public void Composition_Two720pInputs(LayoutKind kind, int width, int height)
    {
        using var c = new VideoCompositor(new CompositorOptions { Width = width, Height = height });
        var roleA = kind == LayoutKind.Pk ? ParticipantRole.PkAnchor : ParticipantRole.Anchor;
        var roleB = kind == LayoutKind.Pk ? ParticipantRole.PkAnchor : ParticipantRole.Guest;
        c.SetLayout(new LayoutDescription(kind, [new("a", roleA, "r1"), new("b", roleB, "r2")]));
        var a = Enumerable.Range(0, 4).Select(i => Moving(1280, 720, i, 0)).ToArray();
        var b = Enumerable.Range(0, 4).Select(i => Moving(1280, 720, i, 1)).ToArray();
        for (int i = 0; i < 20; i++) { c.Submit("a", a[i % 4], i); c.Submit("b", b[i % 4], i); c.Compose(i); }
        const int frames = 300;
        var cpu = Environment.CpuUsage.TotalTime;
        var sw = Stopwatch.StartNew();
        var alloc = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < frames; i++) { c.Submit("a", a[i % 4], 100 + i); c.Submit("b", b[i % 4], 100 + i); c.Compose(100 + i); }
        alloc = GC.GetAllocatedBytesForCurrentThread() - alloc;
        sw.Stop();
        var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
        var tiles = string.Join(", ", c.Tiles.Select(t => $"{t.Width}x{t.Height}"));
        output.WriteLine($"compose {kind} 2×1280x720 → {width}x{height} (tiles {tiles}): {sw.Elapsed.TotalMilliseconds / frames:F3} ms/frame wall, " +
                         $"{cpuMs / frames:F3} ms/frame process CPU, {alloc} bytes allocated over {frames} frames");
        Assert.Equal(frames + 20, c.FramesComposed);
    }

    [Theory]
    [InlineData("libx265", "veryfast")]
    [InlineData("libx265", "ultrafast")]
    [InlineData("libx264", "veryfast")]
    public void Encode720p30_OneThread(string encoderName, string preset)
    {
        var idsBefore = ThreadIds();
        var threadsBefore = idsBefore.Count;
        var options = new VideoEncoderOptions
        {
            Encoder = encoderName, Width = 1280, Height = 720, Fps = 30, BitrateBitsPerSecond = 1_500_000,
            Preset = preset, Tune = "zerolatency", Threads = 1,
        };
        using var encoder = VideoEncoder.TryCreate(options, out var reason);
        Assert.True(encoder != null, reason);
        var threadsOpen = ThreadCount();
        var pictures = Enumerable.Range(0, 30).Select(i => Moving(1280, 720, i, 0)).ToArray();
        var packets = new List<EncodedVideoFrame>();
        for (int i = 0; i < 10; i++) { pictures[i % 30].Pts = i; Assert.True(encoder!.Encode(pictures[i % 30], false, packets).Ok); }
        const int frames = 90;
        var cpu = Environment.CpuUsage.TotalTime;
        var sw = Stopwatch.StartNew();
        for (int i = 10; i < 10 + frames; i++) { pictures[i % 30].Pts = i; Assert.True(encoder!.Encode(pictures[i % 30], false, packets).Ok); }
        sw.Stop();
        var cpuS = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        var threadsEncoding = ThreadCount();
        var added = ThreadIds().Except(idsBefore).ToList();
        encoder!.Dispose();
        var threadsAfterDispose = ThreadCount();
        var bytes = packets.Skip(10).Sum(p => (long)p.Data.Length);
        output.WriteLine($"{encoderName} {preset} 1280x720 threads=1: {frames / sw.Elapsed.TotalSeconds:F1} frames/s wall, " +
                         $"{frames / Math.Max(cpuS, 1e-9):F1} frames per CPU-second, {bytes * 8 / (frames / 30.0) / 1000:F0} kbps; " +
                         $"/proc/self/task: {threadsBefore} before, {threadsOpen} after open (+{threadsOpen - threadsBefore}), {threadsEncoding} while encoding, {threadsAfterDispose} after dispose; new threads: [{Names(added)}]");
        Assert.True(packets.Count >= frames);
    }

    /// <summary>
    /// The same 720p30 encode through the ffmpeg CLI (test-only), where x265's own thread pool can be
    /// switched off (pools=none, frame-threads=1) — what "one thread" really costs, beside the default.
    /// </summary>
    [Theory]
    [InlineData("veryfast", "")]
    [InlineData("veryfast", "pools=none:frame-threads=1")]
    [InlineData("ultrafast", "pools=none:frame-threads=1")]
    public void X265Cli720p30_PoolOnAndOff(string preset, string x265Params)
    {
        var dir = Directory.CreateTempSubdirectory("costream-x265-");
        try
        {
            const int frames = 90;
            var yuv = Path.Combine(dir.FullName, "in.yuv");
            using (var file = File.Create(yuv))
                for (int i = 0; i < frames; i++) file.Write(Moving(1280, 720, i, 0).Buffer);
            var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-hide_banner", "-benchmark", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "1280x720", "-r", "30",
                         "-i", yuv, "-c:v", "libx265", "-threads", "1", "-preset", preset, "-tune", "zerolatency", "-b:v", "1500k" })
                psi.ArgumentList.Add(a);
            if (x265Params.Length > 0) { psi.ArgumentList.Add("-x265-params"); psi.ArgumentList.Add(x265Params); }
            foreach (var a in new[] { "-f", "null", "-" }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            _ = p.StandardOutput.ReadToEndAsync();
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            var bench = err.Split('\n').LastOrDefault(l => l.StartsWith("bench: utime=")) ?? "";
            var pool = err.Split('\n').FirstOrDefault(l => l.Contains("Thread pool")) ?? "no thread pool";
            var parts = bench.Replace("bench: ", "").Split(' ').Select(kv => kv.Split('=')).Where(kv => kv.Length == 2)
                .ToDictionary(kv => kv[0], kv => double.Parse(kv[1].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));
            var cpu = parts.GetValueOrDefault("utime") + parts.GetValueOrDefault("stime");
            output.WriteLine($"ffmpeg CLI libx265 {preset} 1280x720 -threads 1 {(x265Params.Length > 0 ? "-x265-params " + x265Params : "(defaults)")}: " +
                             $"{frames / parts.GetValueOrDefault("rtime", double.NaN):F1} frames/s wall, {frames / cpu:F1} frames per CPU-second; {pool.Trim()}");
        }
        finally { dir.Delete(recursive: true); }
    }
}
