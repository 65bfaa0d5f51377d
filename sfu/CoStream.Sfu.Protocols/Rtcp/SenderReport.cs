using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>SR: sender report (RFC 3550 §6.4.1). The report blocks are a view over the input.</summary>
/// <remarks>
/// <code>
///         0                   1                   2                   3
///         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    RC   |   PT=SR=200   |             length            |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                         SSRC of sender                        |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// sender |              NTP timestamp, most significant word             |
/// info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |             NTP timestamp, least significant word             |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                         RTP timestamp                         |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                     sender's packet count                     |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                      sender's octet count                     |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                 report blocks (RC × 24 bytes)                 |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                  profile-specific extensions                  |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct SenderReport
{
    private const int SsrcOffset = 0;
    private const int NtpOffset = 4;
    private const int RtpTimestampOffset = 12;
    private const int PacketCountOffset = 16;
    private const int OctetCountOffset = 20;
    private const int FixedBodySize = 24;

    public SenderReport(
        uint ssrc,
        ulong ntpTimestamp,
        uint rtpTimestamp,
        uint packetCount,
        uint octetCount,
        ReadOnlySpan<ReportBlock> reportBlocks,
        ReadOnlySpan<byte> profileExtension = default)
        : this(ssrc, ntpTimestamp, rtpTimestamp, packetCount, octetCount, new RtcpEntryList<ReportBlock>(reportBlocks), profileExtension)
    {
        if (reportBlocks.Length > RtcpHeader.MaxCount)
        {
            RtcpWriter.ThrowArgument(nameof(reportBlocks), "At most 31 report blocks fit in one SR.");
        }

        if (profileExtension.Length % 4 != 0)
        {
            RtcpWriter.ThrowArgument(nameof(profileExtension), "Profile extensions are whole 32-bit words.");
        }
    }

    private SenderReport(
        uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount,
        RtcpEntryList<ReportBlock> reportBlocks, ReadOnlySpan<byte> profileExtension)
    {
        Ssrc = ssrc;
        NtpTimestamp = ntpTimestamp;
        RtpTimestamp = rtpTimestamp;
        PacketCount = packetCount;
        OctetCount = octetCount;
        ReportBlocks = reportBlocks;
        ProfileExtension = profileExtension;
    }

    public uint Ssrc { get; }

    /// <summary>64-bit NTP timestamp (seconds since 1900 in the high word, fraction in the low word).</summary>
    public ulong NtpTimestamp { get; }

    public uint RtpTimestamp { get; }

    public uint PacketCount { get; }

    public uint OctetCount { get; }

    public RtcpEntryList<ReportBlock> ReportBlocks { get; }

    /// <summary>Bytes after the report blocks (profile-specific extensions), a slice of the input.</summary>
    public ReadOnlySpan<byte> ProfileExtension { get; }

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out SenderReport value, out int consumed)
    {
        value = default;
        var error = ReportPacket.TrySplit(data, RtcpPacketType.SenderReport, FixedBodySize, out var body, out var blocks, out var extension, out consumed);
        if (error != RtcpError.None)
        {
            return error;
        }

        value = new SenderReport(
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(SsrcOffset)),
            BinaryPrimitives.ReadUInt64BigEndian(body.Slice(NtpOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(RtpTimestampOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(PacketCountOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(OctetCountOffset)),
            blocks,
            extension);
        return RtcpError.None;
    }

    public int GetSize() => RtcpPacket.Align4(RtcpHeader.Size + FixedBodySize + ReportBlocks.ByteLength + ProfileExtension.Length);

    public int WriteTo(Span<byte> destination)
    {
        int size = GetSize();
        RtcpWriter.EnsureSpace(destination, size);
        RtcpHeader.Write(destination, ReportBlocks.Count, RtcpPacketType.SenderReport, size);
        var body = destination.Slice(RtcpHeader.Size, size - RtcpHeader.Size);
        body.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(SsrcOffset), Ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(body.Slice(NtpOffset), NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(RtpTimestampOffset), RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(PacketCountOffset), PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(OctetCountOffset), OctetCount);
        ReportBlocks.WriteTo(body.Slice(FixedBodySize));
        ProfileExtension.CopyTo(body.Slice(FixedBodySize + ReportBlocks.ByteLength));
        return size;
    }
}
