using System.Diagnostics;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Tests.Codecs;

namespace CoStream.Mixer.Tests.Flv;

/// <summary>Test material and the ffmpeg/ffprobe CLIs (test-only): AAC from ffmpeg as ADTS, split into raw frames.</summary>
internal static class MediaTools
{
    public sealed record ToolResult(int ExitCode, byte[] Stdout, string Stderr);

    /// <summary>Runs a CLI tool; kills it (and says so) after <paramref name="timeout"/>.</summary>
    public static ToolResult Run(string tool, IEnumerable<string> args, TimeSpan? timeout = null, byte[]? stdin = null)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdoutTask = Task.Run(() => { using var ms = new MemoryStream(); p.StandardOutput.BaseStream.CopyTo(ms); return ms.ToArray(); });
        var stderrTask = p.StandardError.ReadToEndAsync();
        if (stdin != null) { try { p.StandardInput.BaseStream.Write(stdin); } catch (IOException) { } }
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new ToolResult(-1, stdoutTask.Result, "TIMEOUT\n" + stderrTask.Result);
        }
        return new ToolResult(p.ExitCode, stdoutTask.Result, stderrTask.Result);
    }

    /// <summary>AAC-LC raw frames and the AudioSpecificConfig for a sine of <paramref name="seconds"/>, from ffmpeg's aac encoder via ADTS.</summary>
    public static (byte[] Asc, List<byte[]> Frames, int SampleRate) AacSine(double seconds, int sampleRate = 48_000)
    {
        var r = Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
            $"sine=frequency=440:sample_rate={sampleRate}:duration={seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "-ac", "2", "-c:a", "aac", "-b:a", "96k", "-f", "adts", "pipe:1"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var frames = new List<byte[]>();
        byte[]? asc = null;
        var d = r.Stdout;
        int at = 0;
        while (at + 7 <= d.Length)
        {
            Assert.True(d[at] == 0xFF && (d[at + 1] & 0xF0) == 0xF0, "ADTS sync word");
            var protectionAbsent = (d[at + 1] & 1) == 1;
            var profile = (d[at + 2] >> 6) + 1;          // ADTS profile = audioObjectType - 1
            var freqIndex = (d[at + 2] >> 2) & 0x0F;
            var channels = ((d[at + 2] & 1) << 2) | (d[at + 3] >> 6);
            var length = ((d[at + 3] & 3) << 11) | (d[at + 4] << 3) | (d[at + 5] >> 5);
            var header = protectionAbsent ? 7 : 9;
            asc ??= [(byte)((profile << 3) | (freqIndex >> 1)), (byte)(((freqIndex & 1) << 7) | (channels << 3))];
            frames.Add(d.AsSpan(at + header, length - header).ToArray());
            at += length;
        }
        return (asc!, frames, sampleRate);
    }

    /// <summary>Frame index → solid-colour access units from our VideoEncoder (320×240, 15 fps).</summary>
    public static List<EncodedVideoFrame> Video(int frames, int gop, bool hevc)
        => VideoRoundTripTests.Encode(VideoRoundTripTests.Options(gop) with { Encoder = hevc ? "libx265" : "libx264" }, frames);

    public static FlvMetadata Metadata(bool hevc, byte[]? asc) => new()
    {
        VideoCodec = hevc ? FlvVideoCodec.Hevc : FlvVideoCodec.Avc, Width = 320, Height = 240, FrameRate = 15,
        VideoKbps = 1000, AudioSpecificConfig = asc, AudioSampleRate = 48_000, AudioChannels = 2, AudioKbps = 96,
    };

    /// <summary>
    /// Feeds video (15 fps) and audio (1024 samples per frame) interleaved in time order into a sink, with an
    /// optional hook after each video frame.
    /// </summary>
    public static void Feed(IFlvSink sink, List<EncodedVideoFrame> video, List<byte[]>? audio, int sampleRate, long baseMs = 0,
        Action<int>? afterVideo = null)
    {
        int a = 0;
        for (int v = 0; v < video.Count; v++)
        {
            var vms = baseMs + video[v].Dts * 1000 / 15;
            while (audio != null && a < audio.Count && baseMs + a * 1024L * 1000 / sampleRate <= vms)
            {
                sink.WriteAudio(audio[a], baseMs + a * 1024L * 1000 / sampleRate);
                a++;
            }
            sink.WriteVideo(video[v].Data, vms, baseMs + video[v].Pts * 1000 / 15, video[v].IsKeyframe);
            afterVideo?.Invoke(v);
        }
    }

    /// <summary>Checks raw I420 320×240 frames against the colour palette by frame index; returns the frame count.</summary>
    public static int CheckColours(byte[] raw, int firstIndex = 0)
    {
        const int w = 320, h = 240, size = w * h * 3 / 2;
        Assert.True(raw.Length % size == 0, $"raw output of {raw.Length} bytes is not whole frames");
        var count = raw.Length / size;
        for (int i = 0; i < count; i++)
        {
            var frame = new I420Frame(w, h);
            raw.AsSpan(i * size, size).CopyTo(frame.Buffer);
            var (y, u, v) = Colours.ForFrame(firstIndex + i);
            Assert.InRange(frame.MeanOf(0), y - 6, y + 6);
            Assert.InRange(frame.MeanOf(1), u - 6, u + 6);
            Assert.InRange(frame.MeanOf(2), v - 6, v + 6);
        }
        return count;
    }
}
