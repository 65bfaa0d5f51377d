using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Routing;

/// <summary>
/// One incoming RTP stream (one SSRC: a track, or one simulcast layer of it) from a publisher:
/// reception statistics for receiver reports, loss detection for NACKs, the last sender report
/// for A/V sync, and the measured bitrate for simulcast layer selection.
/// </summary>
internal sealed class RtpStreamReceive
{
    public RtpStreamReceive(Producer producer, uint ssrc, int layer, string? rid)
    {
        Producer = producer;
        Ssrc = ssrc;
        Layer = layer;
        Rid = rid;
        Statistics = new ReceiveStatistics(ssrc);
        Nacks = producer.Kind == MediaKind.Video ? new NackGenerator() : null;
    }

    public Producer Producer { get; }
    public uint Ssrc { get; }
    public int Layer { get; }
    public string? Rid { get; }
    public ReceiveStatistics Statistics { get; }
    public NackGenerator? Nacks { get; }

    /// <summary>The publisher's last sender report for this SSRC (NTP ↔ RTP time), for A/V sync downstream.</summary>
    public ulong LastSrNtp { get; private set; }
    public uint LastSrRtp { get; private set; }
    public long LastSrArrivalUs { get; private set; }
    public bool HasSenderReport => LastSrArrivalUs != 0;

    public long Packets { get; private set; }
    public long Bytes { get; private set; }
    public long LastPacketUs { get; private set; }

    public void OnPacket(ushort sequence, uint timestamp, int length, bool keyFrame, long nowUs)
    {
        Packets++;
        Bytes += length;
        LastPacketUs = nowUs;
        Statistics.OnPacket(sequence, timestamp, nowUs, Producer.Codec.ClockRate);
        Nacks?.OnPacket(sequence, nowUs / 1000, keyFrame);
    }

    public void OnSenderReport(ulong ntp, uint rtp, long nowUs)
    {
        LastSrNtp = ntp;
        LastSrRtp = rtp;
        LastSrArrivalUs = nowUs;
        Statistics.OnSenderReport(ntp, nowUs);
    }
}
