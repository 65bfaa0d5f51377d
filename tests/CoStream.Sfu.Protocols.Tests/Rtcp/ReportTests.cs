using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class ReportTests
{
    private static readonly byte[] SenderReportSample =
    [
        0x81, 0xC8, 0x00, 0x0D, // V=2 P=0 RC=1, PT=200 (SR), length=13 (56 bytes)
        0x90, 0x2F, 0x9E, 0x2E, // SSRC of sender
        0xDA, 0x8B, 0xD1, 0xFC, // NTP timestamp, most significant word
        0xDD, 0xDD, 0xA0, 0x5A, // NTP timestamp, least significant word
        0xAA, 0xF4, 0xED, 0xD5, // RTP timestamp
        0x00, 0x00, 0x00, 0x01, // sender's packet count 1
        0x00, 0x00, 0x00, 0x02, // sender's octet count 2
        0xBC, 0x5E, 0x9A, 0x40, // report block: SSRC
        0x1F, 0xFF, 0xFF, 0xFE, // fraction lost 31/256, cumulative lost -2 (24-bit two's complement)
        0x00, 0x01, 0x46, 0xE1, // extended highest sequence: 1 cycle, seq 0x46E1
        0x00, 0x00, 0x01, 0x11, // jitter 273
        0x09, 0xF3, 0x64, 0x32, // LSR
        0x00, 0x02, 0x4A, 0x79, // DLSR 150137
        0xCA, 0xFE, 0xBA, 0xBE, // profile-specific extension (one word)
    ];

    [Fact]
    public void Rfc3550_6_4_1_SenderReport_ReadFields()
    {
        Assert.Equal(RtcpError.None, SenderReport.TryRead(SenderReportSample, out var sr, out int consumed));
        Assert.Equal(56, consumed);
        Assert.Equal(0x902F9E2Eu, sr.Ssrc);
        Assert.Equal(0xDA8BD1FCDDDDA05Aul, sr.NtpTimestamp);
        Assert.Equal(0xAAF4EDD5u, sr.RtpTimestamp);
        Assert.Equal(1u, sr.PacketCount);
        Assert.Equal(2u, sr.OctetCount);
        Assert.Equal(1, sr.ReportBlocks.Count);
        var block = sr.ReportBlocks[0];
        Assert.Equal(new ReportBlock(0xBC5E9A40, 31, -2, 0x000146E1, 273, 0x09F36432, 150137), block);
        Assert.Equal(new byte[] { 0xCA, 0xFE, 0xBA, 0xBE }, sr.ProfileExtension.ToArray());
    }

    [Fact]
    public void Rfc3550_6_4_1_SenderReport_WriteIsByteExact()
    {
        ReadOnlySpan<ReportBlock> blocks = [new ReportBlock(0xBC5E9A40, 31, -2, 0x000146E1, 273, 0x09F36432, 150137)];
        var sr = new SenderReport(0x902F9E2E, 0xDA8BD1FCDDDDA05A, 0xAAF4EDD5, 1, 2, blocks, [0xCA, 0xFE, 0xBA, 0xBE]);
        var buffer = new byte[sr.GetSize()];
        Assert.Equal(56, sr.WriteTo(buffer));
        Assert.Equal(SenderReportSample, buffer);
    }

    [Fact]
    public void Rfc3550_6_4_1_SenderReport_ReadWriteRoundTrip()
    {
        Assert.Equal(RtcpError.None, SenderReport.TryRead(SenderReportSample, out var sr, out _));
        var buffer = new byte[sr.GetSize()];
        sr.WriteTo(buffer);
        Assert.Equal(SenderReportSample, buffer);
    }

    [Fact]
    public void Rfc3550_6_4_2_ReceiverReport_ChromeSampleRoundTrip()
    {
        byte[] sample = RtcpSamples.ChromeReceiverReport;
        Assert.Equal(RtcpError.None, ReceiverReport.TryRead(sample, out var rr, out _));
        Assert.Equal(0, rr.ProfileExtension.Length);
        var blocks = new ReportBlock[rr.ReportBlocks.Count];
        int i = 0;
        foreach (var block in rr.ReportBlocks)
        {
            blocks[i++] = block;
        }

        var rebuilt = new ReceiverReport(rr.Ssrc, blocks);
        var buffer = new byte[rebuilt.GetSize()];
        Assert.Equal(32, rebuilt.WriteTo(buffer));
        Assert.Equal(sample, buffer);
    }

    [Fact]
    public void Rfc3550_6_4_2_ReceiverReport_EmptyAndMaxCount()
    {
        var empty = new ReceiverReport(0x01020304, ReadOnlySpan<ReportBlock>.Empty);
        var buffer = new byte[empty.GetSize()];
        empty.WriteTo(buffer);
        Assert.Equal(new byte[] { 0x80, 0xC9, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04 }, buffer); // RC=0, length 1, SSRC

        var many = new ReportBlock[31];
        for (int i = 0; i < many.Length; i++)
        {
            many[i] = new ReportBlock((uint)i, (byte)i, -i, (uint)(i * 1000), (uint)i, (uint)i, (uint)i);
        }

        var full = new ReceiverReport(7, many);
        buffer = new byte[full.GetSize()];
        full.WriteTo(buffer);
        Assert.Equal(RtcpError.None, ReceiverReport.TryRead(buffer, out var read, out _));
        Assert.Equal(31, read.ReportBlocks.Count);
        Assert.Equal(many[30], read.ReportBlocks[30]);
        Assert.Throws<ArgumentException>(() => new ReceiverReport(7, new ReportBlock[32]));
    }

    [Theory]
    [InlineData(0x7FFFFF, new byte[] { 0x7F, 0xFF, 0xFF })]
    [InlineData(-0x800000, new byte[] { 0x80, 0x00, 0x00 })]
    [InlineData(-1, new byte[] { 0xFF, 0xFF, 0xFF })]
    [InlineData(0x1000000, new byte[] { 0x7F, 0xFF, 0xFF })] // clamped
    [InlineData(-0x1000000, new byte[] { 0x80, 0x00, 0x00 })] // clamped
    public void Rfc3550_6_4_1_CumulativeLostIs24BitSigned(int lost, byte[] wire)
    {
        var block = new ReportBlock(1, 0, lost, 0, 0, 0, 0);
        var buffer = new byte[ReportBlock.Size];
        block.WriteTo(buffer);
        Assert.Equal(wire, buffer[5..8]);
        Assert.Equal(RtcpError.None, ReportBlock.TryRead(buffer, out var read, out int consumed));
        Assert.Equal(24, consumed);
        Assert.Equal(Math.Clamp(lost, -0x800000, 0x7FFFFF), read.CumulativeLost);
    }

    public static TheoryData<string, byte[], RtcpError> SenderNegativeRows => new()
    {
        { "empty", [], RtcpError.TooShort },
        { "RR type", [0x80, 0xC9, 0x00, 0x06, .. new byte[24]], RtcpError.WrongPacketType },
        { "wrong version", [0x00, 0xC8, 0x00, 0x06, .. new byte[24]], RtcpError.BadVersion },
        { "no sender info", [0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1], RtcpError.TooShort },
        { "RC=1 without block", [0x81, 0xC8, 0x00, 0x06, .. new byte[24]], RtcpError.CountMismatch },
        { "length past buffer", [0x80, 0xC8, 0x00, 0x07, .. new byte[24]], RtcpError.LengthExceedsBuffer },
        { "padding eats sender info", [0xA0, 0xC8, 0x00, 0x06, .. new byte[23], 4], RtcpError.TooShort },
    };

    [Theory]
    [MemberData(nameof(SenderNegativeRows))]
    public void Rfc3550_6_4_1_SenderReport_Refusals(string name, byte[] data, RtcpError expected)
    {
        Assert.True(expected == SenderReport.TryRead(data, out _, out int consumed), name);
        Assert.Equal(0, consumed);
    }

    public static TheoryData<string, byte[], RtcpError> ReceiverNegativeRows => new()
    {
        { "header only", [0x80, 0xC9, 0x00, 0x00], RtcpError.TooShort },
        { "SR type", [0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1], RtcpError.WrongPacketType },
        { "RC=2 with one block", [0x82, 0xC9, 0x00, 0x07, .. new byte[28]], RtcpError.CountMismatch },
        { "truncated block", [0x81, 0xC9, 0x00, 0x07, .. new byte[20]], RtcpError.LengthExceedsBuffer },
    };

    [Theory]
    [MemberData(nameof(ReceiverNegativeRows))]
    public void Rfc3550_6_4_2_ReceiverReport_Refusals(string name, byte[] data, RtcpError expected)
    {
        Assert.True(expected == ReceiverReport.TryRead(data, out _, out _), name);
    }
}
