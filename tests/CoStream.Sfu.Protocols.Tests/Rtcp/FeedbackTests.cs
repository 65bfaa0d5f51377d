using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class FeedbackTests
{
    private static readonly byte[] NackSample =
    [
        0x81, 0xCD, 0x00, 0x04, // V=2 P=0 FMT=1, PT=205 (RTPFB), length 4 (20 bytes)
        0x90, 0x2F, 0x9E, 0x2E, // SSRC of packet sender
        0xBC, 0x5E, 0x9A, 0x40, // SSRC of media source
        0xFF, 0xFE, 0x80, 0x05, // PID 65534, BLP bits 0, 2, 15 -> 65535, 1, 14
        0x00, 0x64, 0x00, 0x00, // PID 100, BLP 0
    ];

    [Fact]
    public void Rfc4585_6_2_1_GenericNack_ReadAndExpand()
    {
        Assert.Equal(RtcpError.None, GenericNack.TryRead(NackSample, out var nack, out int consumed));
        Assert.Equal(20, consumed);
        Assert.Equal(0x902F9E2Eu, nack.SenderSsrc);
        Assert.Equal(0xBC5E9A40u, nack.MediaSsrc);
        Assert.Equal(2, nack.Entries.Count);
        Assert.Equal(new NackEntry(65534, 0x8005), nack.Entries[0]);
        Assert.Equal(4, nack.Entries[0].LostCount);
        var lost = new List<ushort>();
        foreach (ushort sequence in nack.LostSequenceNumbers)
        {
            lost.Add(sequence);
        }

        Assert.Equal([65534, 65535, 1, 14, 100], lost);
    }

    [Fact]
    public void Rfc4585_6_2_1_GenericNack_BuildFromSortedLostWithWrap()
    {
        ushort[] lost = [65534, 65535, 1, 14, 14, 100];
        var entries = new NackEntry[lost.Length];
        int count = GenericNack.BuildEntries(lost, entries);
        Assert.Equal(2, count);
        var nack = new GenericNack(0x902F9E2E, 0xBC5E9A40, entries.AsSpan(0, count));
        var buffer = new byte[nack.GetSize()];
        Assert.Equal(20, nack.WriteTo(buffer));
        Assert.Equal(NackSample, buffer);
    }

    [Theory]
    [InlineData(new ushort[] { }, new uint[] { })]
    [InlineData(new ushort[] { 100 }, new uint[] { 100u << 16 })]
    [InlineData(new ushort[] { 100, 101, 105, 115 }, new uint[] { (100u << 16) | 0x4011 })]
    [InlineData(new ushort[] { 100, 116 }, new uint[] { (100u << 16) | 0x8000 })] // 17th number still fits
    [InlineData(new ushort[] { 100, 117, 500, 501, 502 }, new uint[] { 100u << 16, 117u << 16, (500u << 16) | 0x3 })]
    [InlineData(new ushort[] { 65535, 15 }, new uint[] { (65535u << 16) | 0x8000 })] // wraps inside one entry
    [InlineData(new ushort[] { 10, 5 }, new uint[] { 10u << 16, 5u << 16 })] // going back starts a new entry
    public void Rfc4585_6_2_1_GenericNack_PackingTable(ushort[] lost, uint[] expected)
    {
        var entries = new NackEntry[lost.Length];
        int count = GenericNack.BuildEntries(lost, entries);
        Assert.Equal(expected, entries[..count].Select(e => ((uint)e.PacketId << 16) | e.LostBitmask).ToArray());
    }

    [Fact]
    public void Rfc4585_6_2_1_GenericNack_SeventeenPerEntryRoundTrip()
    {
        var lost = Enumerable.Range(0, 1000).Select(i => (ushort)(65000 + i)).ToArray(); // wraps at 65536
        var entries = new NackEntry[lost.Length];
        int count = GenericNack.BuildEntries(lost, entries);
        Assert.Equal((1000 + 16) / 17, count);
        var nack = new GenericNack(1, 2, entries.AsSpan(0, count));
        var buffer = new byte[nack.GetSize()];
        nack.WriteTo(buffer);
        Assert.Equal(RtcpError.None, GenericNack.TryRead(buffer, out var read, out _));
        var expanded = new List<ushort>();
        foreach (ushort sequence in read.LostSequenceNumbers)
        {
            expanded.Add(sequence);
        }

        Assert.Equal(lost, expanded);
        Assert.Throws<ArgumentException>(() => GenericNack.BuildEntries(lost, new NackEntry[count - 1]));
    }

    public static TheoryData<string, byte[], RtcpError> NackNegativeRows => new()
    {
        { "no FCI", [0x81, 0xCD, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2], RtcpError.BadFci },
        { "short", [0x81, 0xCD, 0x00, 0x01, 0, 0, 0, 1], RtcpError.TooShort },
        { "FMT 15", [0x8F, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0], RtcpError.WrongFormat },
        { "PSFB type", [0x81, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 0], RtcpError.WrongPacketType },
        { "half an entry after padding", [0xA1, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 2], RtcpError.BadFci },
    };

    [Theory]
    [MemberData(nameof(NackNegativeRows))]
    public void Rfc4585_6_2_1_GenericNack_Refusals(string name, byte[] data, RtcpError expected)
    {
        Assert.True(expected == GenericNack.TryRead(data, out _, out _), name);
    }

    [Fact]
    public void Rfc4585_6_3_1_PictureLossIndication_ByteExactRoundTrip()
    {
        byte[] sample =
        [
            0x81, 0xCE, 0x00, 0x02, // V=2 P=0 FMT=1, PT=206 (PSFB), length 2 (12 bytes)
            0x90, 0x2F, 0x9E, 0x2E, // SSRC of packet sender
            0x90, 0x2F, 0x9E, 0x2E, // SSRC of media source
        ];
        Assert.Equal(RtcpError.None, PictureLossIndication.TryRead(sample, out var pli, out int consumed));
        Assert.Equal(12, consumed);
        Assert.Equal(new PictureLossIndication(0x902F9E2E, 0x902F9E2E), pli);
        var buffer = new byte[pli.GetSize()];
        pli.WriteTo(buffer);
        Assert.Equal(sample, buffer);

        Assert.Equal(RtcpError.WrongFormat, PictureLossIndication.TryRead([0x84, 0xCE, 0x00, 0x02, .. sample[4..]], out _, out _));
        Assert.Equal(RtcpError.TooShort, PictureLossIndication.TryRead([0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1], out _, out _));
        Assert.Equal(RtcpError.BadFci, PictureLossIndication.TryRead([0x81, 0xCE, 0x00, 0x03, .. sample[4..], 0, 0, 0, 0], out _, out _));
        Assert.Equal(RtcpError.LengthExceedsBuffer, PictureLossIndication.TryRead(sample[..11], out _, out _));
    }

    [Fact]
    public void Rfc5104_4_3_1_FullIntraRequest_ByteExactRoundTrip()
    {
        byte[] sample =
        [
            0x84, 0xCE, 0x00, 0x06, // V=2 P=0 FMT=4, PT=206 (PSFB), length 6 (28 bytes)
            0x00, 0x00, 0x00, 0x01, // SSRC of packet sender
            0x00, 0x00, 0x00, 0x00, // SSRC of media source (unused, 0)
            0x12, 0x34, 0x56, 0x78, // FCI 1: SSRC
            0x2A, 0x00, 0x00, 0x00, // command sequence number 42, reserved
            0x9A, 0xBC, 0xDE, 0xF0, // FCI 2: SSRC
            0xFF, 0x00, 0x00, 0x00, // command sequence number 255, reserved
        ];
        Assert.Equal(RtcpError.None, FullIntraRequest.TryRead(sample, out var fir, out _));
        Assert.Equal(1u, fir.SenderSsrc);
        Assert.Equal(0u, fir.MediaSsrc);
        Assert.Equal(2, fir.Entries.Count);
        Assert.Equal(new FirEntry(0x12345678, 42), fir.Entries[0]);
        Assert.Equal(new FirEntry(0x9ABCDEF0, 255), fir.Entries[1]);

        var rebuilt = new FullIntraRequest(1, [new FirEntry(0x12345678, 42), new FirEntry(0x9ABCDEF0, 255)]);
        var buffer = new byte[rebuilt.GetSize()];
        Assert.Equal(28, rebuilt.WriteTo(buffer));
        Assert.Equal(sample, buffer);

        Assert.Equal(RtcpError.BadFci, FullIntraRequest.TryRead([0x84, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0], out _, out _));
        Assert.Equal(RtcpError.BadFci, FullIntraRequest.TryRead([0x84, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4], out _, out _));
        Assert.Equal(RtcpError.WrongFormat, FullIntraRequest.TryRead([0x81, .. sample[1..]], out _, out _));
    }

    [Fact]
    public void Remb_2_2_ChromeSampleRoundTrip()
    {
        byte[] sample = RtcpSamples.ChromeRemb;
        Assert.Equal(RtcpError.None, ReceiverEstimatedMaxBitrate.TryRead(sample, out var remb, out int consumed));
        Assert.Equal(24, consumed);
        Assert.Equal(1u, remb.SenderSsrc);
        Assert.Equal(8927168ul, remb.Bitrate);
        Assert.Equal(1, remb.Ssrcs.Count);
        Assert.Equal(0x4874ED16u, remb.Ssrcs[0]);

        var rebuilt = new ReceiverEstimatedMaxBitrate(1, 8927168, [0x4874ED16]);
        var buffer = new byte[rebuilt.GetSize()];
        rebuilt.WriteTo(buffer);
        Assert.Equal(sample, buffer);
    }

    [Theory]
    [InlineData(0ul, 0ul)]
    [InlineData(0x3FFFFul, 0x3FFFFul)]        // largest exponent-0 value
    [InlineData(0x40000ul, 0x40000ul)]        // exponent 1, exact
    [InlineData(8927167ul, 8927104ul)]        // rounds down to mantissa 139486 × 2^6
    [InlineData(ulong.MaxValue, 0x3FFFFul << 46)]
    public void Remb_2_2_BitrateRoundsDownTo18BitMantissa(ulong bitrate, ulong expected)
    {
        var remb = new ReceiverEstimatedMaxBitrate(9, bitrate, []);
        var buffer = new byte[remb.GetSize()];
        remb.WriteTo(buffer);
        Assert.Equal(RtcpError.None, ReceiverEstimatedMaxBitrate.TryRead(buffer, out var read, out _));
        Assert.Equal(expected, read.Bitrate);
        Assert.Equal(0, read.Ssrcs.Count);
    }

    [Fact]
    public void Remb_2_2_HugeExponentSaturates()
    {
        byte[] data = [0x8F, 0xCE, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42, 0x00, 0xFF, 0xFF, 0xFF]; // exp 63, mantissa 0x3FFFF
        Assert.Equal(RtcpError.None, ReceiverEstimatedMaxBitrate.TryRead(data, out var remb, out _));
        Assert.Equal(ulong.MaxValue, remb.Bitrate);
    }

    public static TheoryData<string, byte[], RtcpError> RembNegativeRows => new()
    {
        { "not REMB", [0x8F, 0xCE, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0x41, 0x42, 0x43, 0x44, 0, 0, 0, 0], RtcpError.NotRemb },
        { "num SSRC 2 with one", [0x8F, 0xCE, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42, 0x02, 0, 0, 0, 0, 0, 0, 1], RtcpError.CountMismatch },
        { "extra SSRC", [0x8F, 0xCE, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42, 0x00, 0, 0, 0, 0, 0, 0, 1], RtcpError.CountMismatch },
        { "cut after identifier", [0x8F, 0xCE, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42], RtcpError.TooShort },
        { "FMT 1", [0x81, 0xCE, 0x00, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42, 0, 0, 0, 0], RtcpError.WrongFormat },
    };

    [Theory]
    [MemberData(nameof(RembNegativeRows))]
    public void Remb_2_2_Refusals(string name, byte[] data, RtcpError expected)
    {
        Assert.True(expected == ReceiverEstimatedMaxBitrate.TryRead(data, out _, out _), name);
    }
}
