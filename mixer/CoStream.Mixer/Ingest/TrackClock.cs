using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// Maps one track's RTP timestamps to the room media clock (ms). With a sender report (RFC 3550
/// §6.4.1) the timestamp becomes the sender's NTP time, and the participant's shared
/// <see cref="ClockOffsetEstimator"/> turns that into media time — so audio and video of one sender
/// land where they were captured relative to each other. Before any sender report (or from a sender
/// that never sends one) the track's own unwrapped timestamp progression is used with its own
/// estimator, anchored on arrival. Output never goes back.
/// </summary>
public sealed class TrackClock
{
    private readonly int _clockRate;
    private readonly ClockOffsetEstimator _participant;
    private readonly ClockOffsetEstimator _own;
    private readonly TimestampUnwrapper _unwrapper = new();
    private bool _hasReport;
    private double _reportNtpMs;
    private uint _reportRtp;
    private long _lastMs = long.MinValue;

    /// <param name="clockRate">RTP clock rate (90000 video, 48000 Opus).</param>
    /// <param name="participant">Shared by all tracks of one sender (one NTP clock).</param>
    public TrackClock(int clockRate, ClockOffsetEstimator participant, double leakMsPerSecond = ClockOffsetEstimator.DefaultLeakMsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clockRate, 1);
        _clockRate = clockRate;
        _participant = participant;
        _own = new ClockOffsetEstimator(leakMsPerSecond);
    }

    public bool UsesSenderReports => _hasReport;

    /// <summary>The newest sender report of the track's SSRC.</summary>
    public void OnSenderReport(ulong ntpTimestamp, uint rtpTimestamp)
    {
        _hasReport = true;
        _reportNtpMs = NtpTime.ToUnixMicroseconds(ntpTimestamp) / 1000.0;
        _reportRtp = rtpTimestamp;
    }

    /// <summary>Media time (ms) of a frame with <paramref name="rtpTimestamp"/> whose first packet arrived at media time <paramref name="arrivalMs"/>.</summary>
    public long ToMediaMs(uint rtpTimestamp, double arrivalMs)
    {
        var extended = _unwrapper.Unwrap(rtpTimestamp);
        double mapped;
        if (_hasReport)
        {
            // Signed 32-bit distance from the report: right within ±2^31 ticks (6.6 h at 90 kHz).
            var senderMs = _reportNtpMs + (int)(rtpTimestamp - _reportRtp) * 1000.0 / _clockRate;
            mapped = senderMs + _participant.Observe(senderMs, arrivalMs);
        }
        else
        {
            var senderMs = extended * 1000.0 / _clockRate;
            mapped = senderMs + _own.Observe(senderMs, arrivalMs);
        }
        var ms = (long)Math.Floor(mapped);
        if (ms < _lastMs) ms = _lastMs;
        _lastMs = ms;
        return ms;
    }
}
