namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>
/// The shared shape of SR and RR (RFC 3550 §6.4): a fixed part, then header.Count report blocks, then
/// an optional profile-specific extension. Splits a packet into those three slices of the input.
/// </summary>
internal static class ReportPacket
{
    public static RtcpError TrySplit(ReadOnlySpan<byte> data, RtcpPacketType type, int fixedBodySize,
        out ReadOnlySpan<byte> fixedBody, out RtcpEntryList<ReportBlock> blocks, out ReadOnlySpan<byte> extension, out int consumed)
    {
        fixedBody = extension = default;
        blocks = default;
        var error = RtcpPacket.TryReadBody(data, type, RtcpPacket.AnyFormat, out var header, out var body, out consumed);
        if (error != RtcpError.None) return error;
        if (body.Length < fixedBodySize)
        {
            consumed = 0;
            return RtcpError.TooShort;
        }
        int blocksLength = header.Count * ReportBlock.Size;
        if (body.Length - fixedBodySize < blocksLength)
        {
            consumed = 0;
            return RtcpError.CountMismatch;
        }
        fixedBody = body.Slice(0, fixedBodySize);
        blocks = RtcpEntryList<ReportBlock>.FromWire(body.Slice(fixedBodySize, blocksLength));
        extension = body.Slice(fixedBodySize + blocksLength);
        return RtcpError.None;
    }
}
