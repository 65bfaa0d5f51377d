using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>RR: receiver report (RFC 3550 §6.4.2). The report blocks are a view over the input.</summary>
/// <remarks>
/// <code>
///         0                   1                   2                   3
///         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// header |V=2|P|    RC   |   PT=RR=201   |             length            |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///        |                     SSRC of packet sender                     |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                 report blocks (RC × 24 bytes)                 |
///        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
///        |                  profile-specific extensions                  |
///        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct ReceiverReport
{
    private const int SsrcOffset = 0;
    private const int FixedBodySize = 4;

    public ReceiverReport(uint ssrc, ReadOnlySpan<ReportBlock> reportBlocks, ReadOnlySpan<byte> profileExtension = default)
        : this(ssrc, new RtcpEntryList<ReportBlock>(reportBlocks), profileExtension)
    {
        if (reportBlocks.Length > RtcpHeader.MaxCount)
        {
            RtcpWriter.ThrowArgument(nameof(reportBlocks), "At most 31 report blocks fit in one RR.");
        }

        if (profileExtension.Length % 4 != 0)
        {
            RtcpWriter.ThrowArgument(nameof(profileExtension), "Profile extensions are whole 32-bit words.");
        }
    }

    private ReceiverReport(uint ssrc, RtcpEntryList<ReportBlock> reportBlocks, ReadOnlySpan<byte> profileExtension)
    {
        Ssrc = ssrc;
        ReportBlocks = reportBlocks;
        ProfileExtension = profileExtension;
    }

    /// <summary>SSRC of the packet sender (the receiver writing the report).</summary>
    public uint Ssrc { get; }

    public RtcpEntryList<ReportBlock> ReportBlocks { get; }

    public ReadOnlySpan<byte> ProfileExtension { get; }

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out ReceiverReport value, out int consumed)
    {
        value = default;
        var error = ReportPacket.TrySplit(data, RtcpPacketType.ReceiverReport, FixedBodySize, out var body, out var blocks, out var extension, out consumed);
        if (error != RtcpError.None)
        {
            return error;
        }

        value = new ReceiverReport(
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(SsrcOffset)),
            blocks,
            extension);
        return RtcpError.None;
    }

    public int GetSize() => RtcpPacket.Align4(RtcpHeader.Size + FixedBodySize + ReportBlocks.ByteLength + ProfileExtension.Length);

    public int WriteTo(Span<byte> destination)
    {
        int size = GetSize();
        RtcpWriter.EnsureSpace(destination, size);
        RtcpHeader.Write(destination, ReportBlocks.Count, RtcpPacketType.ReceiverReport, size);
        var body = destination.Slice(RtcpHeader.Size, size - RtcpHeader.Size);
        body.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(SsrcOffset), Ssrc);
        ReportBlocks.WriteTo(body.Slice(FixedBodySize));
        ProfileExtension.CopyTo(body.Slice(FixedBodySize + ReportBlocks.ByteLength));
        return size;
    }
}
