using System.Text;
using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Protocols.Srtp;
using CoStream.Sfu.Routing;

namespace CoStream.Sfu.Transport;

internal sealed partial class WebRtcTransport
{
    private const long NackIntervalUs = 10_000;
    private const long TwccIntervalUs = 50_000;
    private const long ReportIntervalUs = 1_000_000;
    private const long LayerIntervalUs = 250_000;
    private long _lastNackUs, _lastTwccUs, _lastReportUs, _lastLayerUs;
    private byte _firSequence;
    private readonly ushort[] _lost = new ushort[256];
    private readonly NackEntry[] _nackEntries = new NackEntry[64];
    private readonly ReportBlock[] _reportBlocks = new ReportBlock[31];
    private static readonly byte[] SfuCname = Encoding.ASCII.GetBytes("costream-sfu");

    /// <summary>An SRTCP datagram: decrypt, walk the compound packet, act on each message.</summary>
    public void OnSrtcp(Span<byte> datagram, long nowUs)
    {
        if (_inbound is null) { _router.Counters.Increment("srtcp.refused.NotConnected"); return; }
        var error = _inbound.UnprotectRtcp(datagram, datagram.Length, out var length);
        if (error != SrtpError.None) { _router.SrtcpRefusals.Count(error); return; }
        var reader = new RtcpCompoundReader(datagram.Slice(0, length));
        while (reader.TryNext(out var header, out var packet))
            OnRtcpPacket(header, packet, nowUs);
        if (reader.Error != RtcpError.None) _router.RtcpRefusals.Count(reader.Error);
    }

    private void OnRtcpPacket(in RtcpHeader header, ReadOnlySpan<byte> packet, long nowUs)
    {
        RtcpError error = RtcpError.None;
        switch (header.PacketType)
        {
            case RtcpPacketType.SenderReport:
                if ((error = SenderReport.TryRead(packet, out var sr, out _)) == RtcpError.None)
                {
                    if (_streamsBySsrc.TryGetValue(sr.Ssrc, out var stream))
                    {
                        stream.OnSenderReport(sr.NtpTimestamp, sr.RtpTimestamp, nowUs);
                        if (stream.Producer.Taps is { IsEmpty: false } taps) taps.OnSenderReport(stream.Producer, sr.Ssrc, sr.NtpTimestamp, sr.RtpTimestamp, nowUs);
                    }
                    foreach (var block in sr.ReportBlocks) OnReportBlock(block, nowUs);
                }
                break;
            case RtcpPacketType.ReceiverReport:
                if ((error = ReceiverReport.TryRead(packet, out var rr, out _)) == RtcpError.None)
                    foreach (var block in rr.ReportBlocks) OnReportBlock(block, nowUs);
                break;
            case RtcpPacketType.TransportFeedback when header.Count == RtcpFeedbackFormat.GenericNack:
                if ((error = GenericNack.TryRead(packet, out var nack, out _)) == RtcpError.None
                    && _consumersBySsrc.TryGetValue(nack.MediaSsrc, out var nacked))
                {
                    _router.Counters.Increment("rtcp.nack.received");
                    foreach (var sequence in nack.LostSequenceNumbers) nacked.Retransmit(sequence, nowUs);
                }
                break;
            case RtcpPacketType.PayloadFeedback when header.Count == RtcpFeedbackFormat.PictureLossIndication:
                if ((error = PictureLossIndication.TryRead(packet, out var pli, out _)) == RtcpError.None
                    && _consumersBySsrc.TryGetValue(pli.MediaSsrc, out var pliConsumer))
                {
                    _router.Counters.Increment("rtcp.pli.received");
                    pliConsumer.RequestKeyFrame();
                }
                break;
            case RtcpPacketType.PayloadFeedback when header.Count == RtcpFeedbackFormat.FullIntraRequest:
                if ((error = FullIntraRequest.TryRead(packet, out var fir, out _)) == RtcpError.None)
                    foreach (var entry in fir.Entries)
                        if (_consumersBySsrc.TryGetValue(entry.Ssrc, out var firConsumer)) firConsumer.RequestKeyFrame();
                break;
            case RtcpPacketType.PayloadFeedback when header.Count == RtcpFeedbackFormat.ApplicationLayer:
                if (ReceiverEstimatedMaxBitrate.TryRead(packet, out var remb, out _) == RtcpError.None)
                {
                    EstimatedBitrate = remb.Bitrate;
                    _router.Counters.Increment("rtcp.remb.received");
                }
                break;
            default:
                break; // SDES, BYE, APP, TWCC from receivers: nothing to do.
        }
        if (error != RtcpError.None) _router.RtcpRefusals.Count(error);
    }

    /// <summary>RTT from a subscriber's report on one of our streams: time since we sent the SR it names, less its DLSR.
    /// Measured on our own clock, since our SRs carry the publisher's NTP timeline.</summary>
    private void OnReportBlock(in ReportBlock block, long nowUs)
    {
        if (!_consumersBySsrc.TryGetValue(block.Ssrc, out var consumer) || block.LastSenderReport == 0
            || block.LastSenderReport != consumer.LastSrCompact) return;
        var rttUs = nowUs - consumer.LastSrSentUs - NtpTime.CompactToMicroseconds(block.DelaySinceLastSenderReport);
        var rtt = (int)(rttUs / 1000);
        if (rtt is >= 0 and < 10_000) RttMs = RttMs == 0 ? Math.Max(1, rtt) : Math.Max(1, (RttMs * 7 + rtt) / 8);
    }

    /// <summary>Periodic RTCP of a connected transport: NACKs and keyframe requests to publishers,
    /// transport-wide feedback, receiver reports, and sender reports to subscribers.</summary>
    private void RtcpTick(long nowUs)
    {
        var buffer = _router.RtcpBuffer;
        var limit = buffer.Length - MaxSrtpOverhead;
        if (_producers.Count > 0 && nowUs - _lastNackUs >= NackIntervalUs)
        {
            _lastNackUs = nowUs;
            var length = 0;
            foreach (var producer in _producers)
            {
                for (var layer = 0; layer < producer.LayerCount; layer++)
                {
                    if (producer.GetLayer(layer) is not { Nacks: { } nacks } stream) continue;
                    if (RttMs > 0) nacks.UpdateRtt(RttMs);
                    var lost = nacks.CollectNacks(nowUs / 1000, _lost);
                    if (lost > 0)
                    {
                        var entries = GenericNack.BuildEntries(_lost.AsSpan(0, lost), _nackEntries);
                        var nack = new GenericNack(RtcpSsrc, stream.Ssrc, _nackEntries.AsSpan(0, entries));
                        if (length + nack.GetSize() > limit) break;
                        length += nack.WriteTo(buffer.AsSpan(length));
                        _router.Counters.Increment("rtcp.nack.sent");
                    }
                    if (nacks.TakeKeyFrameRequest()) producer.KeyFrameWanted = true;
                }
                var sendKeyFrameRequest = false;
                if (producer.KeyFrameWanted && producer.Kind == MediaKind.Video)
                {
                    producer.KeyFrameWanted = false;
                    sendKeyFrameRequest = producer.KeyFrames.ShouldSend(nowUs / 1000);
                }
                else if (producer.Kind == MediaKind.Video)
                {
                    sendKeyFrameRequest = producer.KeyFrames.ShouldSendPending(nowUs / 1000);
                }
                if (sendKeyFrameRequest)
                {
                    for (var layer = 0; layer < producer.LayerCount; layer++)
                    {
                        if (producer.GetLayer(layer) is not { } stream || length + PictureLossIndication.Size > limit) continue;
                        length += new PictureLossIndication(RtcpSsrc, stream.Ssrc).WriteTo(buffer.AsSpan(length));
                        _router.Counters.Increment("rtcp.pli.sent");
                    }
                }
            }
            if (length > 0) SendRtcp(buffer, length);
        }

        if (_twcc is not null && nowUs - _lastTwccUs >= TwccIntervalUs)
        {
            _lastTwccUs = nowUs;
            var mediaSsrc = _streamsBySsrc.Count > 0 ? _streamsBySsrc.Keys.First() : 0;
            var length = _twcc.BuildFeedback(buffer.AsSpan(0, limit), RtcpSsrc, mediaSsrc);
            if (length > 0) SendRtcp(buffer, length);
        }

        if (nowUs - _lastReportUs >= ReportIntervalUs)
        {
            _lastReportUs = nowUs;
            SendReports(nowUs);
        }
        if (nowUs - _lastLayerUs >= LayerIntervalUs)
        {
            _lastLayerUs = nowUs;
            foreach (var consumer in _consumers) consumer.UpdateLayer(nowUs);
        }
    }

    private void SendReports(long nowUs)
    {
        var buffer = _router.RtcpBuffer;
        var length = 0;
        // Receiver reports for what we receive from this peer.
        if (_streamsBySsrc.Count > 0)
        {
            var count = 0;
            foreach (var stream in _streamsBySsrc.Values)
            {
                if (count == _reportBlocks.Length) break;
                _reportBlocks[count++] = stream.Statistics.CreateReportBlock(nowUs);
            }
            length += new ReceiverReport(RtcpSsrc, _reportBlocks.AsSpan(0, count)).WriteTo(buffer.AsSpan(length));
        }
        // Sender reports for what we send to this peer, on the publisher's clock where we know it (A/V sync).
        foreach (var consumer in _consumers)
        {
            if (!consumer.HasSent || length + 64 > buffer.Length - MaxSrtpOverhead - 64) continue;
            var (ntp, rtp) = SenderClock(consumer, nowUs);
            consumer.LastSrCompact = NtpTime.ToCompact(ntp);
            consumer.LastSrSentUs = nowUs;
            var sr = new SenderReport(consumer.Ssrc, ntp, rtp, (uint)consumer.PacketsSent, (uint)consumer.OctetsSent, []);
            length += sr.WriteTo(buffer.AsSpan(length));
        }
        if (length == 0) return;
        length += new SourceDescription(_consumers.Count > 0 ? _consumers[0].Ssrc : RtcpSsrc, SfuCname).WriteTo(buffer.AsSpan(length));
        SendRtcp(buffer, length);
    }

    /// <summary>
    /// NTP and RTP time of "now" for a consumer's sender report: follows the publisher's own sender
    /// reports when it sends them (so audio and video of one person stay in sync at the subscriber),
    /// else extrapolates from the last forwarded packet on the SFU's wall clock.
    /// </summary>
    private static (ulong Ntp, uint Rtp) SenderClock(Consumer consumer, long nowUs)
    {
        var clockRate = consumer.Producer.Codec.ClockRate;
        var stream = consumer.Producer.GetLayer(Math.Max(0, consumer.CurrentLayer));
        if (stream is { HasSenderReport: true })
        {
            var elapsedUs = nowUs - stream.LastSrArrivalUs;
            var ntp = NtpTime.FromUnixMicroseconds(NtpTime.ToUnixMicroseconds(stream.LastSrNtp) + elapsedUs);
            var rtpIn = stream.LastSrRtp + (uint)(elapsedUs * clockRate / 1_000_000);
            var rtpOut = rtpIn + (consumer.LastOutTimestamp - consumer.LastInTimestamp);
            return (ntp, rtpOut);
        }
        var sinceLast = nowUs - consumer.LastSendUs;
        return (NtpTime.FromUnixMicroseconds((DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10), consumer.LastOutTimestamp + (uint)(sinceLast * clockRate / 1_000_000));
    }
}
