using System.Diagnostics;
using System.Text;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Sei;
using CoStream.Mixer.Tests.Codecs;

namespace CoStream.Mixer.Tests.Sei;

/// <summary>SEI in real libx264 / libx265 access units: placement, decodability, round trip, and the ffmpeg CLI's verdict.</summary>
public class SeiAccessUnitTests
{
    private static List<EncodedVideoFrame> Encode(bool hevc) =>
        VideoRoundTripTests.Encode(VideoRoundTripTests.Options(gop: 10) with { Encoder = hevc ? "libx265" : "libx264" }, 20);

    private static List<int> NalTypes(ReadOnlySpan<byte> au, bool hevc)
    {
        var types = new List<int>();
        var reader = new AnnexBReader(au);
        while (reader.TryNext(out var start, out var length, out _)) types.Add(SeiAccessUnit.NalType(au.Slice(start, length), hevc));
        return types;
    }

    private static string Json(int i) => $"{{\"type\":\"coupon\",\"id\":\"c-{i}\",\"mediaClockMs\":{1000 + i * 66},\"text\":\"满100减20 — {new string('券', i * 7)}\"}}";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SeiInRealAccessUnits_StillDecodesToTheSamePixels_AndTheJsonRoundTrips(bool hevc)
    {
        var packets = Encode(hevc);
        var writer = new SeiWriter(hevc);
        var stamped = new List<byte[]>();
        for (int i = 0; i < packets.Count; i++)
        {
            Assert.Equal(SeiError.None, writer.Insert(packets[i].Data, Json(i), out var result));
            stamped.Add(result.ToArray());

            // Placement: right before the first slice, after AUD / parameter sets / the encoder's own SEI.
            var before = NalTypes(packets[i].Data, hevc);
            var after = NalTypes(stamped[i], hevc);
            var firstVcl = before.FindIndex(t => SeiAccessUnit.IsVcl(t, hevc));
            var expected = new List<int>(before);
            expected.Insert(firstVcl, hevc ? 39 : 6);
            Assert.Equal(expected, after);
            if (packets[i].IsKeyframe) Assert.Contains(hevc ? 33 : 7, after.Take(firstVcl)); // SPS ahead of our SEI
        }

        var extractor = new SeiExtractor(hevc);
        for (int i = 0; i < stamped.Count; i++)
            Assert.Equal(Json(i), Encoding.UTF8.GetString(extractor.Extract(stamped[i])));
        Assert.Equal(0, extractor.Refused);
        Assert.True(extractor.Extract(packets[0].Data).IsEmpty); // x264/x265's own SEI is not ours
        Assert.Equal(SeiError.NotFound, extractor.LastError);

        var plain = Decode(packets.Select(p => p.Data), hevc);
        var withSei = Decode(stamped, hevc);
        Assert.Equal(packets.Count, withSei.Count);
        for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i].Buffer, withSei[i].Buffer);
    }

    private static List<I420Frame> Decode(IEnumerable<byte[]> units, bool hevc)
    {
        using var decoder = VideoDecoder.TryCreate(hevc ? VideoCodec.Hevc : VideoCodec.H264, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        long pts = 0;
        foreach (var u in units) Assert.True(decoder!.Decode(u, pts++, pictures).Ok, decoder.LastRefusal);
        Assert.True(decoder!.Flush(pictures).Ok);
        return pictures;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StreamWithSei_DecodesWithoutErrors_InTheFfmpegCli(bool hevc)
    {
        var packets = Encode(hevc);
        var writer = new SeiWriter(hevc);
        var dir = Directory.CreateTempSubdirectory("costream-sei-");
        try
        {
            var path = Path.Combine(dir.FullName, hevc ? "stamped.hevc" : "stamped.h264");
            using (var file = File.Create(path))
                for (int i = 0; i < packets.Count; i++)
                {
                    Assert.Equal(SeiError.None, writer.Insert(packets[i].Data, Json(i), out var result));
                    file.Write(result);
                }
            var (code, stderr) = Run("ffmpeg", ["-v", "error", "-f", hevc ? "hevc" : "h264", "-i", path, "-f", "null", "-"]);
            Assert.True(code == 0 && stderr.Trim().Length == 0, $"ffmpeg exit {code}: {stderr}");
            var (probeCode, frames) = Run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path], stdout: true);
            Assert.Equal(0, probeCode);
            Assert.Equal(packets.Count.ToString(), frames.Trim());
        }
        finally { dir.Delete(recursive: true); }
    }

    private static (int Code, string Text) Run(string exe, string[] args, bool stdout = false)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout ? outTask.Result : errTask.Result);
    }

    [Fact]
    public void Insert_RefusesUnitsWithoutStartCodeOrSlice()
    {
        var nal = new SeiWriter(false).BuildNal("{}").ToArray();
        var dest = new byte[256];
        Assert.Equal(SeiError.NoStartCode, SeiAccessUnit.TryInsert([0x65, 0x88], false, nal, dest, out _));
        Assert.Equal(SeiError.NoVclNal, SeiAccessUnit.TryInsert([0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xCE], false, nal, dest, out _));
        Assert.Equal(SeiError.DestinationTooSmall, SeiAccessUnit.TryInsert([0, 0, 0, 1, 0x65, 0x88], false, nal, new byte[8], out _));
        Assert.Equal(SeiError.None, SeiAccessUnit.TryInsert([0, 0, 1, 0x65, 0x88], false, nal, dest, out var n));
        Assert.Equal(5 + 4 + nal.Length, n);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, dest[..4]); // SEI first (the slice was the first NAL), 3-byte start code of the slice kept after it
        Assert.Equal(new byte[] { 0, 0, 1, 0x65, 0x88 }, dest[(4 + nal.Length)..n]);
    }
}
