using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Srtp;
using CoStream.Sfu.Routing;

namespace CoStream.Sfu.Transport;

internal sealed partial class WebRtcTransport
{
    private readonly Dictionary<uint, RtpStreamReceive> _streamsBySsrc = [];
    private readonly Dictionary<string, Producer> _producersByMid = [];
    private readonly Dictionary<uint, Producer> _producersBySignalledSsrc = [];
    private TransportWideFeedbackBuilder? _twcc;
    private bool _live;

    /// <summary>Registers a producer's m-section so its packets can be found by SSRC, or by mid/rid when the SSRC is new.</summary>
    public void RegisterProducer(Producer producer, IReadOnlyList<uint> signalledSsrcs)
    {
        AddProducer(producer);
        _producersByMid[producer.Mid] = producer;
        foreach (var ssrc in signalledSsrcs) _producersBySignalledSsrc[ssrc] = producer;
        if (TransportCcId > 0) _twcc ??= new TransportWideFeedbackBuilder();
        producer.Taps = _router.Taps.GetOrCreate(Room.Id);
        producer.Taps.OnProducerAdded(producer);
    }

    /// <summary>An SRTP datagram from the peer: decrypt in place, parse once, hand to the producer.</summary>
    public void OnSrtp(Span<byte> datagram, long nowUs)
    {
        if (_inbound is null) { _router.Counters.Increment("srtp.refused.NotConnected"); return; }
        var error = _inbound.UnprotectRtp(datagram, datagram.Length, out var length);
        if (error != SrtpError.None) { _router.SrtpRefusals.Count(error); return; }
        var packet = datagram.Slice(0, length);
        var rtpError = RtpHeader.TryRead(packet, out var header, out _);
        if (rtpError != RtpError.None) { _router.RtpRefusals.Count(rtpError); return; }

        if (_twcc is not null && header.HasExtension
            && RtpHeaderExtensions.TryFindExtension(packet, header, TransportCcId, out var twccOffset, out var twccLength)
            && TransportSequenceNumber.TryRead(packet.Slice(twccOffset, twccLength), out var transportSequence) == RtpError.None)
            _twcc.OnPacket(transportSequence, nowUs);

        if (!_streamsBySsrc.TryGetValue(header.Ssrc, out var stream))
        {
            stream = ResolveStream(packet, header);
            if (stream is null) { _router.Counters.Increment("rtp.refused.UnknownSsrc"); return; }
        }
        var producer = stream.Producer;
        if (header.PayloadType != producer.Codec.PayloadType)
        {
            // RTX/RED/FEC were not negotiated; anything else on this SSRC is not forwarded.
            _router.Counters.Increment("rtp.refused.UnexpectedPayloadType");
            return;
        }
        var keyFrame = producer.IsKeyFrame(header.GetPayload(packet));
        stream.OnPacket(header.SequenceNumber, header.Timestamp, packet.Length, keyFrame, nowUs);
        if (producer.Kind == MediaKind.Audio && AudioLevelId > 0 && header.HasExtension
            && RtpHeaderExtensions.TryFindExtension(packet, header, AudioLevelId, out var levelOffset, out var levelLength)
            && AudioLevel.TryRead(packet.Slice(levelOffset, levelLength), out var voice, out var level) == RtpError.None)
            Room.OnAudioLevel(Participant, level, voice, nowUs / 1000);
        if (producer.Taps is { IsEmpty: false } taps) taps.OnRtp(producer, stream.Ssrc, packet, nowUs);
        producer.OnRtp(packet, header, stream, keyFrame, nowUs);
    }

    /// <summary>A new SSRC: find its producer by the signalled SSRCs, or by the mid / rid header extensions (simulcast).</summary>
    private RtpStreamReceive? ResolveStream(ReadOnlySpan<byte> packet, in RtpHeader header)
    {
        Producer? producer = null;
        var layer = 0;
        string? rid = null;
        if (_producersBySignalledSsrc.TryGetValue(header.Ssrc, out var bySsrc))
        {
            producer = bySsrc;
        }
        else if (header.HasExtension && MidExtensionId > 0
                 && RtpHeaderExtensions.TryFindExtension(packet, header, MidExtensionId, out var midOffset, out var midLength))
        {
            var mid = packet.Slice(midOffset, midLength);
            foreach (var p in _producers)
                if (SdesIdentifier.Equals(mid, p.Mid)) { producer = p; break; }
        }
        else if (_producers.Count == 1)
        {
            producer = _producers[0];
        }
        if (producer is null) return null;
        if (producer.IsSimulcast)
        {
            if (RidExtensionId <= 0 || !header.HasExtension
                || !RtpHeaderExtensions.TryFindExtension(packet, header, RidExtensionId, out var ridOffset, out var ridLength))
                return null;
            layer = producer.LayerOfRid(packet.Slice(ridOffset, ridLength));
            if (layer < 0) return null;
            rid = producer.Rids[layer];
            if (producer.GetLayer(layer) is { } existing) _streamsBySsrc.Remove(existing.Ssrc);
        }
        else if (producer.GetLayer(0) is { } old)
        {
            // The publisher restarted its stream with a new SSRC (e.g. a replaced track).
            _streamsBySsrc.Remove(old.Ssrc);
        }
        var stream = producer.AddStream(header.Ssrc, layer, rid);
        _streamsBySsrc[header.Ssrc] = stream;
        if (!_live)
        {
            _live = true;
            _router.OnPublisherLive(this);
        }
        producer.KeyFrameWanted = producer.Kind == MediaKind.Video && producer.Consumers.Count > 0;
        return stream;
    }
}
