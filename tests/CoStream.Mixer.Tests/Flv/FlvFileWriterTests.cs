using CoStream.Mixer.Codecs;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Tests.Codecs;

namespace CoStream.Mixer.Tests.Flv;

public class FlvFileWriterTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output = output;

    private static byte[] WriteFile(bool hevc, int frames, bool audio, Action<FlvFileWriter>? extra = null)
    {
        var video = MediaTools.Video(frames, gop: 15, hevc);
        var aac = audio ? MediaTools.AacSine(frames / 15.0 + 0.2) : default;
        using var ms = new MemoryStream();
        var writer = new FlvFileWriter(ms, leaveOpen: true);
        writer.WriteMetadata(MediaTools.Metadata(hevc, audio ? aac.Asc : null));
        MediaTools.Feed(writer, video, audio ? aac.Frames : null, 48_000, afterVideo: v => { if (v == 10) extra?.Invoke(writer); });
        writer.Close();
        Assert.Equal(0, writer.Muxer.Refused);
        return ms.ToArray();
    }

    [Fact]
    public void H264AndAac_FfprobeSeesBothStreams_FfmpegDecodesTheColours()
    {
        var file = WriteFile(hevc: false, frames: 45, audio: true);
        var path = Path.Combine(Path.GetTempPath(), $"costream-flv-{Guid.NewGuid():N}.flv");
        File.WriteAllBytes(path, file);
        try
        {
            var probe = MediaTools.Run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height,sample_rate,channels", "-of", "csv=p=0", path]);
            Assert.True(probe.ExitCode == 0, probe.Stderr);
            var text = System.Text.Encoding.UTF8.GetString(probe.Stdout);
            Assert.Contains("h264,320,240", text);
            Assert.Contains("aac,48000,2", text);

            var decode = MediaTools.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]);
            Assert.True(decode.ExitCode == 0, decode.Stderr);
            Assert.Equal(45, MediaTools.CheckColours(decode.Stdout));

            var audio = MediaTools.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path, "-map", "0:a", "-f", "s16le", "pipe:1"]);
            Assert.True(audio.ExitCode == 0, audio.Stderr);
            Assert.InRange(audio.Stdout.Length / 4, 48_000 * 2, 48_000 * 4); // ~3 s of stereo s16
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void FileStartsWithHeaderMetadataAndSequenceHeaders_ThenAKeyframe()
    {
        var tags = FlvTestReader.ReadAll(WriteFile(hevc: false, frames: 20, audio: true));
        Assert.Equal(FlvTagType.ScriptData, tags[0].Type);
        var values = new List<object?>();
        Assert.Equal(Amf0Error.None, Amf0.TryReadAll(tags[0].Body, values));
        Assert.Equal("onMetaData", values[0]);
        var meta = Assert.IsType<Amf0Object>(values[1]);
        Assert.Equal(320.0, meta["width"]);
        Assert.Equal(7.0, meta["videocodecid"]);
        Assert.Equal(10.0, meta["audiocodecid"]);
        Assert.Equal(new byte[] { 0xAF, 0x00 }, tags[1].Body[..2]); // AAC sequence header
        Assert.Equal(new byte[] { 0x17, 0x00 }, tags.First(t => t.Type == FlvTagType.Video).Body[..2]); // AVC keyframe, sequence header
        var firstFrame = tags.First(t => t.Type == FlvTagType.Video && t.Body[1] == 1);
        Assert.Equal(0x17, firstFrame.Body[0]); // keyframe | AVC
        // Timestamps never go back.
        for (int i = 1; i < tags.Count; i++) Assert.True(tags[i].Timestamp >= tags[i - 1].Timestamp);
    }

    [Fact]
    public void ScriptEvent_IsANamedDataTag_AtItsMediaClockStamp()
    {
        var file = WriteFile(hevc: false, frames: 20, audio: false, extra: w =>
            w.WriteScriptData("onCoStreamEvent", new Dictionary<string, object?> { ["kind"] = "coupon", ["id"] = "c-7", ["seq"] = 12 }, 10 * 1000 / 15));
        var tags = FlvTestReader.ReadAll(file);
        var ev = tags.Single(t => t.Type == FlvTagType.ScriptData && t != tags[0]);
        Assert.Equal((uint)(10 * 1000 / 15), ev.Timestamp);
        var values = new List<object?>();
        Assert.Equal(Amf0Error.None, Amf0.TryReadAll(ev.Body, values));
        Assert.Equal("onCoStreamEvent", values[0]);
        var o = Assert.IsType<Amf0Object>(values[1]);
        Assert.Equal("coupon", o["kind"]);
        Assert.Equal("c-7", o["id"]);
        Assert.Equal(12.0, o["seq"]);
    }

    [Fact]
    public void Hevc_EnhancedRtmpTags_DecodeWithOurHevcDecoder()
    {
        var tags = FlvTestReader.ReadAll(WriteFile(hevc: true, frames: 30, audio: false));
        var meta = new List<object?>();
        Amf0.TryReadAll(tags[0].Body, meta);
        Assert.Equal((double)FlvTagBodies.FourCcHvc1, Assert.IsType<Amf0Object>(meta[1])["videocodecid"]);
        // ExVideoTagHeader: IsExHeader | FrameType 1 | PacketType SequenceStart, FourCC hvc1.
        Assert.Equal(new byte[] { 0x90, (byte)'h', (byte)'v', (byte)'c', (byte)'1' }, tags[1].Body[..5]);
        var record = tags[1].Body.AsSpan(5);
        Assert.Equal(1, record[0]);            // configurationVersion
        Assert.Equal(1, record[1] & 0x1F);     // general_profile_idc = Main
        Assert.Equal(0x03, record[21] & 0x03); // lengthSizeMinusOne = 3
        Assert.Equal(3, record[22]);           // VPS, SPS, PPS arrays

        var units = FlvTestReader.VideoAccessUnits(tags);
        Assert.Equal(30, units.Count);
        Assert.True(units[0].Info.Keyframe);
        Assert.Equal(0x93, tags[2].Body[0]); // keyframe, CodedFramesX (composition time 0)
        using var decoder = VideoDecoder.TryCreate(VideoCodec.Hevc, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        for (int i = 0; i < units.Count; i++)
            Assert.True(decoder!.Decode(units[i].AnnexB, i, pictures).Ok, decoder.LastRefusal);
        decoder!.Flush(pictures);
        Assert.Equal(30, pictures.Count);
        foreach (var p in pictures)
        {
            var (y, u, v) = Colours.ForFrame(p.Pts);
            Assert.InRange(p.MeanOf(0), y - 4, y + 4);
            Assert.InRange(p.MeanOf(1), u - 4, u + 4);
            Assert.InRange(p.MeanOf(2), v - 4, v + 4);
        }
    }

    /// <summary>
    /// Debian's FFmpeg 5.1 predates enhanced-RTMP support in its FLV demuxer (added in FFmpeg 6.1): it sees
    /// the video stream but cannot name the codec. This test pins that finding; if it starts failing, the
    /// installed FFmpeg learned enhanced RTMP and the HEVC tests can decode with the CLI too.
    /// </summary>
    [Fact]
    public void Hevc_Ffprobe51_CannotIdentifyEnhancedRtmpHevc()
    {
        var path = Path.Combine(Path.GetTempPath(), $"costream-hevc-{Guid.NewGuid():N}.flv");
        File.WriteAllBytes(path, WriteFile(hevc: true, frames: 15, audio: false));
        try
        {
            var probe = MediaTools.Run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", path]);
            var text = System.Text.Encoding.UTF8.GetString(probe.Stdout) + probe.Stderr;
            _output.WriteLine($"ffprobe 5.1 on enhanced-RTMP HEVC FLV: exit {probe.ExitCode}: {text.Trim()}");
            Assert.DoesNotContain("hevc", text);
        }
        finally { File.Delete(path); }
    }
}

public class DecoderConfigurationTests
{
    /// <summary>
    /// x264 at "veryfast" encodes High profile: avcC then carries chroma_format / bit depths (ISO/IEC 14496-15
    /// §5.3.3.1.2) read from the SPS with Exp-Golomb; ffprobe reads the profile and ffmpeg decodes the colours.
    /// </summary>
    [Fact]
    public void AvcC_HighProfile_CarriesChromaFormatAndBitDepth_FfmpegDecodes()
    {
        var video = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(15) with { Preset = "veryfast" }, 20);
        using var ms = new MemoryStream();
        var writer = new FlvFileWriter(ms, leaveOpen: true);
        writer.WriteMetadata(MediaTools.Metadata(hevc: false, null));
        MediaTools.Feed(writer, video, null, 48_000);
        writer.Close();
        var tags = FlvTestReader.ReadAll(ms.ToArray());
        var record = tags.First(t => t.Type == FlvTagType.Video).Body.AsSpan(5);
        Assert.Equal(100, record[1]);                         // AVCProfileIndication = High
        Assert.Equal(0xFF, record[4]);                        // lengthSizeMinusOne = 3
        var spsLength = (record[6] << 8) | record[7];
        var ppsLength = (record[9 + spsLength] << 8) | record[10 + spsLength];
        var ext = record[(11 + spsLength + ppsLength)..];
        Assert.Equal(new byte[] { 0xFD, 0xF8, 0xF8, 0x00 }, ext.ToArray()); // 4:2:0, 8-bit luma and chroma, no SPS ext

        var path = Path.Combine(Path.GetTempPath(), $"costream-high-{Guid.NewGuid():N}.flv");
        File.WriteAllBytes(path, ms.ToArray());
        try
        {
            var probe = MediaTools.Run("ffprobe", ["-v", "error", "-show_entries", "stream=profile", "-of", "csv=p=0", path]);
            Assert.Contains("High", System.Text.Encoding.UTF8.GetString(probe.Stdout));
            var decode = MediaTools.Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]);
            Assert.True(decode.ExitCode == 0, decode.Stderr);
            Assert.Equal(20, MediaTools.CheckColours(decode.Stdout));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(new byte[] { 0x67, 0x64 }, "not an H.264 SPS")]             // too short
    [InlineData(new byte[] { 0x68, 0x64, 0x00, 0x1F }, "not an H.264 SPS")] // a PPS
    public void AvcC_RefusesWhatIsNotAnSps(byte[] sps, string reason)
    {
        Assert.Null(DecoderConfiguration.BuildAvc(sps, [0x68, 0xCE], out var why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void HevcSps_Truncated_IsRefusedNotThrown()
    {
        var video = MediaTools.Video(1, gop: 15, hevc: true);
        byte[]? sps = null;
        foreach (var nal in new AnnexBNalEnumerator(video[0].Data))
            if (NalUnits.HevcType(nal) == NalUnits.HevcSps) sps = nal.ToArray();
        Assert.NotNull(sps);
        var info = DecoderConfiguration.ParseHevcSps(sps, out var reason);
        Assert.True(info != null, reason);
        Assert.Equal((320u, 240u, 1u), (info!.Value.Width, info.Value.Height, info.Value.ChromaFormatIdc));
        for (int cut = 0; cut < sps!.Length - 1; cut++)
            DecoderConfiguration.ParseHevcSps(sps.AsSpan(0, cut), out _); // refused or parsed, never thrown
        Assert.Null(DecoderConfiguration.ParseHevcSps(sps.AsSpan(0, 10), out _));
    }
}
