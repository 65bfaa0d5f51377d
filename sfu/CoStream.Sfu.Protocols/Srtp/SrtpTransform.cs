namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// The cryptographic transform of one protocol (SRTP or SRTCP) with one set of session keys.
/// <see cref="SrtpContext"/> does the parsing, index and replay bookkeeping; a transform only
/// encrypts / authenticates bytes whose layout the context has already checked.
/// </summary>
internal abstract class SrtpTransform : IDisposable
{
    /// <summary>Authentication tag length in bytes.</summary>
    public abstract int TagLength { get; }

    /// <summary>Bytes an SRTCP packet carries beyond the RTCP packet: E|index word and tag.</summary>
    public int RtcpOverhead => SrtpProfileInfo.SrtcpIndexLength + TagLength;

    /// <summary>
    /// Encrypts the payload of <paramref name="packet"/> (header || payload || room for the tag,
    /// exactly) in place and writes the tag into the last <see cref="TagLength"/> bytes.
    /// </summary>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>
    /// Checks the tag of <paramref name="packet"/> (header || encrypted payload || tag, exactly)
    /// and, when it matches, decrypts the payload in place. False when authentication fails.
    /// </summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>
    /// Turns the RTCP packet in <c>packet[..rtcpLength]</c> into SRTCP with E = 1 and the given
    /// 31-bit index; <paramref name="packet"/> is exactly <c>rtcpLength + RtcpOverhead</c> long.
    /// </summary>
    public abstract void ProtectRtcp(Span<byte> packet, int rtcpLength, uint ssrc, uint index);

    /// <summary>Reads the E flag || SRTCP index word of an SRTCP packet of at least RtcpOverhead + 8 bytes.</summary>
    public abstract uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet);

    /// <summary>
    /// Checks the tag of the SRTCP <paramref name="packet"/> (exactly) and, when it matches and
    /// E is set, decrypts in place. The RTCP packet is then <c>packet[..(Length - RtcpOverhead)]</c>.
    /// </summary>
    public abstract bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord);

    public abstract void Dispose();
}
