namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// RFC 3711 §3.3.1 / Appendix A: the receiver's guess of a packet's 48-bit index
/// i = 2^16 * v + SEQ, from the highest index s_l seen so far (its ROC and sequence number).
/// </summary>
/// <remarks>
/// <code>
///   if s_l &lt; 2^15:  v = ROC - 1 if SEQ - s_l &gt; 2^15, else ROC
///   else:           v = ROC + 1 if s_l - 2^15 &gt; SEQ, else ROC
/// </code>
/// A guess of ROC - 1 while ROC is 0 names a packet from before the stream's first index;
/// it has no index and is refused as too old.
/// </remarks>
internal static class SrtpIndexEstimator
{
    private const int Half = 0x8000;

    public static bool TryEstimate(ulong highestIndex, ushort sequenceNumber, out ulong index)
    {
        long roc = (long)(highestIndex >> 16);
        int highestSeq = (int)(highestIndex & 0xFFFF);
        long v = roc;
        if (highestSeq < Half)
        {
            if (sequenceNumber - highestSeq > Half)
            {
                v = roc - 1;
            }
        }
        else if (highestSeq - Half > sequenceNumber)
        {
            v = roc + 1;
        }

        if (v < 0 || v > uint.MaxValue)
        {
            index = 0;
            return false;
        }

        index = ((ulong)v << 16) | sequenceNumber;
        return true;
    }
}
