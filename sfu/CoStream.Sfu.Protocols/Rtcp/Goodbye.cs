namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>BYE: goodbye (RFC 3550 §6.6). Sources and reason are views over the input.</summary>
/// <remarks>
/// <code>
///        0                   1                   2                   3
///        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |V=2|P|    SC   |   PT=BYE=203  |             length            |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       |                           SSRC/CSRC                           |
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///       :                              ...                              :
///       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
/// (opt) |     length    |               reason for leaving            ...
///       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </remarks>
public readonly ref struct Goodbye
{
    private const int SsrcSize = 4;
    private const int ReasonLengthSize = 1;
    public const int MaxReasonLength = 255;

    public Goodbye(ReadOnlySpan<uint> sources, ReadOnlySpan<byte> reason = default)
        : this(new SsrcList(sources), reason)
    {
        if (sources.Length > RtcpHeader.MaxCount)
        {
            RtcpWriter.ThrowArgument(nameof(sources), "At most 31 sources fit in one BYE.");
        }

        if (reason.Length > MaxReasonLength)
        {
            RtcpWriter.ThrowArgument(nameof(reason), "A BYE reason holds at most 255 bytes.");
        }
    }

    private Goodbye(SsrcList sources, ReadOnlySpan<byte> reason)
    {
        Sources = sources;
        Reason = reason;
    }

    public SsrcList Sources { get; }

    /// <summary>Reason for leaving (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out Goodbye value, out int consumed)
    {
        value = default;
        var error = RtcpPacket.TryReadBody(data, RtcpPacketType.Goodbye, RtcpPacket.AnyFormat, out var header, out var body, out consumed);
        if (error != RtcpError.None)
        {
            return error;
        }

        int sourcesLength = header.Count * SsrcSize;
        if (body.Length < sourcesLength)
        {
            consumed = 0;
            return RtcpError.CountMismatch;
        }

        var rest = body.Slice(sourcesLength);
        var reason = ReadOnlySpan<byte>.Empty;
        if (!rest.IsEmpty)
        {
            int reasonLength = rest[0];
            if (rest.Length - ReasonLengthSize < reasonLength)
            {
                consumed = 0;
                return RtcpError.BadReason;
            }

            if (RtcpPacket.Align4(ReasonLengthSize + reasonLength) < rest.Length)
            {
                consumed = 0;
                return RtcpError.TrailingBytes;
            }

            reason = rest.Slice(ReasonLengthSize, reasonLength);
        }

        value = new Goodbye(SsrcList.FromWire(body.Slice(0, sourcesLength)), reason);
        return RtcpError.None;
    }

    public int GetSize() =>
        RtcpHeader.Size + Sources.ByteLength + (Reason.IsEmpty ? 0 : RtcpPacket.Align4(ReasonLengthSize + Reason.Length));

    public int WriteTo(Span<byte> destination)
    {
        int size = GetSize();
        RtcpWriter.EnsureSpace(destination, size);
        RtcpHeader.Write(destination, Sources.Count, RtcpPacketType.Goodbye, size);
        var body = destination.Slice(RtcpHeader.Size, size - RtcpHeader.Size);
        body.Clear();
        Sources.WriteTo(body);
        if (!Reason.IsEmpty)
        {
            body[Sources.ByteLength] = (byte)Reason.Length;
            Reason.CopyTo(body.Slice(Sources.ByteLength + ReasonLengthSize));
        }

        return size;
    }
}
