using CoStream.Mixer.Codecs;
using CoStream.Mixer.Ingest;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.Mixer.Tests.Ingest;

/// <summary>H.264 §7.3.2.1.1 picture size from libx264's SPS (with and without frame cropping), through the ingest, and hostile SPS bytes.</summary>
public class H264SpsReaderTests
{
    private static byte[] FirstSps(byte[] annexB)
    {
        var from = 0;
        while (H264Packetizer.TryFindNalUnit(annexB, from, out var start, out var length, out from))
            if ((annexB[start] & 0x1F) == 7) return annexB.AsSpan(start, length).ToArray();
        throw new InvalidOperationException("no SPS");
    }

    [Theory]
    [InlineData(320, 240)]
    [InlineData(640, 480)]
    [InlineData(328, 250)]   // 250 is not a multiple of 16: frame_cropping_flag with a bottom offset
    [InlineData(1280, 720)]  // 720 = 45 macroblock rows, no cropping
    public void H264_7_3_2_1_1_SizeFromX264Sps(int width, int height)
    {
        var frames = VideoRoundTripTests.Encode(VideoRoundTripTests.Options() with { Width = width, Height = height }, 1);
        Assert.True(H264SpsReader.TryReadSize(FirstSps(frames[0].Data), out var w, out var h));
        Assert.Equal((width, height), (w, h));
    }

    [Fact]
    public void IngestedH264Frames_CarryTheSize_FromTheKeyFrameOn()
    {
        var frames = VideoRoundTripTests.Encode(VideoRoundTripTests.Options() with { Width = 328, Height = 250 }, 3);
        using var rig = new IngestRig("H264");
        ushort sequence = 0;
        for (var i = 0; i < frames.Count; i++)
            foreach (var p in rig.H264Packets(frames[i].Data, ref sequence, (uint)(i * 6000))) rig.Deliver(p, i * 66);
        Assert.Equal(3, rig.Video.Count);
        Assert.All(rig.Video, f => Assert.Equal((328, 250), (f.Width, f.Height)));
    }

    [Fact]
    public void HostileSps_NeverThrows()
    {
        var random = new Random(17);
        var sps = FirstSps(VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), 1)[0].Data);
        var accepted = 0;
        for (var i = 0; i < 50_000; i++)
        {
            var bytes = i % 2 == 0 ? new byte[random.Next(0, 64)] : sps.ToArray();
            if (i % 2 == 0) random.NextBytes(bytes);
            else for (var k = 0; k < 3; k++) bytes[random.Next(1, bytes.Length)] ^= (byte)random.Next(1, 256);
            if (bytes.Length > 0) bytes[0] = 0x67;
            if (H264SpsReader.TryReadSize(bytes, out var w, out var h))
            {
                accepted++;
                Assert.InRange(w, 1, 16 * 1024);
                Assert.InRange(h, 1, 32 * 1024);
            }
        }
        Assert.False(H264SpsReader.TryReadSize([0x68, 0xCE, 0x3C, 0x80], out _, out _)); // a PPS
        Assert.False(H264SpsReader.TryReadSize([0x67, 0x42], out _, out _));             // truncated
        Assert.True(accepted > 0);
    }
}
