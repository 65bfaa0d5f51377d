using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>A reception report block (RFC 3550 §6.4.1), carried by SR and RR.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// |                 SSRC_1 (SSRC of first source)                 |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | fraction lost |       cumulative number of packets lost       |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |           extended highest sequence number received           |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                      interarrival jitter                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         last SR (LSR)                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                   delay since last SR (DLSR)                  |
/// +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// </code>
/// </remarks>
public readonly struct ReportBlock : IRtcpEntry<ReportBlock>, IEquatable<ReportBlock>
{
    public const int Size = 24;
    /// <summary>Largest value of the 24-bit signed cumulative-lost field.</summary>
    public const int MaxCumulativeLost = 0x7FFFFF;
    /// <summary>Smallest value of the 24-bit signed cumulative-lost field.</summary>
    public const int MinCumulativeLost = -0x800000;
    private const int SsrcOffset = 0;
    private const int FractionLostOffset = 4;
    private const int CumulativeLostOffset = 5;
    private const int ExtendedHighestOffset = 8;
    private const int JitterOffset = 12;
    private const int LastSenderReportOffset = 16;
    private const int DelayOffset = 20;

    /// <summary>Creates a block; <paramref name="cumulativeLost"/> is clamped to the 24-bit signed range.</summary>
    public ReportBlock(
        uint ssrc,
        byte fractionLost,
        int cumulativeLost,
        uint extendedHighestSequence,
        uint jitter,
        uint lastSenderReport,
        uint delaySinceLastSenderReport)
    {
        Ssrc = ssrc;
        FractionLost = fractionLost;
        CumulativeLost = Math.Clamp(cumulativeLost, MinCumulativeLost, MaxCumulativeLost);
        ExtendedHighestSequence = extendedHighestSequence;
        Jitter = jitter;
        LastSenderReport = lastSenderReport;
        DelaySinceLastSenderReport = delaySinceLastSenderReport;
    }

    /// <summary>SSRC of the source this block reports on.</summary>
    public uint Ssrc { get; }

    /// <summary>Fraction lost since the previous report, fixed point with the binary point at the left (lost/expected × 256).</summary>
    public byte FractionLost { get; }

    /// <summary>Cumulative number of packets lost (24-bit signed; negative with duplicates).</summary>
    public int CumulativeLost { get; }

    /// <summary>Sequence-number cycles (high 16 bits) and highest sequence number received (low 16 bits).</summary>
    public uint ExtendedHighestSequence { get; }

    /// <summary>Interarrival jitter in RTP timestamp units.</summary>
    public uint Jitter { get; }

    /// <summary>Middle 32 bits of the NTP timestamp of the last SR received (0 if none).</summary>
    public uint LastSenderReport { get; }

    /// <summary>Delay since that SR in units of 1/65536 s (0 if none).</summary>
    public uint DelaySinceLastSenderReport { get; }

    static int IRtcpEntry<ReportBlock>.EntrySize => Size;

    static ReportBlock IRtcpEntry<ReportBlock>.ReadEntry(ReadOnlySpan<byte> source) => ReadUnchecked(source);

    void IRtcpEntry<ReportBlock>.WriteEntry(Span<byte> destination) => WriteUnchecked(destination);

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out ReportBlock value, out int consumed)
    {
        if (data.Length < Size)
        {
            value = default;
            consumed = 0;
            return RtcpError.TooShort;
        }

        value = ReadUnchecked(data);
        consumed = Size;
        return RtcpError.None;
    }

    public int GetSize() => Size;

    public int WriteTo(Span<byte> destination)
    {
        RtcpWriter.EnsureSpace(destination, Size);
        WriteUnchecked(destination);
        return Size;
    }

    private static ReportBlock ReadUnchecked(ReadOnlySpan<byte> source)
    {
        int lost = (source[CumulativeLostOffset] << 16) | (source[CumulativeLostOffset + 1] << 8) | source[CumulativeLostOffset + 2];
        lost = (lost << 8) >> 8; // sign-extend 24 bits
        return new ReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(SsrcOffset)),
            source[FractionLostOffset],
            lost,
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(ExtendedHighestOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(JitterOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(LastSenderReportOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(source.Slice(DelayOffset)));
    }

    private void WriteUnchecked(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(SsrcOffset), Ssrc);
        destination[FractionLostOffset] = FractionLost;
        destination[CumulativeLostOffset] = (byte)(CumulativeLost >> 16);
        destination[CumulativeLostOffset + 1] = (byte)(CumulativeLost >> 8);
        destination[CumulativeLostOffset + 2] = (byte)CumulativeLost;
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(ExtendedHighestOffset), ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(JitterOffset), Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(LastSenderReportOffset), LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(DelayOffset), DelaySinceLastSenderReport);
    }

    public bool Equals(ReportBlock other) =>
        Ssrc == other.Ssrc && FractionLost == other.FractionLost && CumulativeLost == other.CumulativeLost
        && ExtendedHighestSequence == other.ExtendedHighestSequence && Jitter == other.Jitter
        && LastSenderReport == other.LastSenderReport && DelaySinceLastSenderReport == other.DelaySinceLastSenderReport;

    public override bool Equals(object? obj) => obj is ReportBlock other && Equals(other);

    public override int GetHashCode() =>
        HashCode.Combine(Ssrc, FractionLost, CumulativeLost, ExtendedHighestSequence, Jitter, LastSenderReport, DelaySinceLastSenderReport);

    public override string ToString() =>
        $"ReportBlock(ssrc={Ssrc:x8}, fraction={FractionLost}, lost={CumulativeLost}, ext={ExtendedHighestSequence}, jitter={Jitter}, lsr={LastSenderReport:x8}, dlsr={DelaySinceLastSenderReport})";
}
