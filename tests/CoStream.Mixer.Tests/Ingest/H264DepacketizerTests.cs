using CoStream.Mixer.Codecs;
using CoStream.Mixer.Ingest;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.Mixer.Tests.Ingest;

/// <summary>
/// RFC 6184 packetizer → RTP → <see cref="JitterBuffer"/> → <see cref="H264Depacketizer"/> round trips on
/// real libx264 access units (single NAL, STAP-A for SPS/PPS, FU-A for slices over an MTU of 1200), and
/// what happens to an access unit when fragments are reordered, lost or malformed.
/// </summary>
public class H264DepacketizerTests
{
    private static readonly List<EncodedVideoFrame> Encoded = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(gop: 10) with { BitrateBitsPerSecond = 4_000_000, Width = 640, Height = 480 }, 30);

    /// <summary>The NAL units of an Annex-B access unit (start code form removed), to compare 3- and 4-byte forms.</summary>
    private static List<string> Nals(ReadOnlySpan<byte> annexB)
    {
        var list = new List<string>();
        var from = 0;
        while (H264Packetizer.TryFindNalUnit(annexB, from, out var start, out var length, out from))
            list.Add(Convert.ToHexString(annexB.Slice(start, length)));
        return list;
    }

    [Fact]
    public void Rfc6184_RoundTrip_RealX264AccessUnits_Mtu1200_AreRebuiltNalForNal_AndDecodeToTheColours()
    {
        using var rig = new IngestRig("H264");
        ushort sequence = 65_500; // wraps during the run
        var packetTypes = new HashSet<int>();
        for (var i = 0; i < Encoded.Count; i++)
        {
            var packets = rig.H264Packets(Encoded[i].Data, ref sequence, (uint)(i * 6000));
            foreach (var p in packets) packetTypes.Add(p[12] & 0x1F);
            foreach (var p in packets) rig.Deliver(p, i * 66.7);
        }

        Assert.Contains(24, packetTypes); // STAP-A (SPS + PPS)
        Assert.Contains(28, packetTypes); // FU-A (IDR slice > 1200 bytes)
        Assert.Equal(Encoded.Count, rig.Video.Count);
        for (var i = 0; i < Encoded.Count; i++)
        {
            Assert.Equal(Nals(Encoded[i].Data), Nals(rig.Video[i].Data.Span));
            Assert.Equal(Encoded[i].IsKeyframe, rig.Video[i].IsKeyFrame);
            Assert.Equal(VideoCodec.H264, rig.Video[i].Codec);
            Assert.Equal((uint)(i * 6000), rig.Video[i].RtpTimestamp);
        }

        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason);
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        foreach (var frame in rig.Video) Assert.True(decoder!.Decode(frame.Data.Span, frame.RtpTimestamp / 6000, pictures).Ok);
        Assert.True(decoder!.Flush(pictures).Ok);
        Assert.Equal(Encoded.Count, pictures.Count);
        foreach (var picture in pictures)
        {
            var (y, _, _) = Colours.ForFrame(picture.Pts);
            Assert.InRange(picture.MeanOf(0), y - 4, y + 4);
        }
        Assert.Equal(0, rig.Counters.Dropped(IngestDropReason.Lost));
    }

    [Fact]
    public void ReorderedFragments_WithinTheFrame_AreReassembledInSequenceOrder()
    {
        using var rig = new IngestRig("H264");
        ushort sequence = 100;
        foreach (var p in rig.H264Packets(Encoded[0].Data, ref sequence, 0)) rig.Deliver(p, 0);
        var packets = rig.H264Packets(Encoded[10].Data, ref sequence, 60_000, mtu: 300);
        Assert.True(packets.Count >= 4, $"keyframe fits in {packets.Count} packets");
        for (var k = packets.Count - 1; k >= 0; k--) rig.Deliver(packets[k], 700); // worst case: all reversed

        Assert.Equal(2, rig.Video.Count);
        Assert.Equal(Nals(Encoded[10].Data), Nals(rig.Video[1].Data.Span));
        Assert.True(rig.Video[1].IsKeyFrame);
        Assert.Equal(0, rig.Counters.Dropped(IngestDropReason.Late));
    }

    [Fact]
    public void LostFuAFragment_DropsTheAccessUnit_AsksForAKeyFrame_AndDropsDeltasUntilTheNextKeyFrame()
    {
        using var rig = new IngestRig("H264", new RoomIngestOptions { VideoMaxWaitMs = 50 });
        ushort sequence = 1;
        // Frame 0 (keyframe) whole.
        foreach (var p in rig.H264Packets(Encoded[0].Data, ref sequence, 0)) rig.Deliver(p, 0);
        Assert.Single(rig.Video);
        var requestsBefore = rig.KeyFrameRequests;

        // Frames 1..9 are deltas; frame 10 is a keyframe that loses one FU-A fragment; 11..19 deltas.
        for (var i = 1; i < 10; i++)
            foreach (var p in rig.H264Packets(Encoded[i].Data, ref sequence, (uint)(i * 6000))) rig.Deliver(p, i * 66);
        Assert.Equal(10, rig.Video.Count);
        Assert.True(Encoded[10].IsKeyframe);
        var broken = rig.H264Packets(Encoded[10].Data, ref sequence, 60_000, mtu: 200); // a small MTU: several FU-A fragments
        Assert.True(broken.Count >= 3);
        for (var k = 0; k < broken.Count; k++) if (k != broken.Count / 2) rig.Deliver(broken[k], 660);
        for (var i = 11; i < 20; i++)
            foreach (var p in rig.H264Packets(Encoded[i].Data, ref sequence, (uint)(i * 6000))) rig.Deliver(p, i * 66);
        rig.Poll(2000);

        Assert.Equal(10, rig.Video.Count); // nothing after the loss until a keyframe
        Assert.Equal(1, rig.Counters.Dropped(IngestDropReason.Lost));
        Assert.Equal(1, rig.Counters.Dropped(IngestDropReason.IncompleteFrame));
        Assert.True(rig.Counters.Dropped(IngestDropReason.WaitingForKeyFrame) >= 8);
        Assert.True(rig.KeyFrameRequests > requestsBefore, "a keyframe was requested after the loss");

        // Frame 20 is the next keyframe (GOP 10): decoding resumes.
        Assert.True(Encoded[20].IsKeyframe);
        foreach (var p in rig.H264Packets(Encoded[20].Data, ref sequence, 120_000)) rig.Deliver(p, 2100);
        Assert.Equal(11, rig.Video.Count);
        Assert.True(rig.Video[10].IsKeyFrame);
    }

    [Theory]
    [InlineData("7C05 AABB", IngestDropReason.FuWithoutStart)]           // FU-A middle, no start before it
    [InlineData("7C85 AABB", IngestDropReason.FuNotEnded)]               // FU-A start, frame ends (marker) without its end
    [InlineData("7C85 AABB|6588", IngestDropReason.FuNotEnded)]          // FU-A start, then a single NAL unit
    [InlineData("7C", IngestDropReason.MalformedPayload)]                // FU-A with no FU header
    [InlineData("78 0010 6588", IngestDropReason.MalformedPayload)]      // STAP-A size runs past the payload
    [InlineData("9C85 AABB", IngestDropReason.MalformedPayload)]         // forbidden bit
    [InlineData("7A 85 AA", IngestDropReason.MalformedPayload)]          // FU-B (interleaved mode)
    public void Rfc6184_MalformedAccessUnits_AreDroppedWithAReason(string payloadsHex, IngestDropReason expected)
    {
        using var rig = new IngestRig("H264");
        // A good keyframe first so the track is not waiting for one.
        ushort sequence = 10;
        foreach (var p in rig.H264Packets(Encoded[0].Data, ref sequence, 0)) rig.Deliver(p, 0);
        var payloads = payloadsHex.Split('|').Select(h => Convert.FromHexString(h.Replace(" ", ""))).ToArray();
        for (var k = 0; k < payloads.Length; k++) rig.Deliver(rig.Packet(sequence++, 3000, k == payloads.Length - 1, payloads[k]), 10);

        Assert.Single(rig.Video);
        Assert.Equal(1, rig.Counters.Dropped(expected));
    }
}
