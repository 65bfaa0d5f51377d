using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Streams;
using CoStream.Sfu.Transport;

namespace CoStream.Sfu.Routing;

/// <summary>
/// One track a publisher sends (an m-section of its publish connection): its codec, its incoming
/// streams (one, or one per simulcast layer), and the consumers it fans out to. Loop thread only.
/// </summary>
internal sealed class Producer
{
    private readonly List<Consumer> _consumers = [];
    private readonly RtpStreamReceive?[] _layers;

    public Producer(string id, WebRtcTransport transport, string mid, MediaKind kind, ProducerCodec codec, IReadOnlyList<string> rids, int keyFrameIntervalMs)
    {
        Id = id;
        Transport = transport;
        Mid = mid;
        Kind = kind;
        Codec = codec;
        Rids = rids;
        _layers = new RtpStreamReceive?[Math.Max(1, rids.Count)];
        KeyFrames = new KeyFrameRequestThrottle(keyFrameIntervalMs);
        LayerMeter = new LayerBitrateMeter(_layers.Length);
        TapTrack = new TapTrack(id, transport.Participant, kind, codec.Name, codec.ClockRate, codec.PayloadType);
    }

    public string Id { get; }
    public WebRtcTransport Transport { get; }
    public Room Room => Transport.Room;
    public string Participant => Transport.Participant;
    public string Mid { get; }
    public MediaKind Kind { get; }
    public ProducerCodec Codec { get; }
    /// <summary>Simulcast rids in layer order (lowest first); empty without simulcast.</summary>
    public IReadOnlyList<string> Rids { get; }
    public bool IsSimulcast => Rids.Count > 1;
    public int LayerCount => _layers.Length;
    public IReadOnlyList<Consumer> Consumers => _consumers;
    public KeyFrameRequestThrottle KeyFrames { get; }
    public LayerBitrateMeter LayerMeter { get; }
    /// <summary>Set when a consumer needs a keyframe; the transport's tick sends the (throttled) PLI/FIR.</summary>
    public bool KeyFrameWanted { get; set; }
    public bool Closed { get; private set; }
    /// <summary>This track as room taps see it, and the taps of its room id (set when registered).</summary>
    public TapTrack TapTrack { get; }
    public RoomTaps? Taps { get; set; }

    public RtpStreamReceive? GetLayer(int layer) => (uint)layer < (uint)_layers.Length ? _layers[layer] : null;

    public RtpStreamReceive AddStream(uint ssrc, int layer, string? rid)
    {
        var stream = new RtpStreamReceive(this, ssrc, layer, rid);
        _layers[layer] = stream;
        return stream;
    }

    public int LayerOfRid(ReadOnlySpan<byte> rid)
    {
        for (var i = 0; i < Rids.Count; i++)
            if (SdesIdentifier.Equals(rid, Rids[i])) return i;
        return -1;
    }

    public void AddConsumer(Consumer consumer)
    {
        _consumers.Add(consumer);
        // A consumer whose transport is still connecting asks when it connects (WebRtcTransport.OnDtlsCompleted).
        if (Kind == MediaKind.Video && consumer.Transport.State == TransportState.Connected) KeyFrameWanted = true;
    }

    public void RemoveConsumer(Consumer consumer) => _consumers.Remove(consumer);

    /// <summary>A decrypted, parsed RTP packet of one of this producer's streams: fan it out.</summary>
    public void OnRtp(Span<byte> packet, in RtpHeader header, RtpStreamReceive stream, bool keyFrame, long nowUs)
    {
        if (keyFrame) KeyFrames.OnKeyFrameReceived();
        LayerMeter.OnPacket(stream.Layer, packet.Length, nowUs / 1000);
        var consumers = _consumers;
        for (var i = 0; i < consumers.Count; i++)
            consumers[i].Forward(packet, header, stream.Layer, keyFrame, nowUs);
    }

    /// <summary>Keyframe detection on the payload of this producer's codec.</summary>
    public bool IsKeyFrame(ReadOnlySpan<byte> payload)
    {
        if (Kind != MediaKind.Video) return false;
        if (Codec.IsVp8) return Vp8PayloadDescriptor.IsKeyFrame(payload);
        if (Codec.IsH264) return H264Payload.IsKeyFrame(payload);
        return false;
    }

    public void Close()
    {
        if (!Closed) Taps?.OnProducerRemoved(this);
        Closed = true;
        foreach (var c in _consumers.ToArray()) c.Close();
        _consumers.Clear();
    }
}
