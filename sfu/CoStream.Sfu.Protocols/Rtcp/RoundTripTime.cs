namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>Round-trip time from a report block about our own stream (RFC 3550 §6.4.1): RTT = A − LSR − DLSR.</summary>
public static class RoundTripTime
{
    /// <summary>
    /// Computes the RTT in µs from a report block that arrived at <paramref name="nowNtp"/> (64-bit NTP).
    /// False when the block carries no LSR (the remote has not received an SR yet).
    /// A negative result (clock steps, rounding) is reported as 0.
    /// </summary>
    public static bool TryCompute(in ReportBlock block, ulong nowNtp, out long rttMicroseconds) =>
        TryCompute(block.LastSenderReport, block.DelaySinceLastSenderReport, NtpTime.ToCompact(nowNtp), out rttMicroseconds);

    /// <summary>Same, with every value in compact NTP (1/65536 s) form.</summary>
    public static bool TryCompute(uint lastSenderReport, uint delaySinceLastSenderReport, uint nowCompact, out long rttMicroseconds)
    {
        if (lastSenderReport == 0)
        {
            rttMicroseconds = 0;
            return false;
        }

        int rtt = unchecked((int)(nowCompact - lastSenderReport - delaySinceLastSenderReport));
        rttMicroseconds = rtt <= 0 ? 0 : NtpTime.CompactToMicroseconds((uint)rtt);
        return true;
    }
}
