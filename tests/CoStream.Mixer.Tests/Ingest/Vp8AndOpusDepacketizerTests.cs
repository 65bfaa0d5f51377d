using CoStream.Mixer.Codecs;
using CoStream.Mixer.Ingest;
using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.Mixer.Tests.Ingest;

/// <summary>RFC 7741 VP8 frames (payload descriptor, partitions, S bit, picture boundaries, keyframes) and RFC 7587 Opus packets through a <see cref="TrackIngest"/>.</summary>
public class Vp8AndOpusDepacketizerTests
{
    // RFC 6386 §9.1: frame tag with P = 0 (key frame), start code 9D 01 2A, width 640, height 360 (14-bit LE).
    private static readonly byte[] KeyFrameHeader = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01];
    private static readonly byte[] DeltaFrameHeader = [0x11, 0x02, 0x00];

    private static byte[] Payload(Vp8PayloadDescriptor descriptor, ReadOnlySpan<byte> data)
    {
        var payload = new byte[descriptor.Size + data.Length];
        descriptor.WriteTo(payload);
        data.CopyTo(payload.AsSpan(descriptor.Size));
        return payload;
    }

    [Fact]
    public void Rfc7741_4_KeyFrameInThreePackets_WithTwoPartitions_IsConcatenatedWithoutDescriptors()
    {
        using var rig = new IngestRig("VP8");
        byte[] partition0 = [.. KeyFrameHeader, 1, 2, 3];
        byte[] partition0Rest = [4, 5, 6];
        byte[] partition1 = [7, 8, 9];
        rig.Deliver(rig.Packet(1, 9000, false, Payload(Vp8PayloadDescriptor.Create(true, 0, pictureId: 300), partition0)), 0);
        rig.Deliver(rig.Packet(2, 9000, false, Payload(Vp8PayloadDescriptor.Create(false, 0, pictureId: 300), partition0Rest)), 0);
        rig.Deliver(rig.Packet(3, 9000, true, Payload(Vp8PayloadDescriptor.Create(true, 1, pictureId: 300), partition1)), 0);

        var frame = Assert.Single(rig.Video);
        Assert.Equal(VideoCodec.Vp8, frame.Codec);
        Assert.True(frame.IsKeyFrame);
        Assert.Equal((640, 360), (frame.Width, frame.Height));
        Assert.Equal([.. partition0, .. partition0Rest, .. partition1], frame.Data.ToArray());
    }

    [Fact]
    public void Rfc7741_4_3_DeltaFrames_FollowAKeyFrame_AndAreNotKeyFrames()
    {
        using var rig = new IngestRig("VP8");
        rig.Deliver(rig.Packet(1, 0, true, Payload(Vp8PayloadDescriptor.Create(true, pictureId: 1, longPictureId: false), KeyFrameHeader)), 0);
        rig.Deliver(rig.Packet(2, 3000, true, Payload(Vp8PayloadDescriptor.Create(true, pictureId: 2, longPictureId: false), DeltaFrameHeader)), 33);
        Assert.Equal(2, rig.Video.Count);
        Assert.False(rig.Video[1].IsKeyFrame);
        Assert.Equal((640, 360), (rig.Video[1].Width, rig.Video[1].Height)); // the size the last key frame gave
    }

    [Fact]
    public void Rfc7741_DeltaFrameFirst_IsDroppedWhileWaitingForAKeyFrame()
    {
        using var rig = new IngestRig("VP8");
        rig.Deliver(rig.Packet(1, 0, true, Payload(Vp8PayloadDescriptor.Create(true), DeltaFrameHeader)), 0);
        Assert.Empty(rig.Video);
        Assert.Equal(1, rig.Counters.Dropped(IngestDropReason.WaitingForKeyFrame));
        Assert.True(rig.KeyFrameRequests >= 1);
    }

    [Theory]
    [InlineData(false, 0, 300, 300, IngestDropReason.MissingPictureStart)] // first packet has S = 0
    [InlineData(true, 1, 300, 300, IngestDropReason.MissingPictureStart)]  // first packet starts partition 1
    [InlineData(true, 0, 300, 301, IngestDropReason.MalformedPayload)]     // PictureID changes inside the picture
    public void Rfc7741_4_2_PictureBoundaryViolations_AreDropped(bool firstStart, byte firstPid, int firstPictureId, int secondPictureId, IngestDropReason expected)
    {
        using var rig = new IngestRig("VP8");
        rig.Deliver(rig.Packet(1, 0, true, Payload(Vp8PayloadDescriptor.Create(true, pictureId: 299), KeyFrameHeader)), 0);
        rig.Deliver(rig.Packet(2, 3000, false, Payload(Vp8PayloadDescriptor.Create(firstStart, firstPid, pictureId: firstPictureId), DeltaFrameHeader)), 30);
        rig.Deliver(rig.Packet(3, 3000, true, Payload(Vp8PayloadDescriptor.Create(false, 0, pictureId: secondPictureId), [1, 2, 3])), 30);
        Assert.Single(rig.Video);
        Assert.Equal(1, rig.Counters.Dropped(expected));
    }

    [Theory]
    [InlineData("80")]           // X set, extension byte missing
    [InlineData("90 80")]        // I set, PictureID missing
    [InlineData("10")]           // descriptor only, no VP8 data
    [InlineData("10 10 02 00 9D 01")] // key frame tag, truncated before the size
    public void Rfc7741_TruncatedPayloads_AreMalformed(string hex)
    {
        using var rig = new IngestRig("VP8");
        rig.Deliver(rig.Packet(1, 0, true, Payload(Vp8PayloadDescriptor.Create(true), KeyFrameHeader)), 0);
        rig.Deliver(rig.Packet(2, 3000, true, Convert.FromHexString(hex.Replace(" ", ""))), 30);
        Assert.Single(rig.Video);
        Assert.Equal(1, rig.Counters.Dropped(IngestDropReason.MalformedPayload));
    }

    [Fact]
    public void Rfc7587_OnePacketIsOneFrame_PayloadUntouched_TimestampsFollowTheClock()
    {
        using var rig = new IngestRig("opus");
        using var encoder = OpusEncoder.TryCreate(1, 32000, out var reason);
        Assert.True(encoder != null, reason);
        var pcm = new short[960];
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var sent = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            for (var k = 0; k < pcm.Length; k++) pcm[k] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * (i * 960 + k) / 48000.0));
            Assert.True(encoder!.Encode(pcm, packet, out var written).Ok);
            sent.Add(packet.AsSpan(0, written).ToArray());
            rig.Deliver(rig.Packet((ushort)(i + 1), (uint)(i * 960), i == 0, sent[^1]), 20 * i + 5);
        }

        Assert.Equal(10, rig.Audio.Count);
        for (var i = 0; i < 10; i++) Assert.Equal(sent[i], rig.Audio[i].Payload.ToArray());
        // SR-less mapping: anchored on arrival (5 ms), then 20 ms per 960 ticks.
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 5L + 20 * i), rig.Audio.Select(a => a.MediaTimeMs));
    }

    [Theory]
    [InlineData("")]
    [InlineData("79 AABBCC")]    // code 1 (two equal frames) with an odd data length
    [InlineData("7A")]           // code 2 without its length byte
    public void Rfc6716_MalformedOpusPackets_AreDropped(string hex)
    {
        using var rig = new IngestRig("opus");
        rig.Deliver(rig.Packet(1, 0, false, Convert.FromHexString(hex.Replace(" ", ""))), 0);
        Assert.Empty(rig.Audio);
        Assert.Equal(1, rig.Counters.Dropped(IngestDropReason.MalformedPayload));
    }

    [Fact]
    public void HostilePayloads_NeverThrow_AndAreCounted()
    {
        var random = new Random(11);
        foreach (var codec in new[] { "H264", "VP8", "opus" })
        {
            using var rig = new IngestRig(codec, new RoomIngestOptions { MaxFrameBytes = 64 * 1024 });
            ushort sequence = 0;
            for (var i = 0; i < 20_000; i++)
            {
                var payload = new byte[random.Next(0, random.Next(2) == 0 ? 40 : 1400)];
                random.NextBytes(payload);
                rig.Deliver(rig.Packet(sequence++, (uint)(i / 3 * 3000), i % 3 == 2, payload), i * 0.5);
            }
            rig.Poll(1_000_000);
            var dropped = Enum.GetValues<IngestDropReason>().Sum(r => rig.Counters.Dropped(r));
            Assert.True(dropped > 0, codec + ": " + rig.Counters);
            Assert.Equal(20_000, rig.Counters.Packets);
        }
    }
}
