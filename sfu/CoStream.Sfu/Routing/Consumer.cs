using System.Buffers.Binary;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Streams;
using CoStream.Sfu.Transport;

namespace CoStream.Sfu.Routing;

/// <summary>
/// One producer as one subscriber receives it: its own SSRC, sequence and timestamp spaces
/// (<see cref="SequenceMapper"/>, <see cref="TimestampMapper"/>), payload type, header extensions,
/// simulcast layer, and a <see cref="RetransmissionBuffer"/> that answers the subscriber's NACKs.
/// Loop thread only; forwarding allocates nothing.
/// </summary>
internal sealed class Consumer
{
    private readonly SequenceMapper _sequence = new((ushort)Random.Shared.Next(1, 30000));
    private readonly TimestampMapper _timestamp;
    private readonly RetransmissionBuffer? _retransmissions;
    private uint _lastInTimestamp;
    private uint _lastOutTimestamp;

    public Consumer(Producer producer, WebRtcTransport transport, string mid, uint ssrc, byte payloadType, int retransmissionPackets)
    {
        Producer = producer;
        Transport = transport;
        Mid = mid;
        Ssrc = ssrc;
        PayloadType = payloadType;
        Cname = "costream-" + producer.Participant;
        _timestamp = new TimestampMapper(producer.Codec.ClockRate, firstOutput: (uint)Random.Shared.Next());
        if (producer.Kind == MediaKind.Video) _retransmissions = new RetransmissionBuffer(retransmissionPackets);
        WaitingForKeyFrame = producer.Kind == MediaKind.Video;
        if (producer.IsSimulcast) Layers = new SimulcastLayerSelector();
        CurrentLayer = producer.IsSimulcast ? -1 : 0;
    }

    public Producer Producer { get; }
    public WebRtcTransport Transport { get; }
    public string Mid { get; }
    public uint Ssrc { get; }
    public byte PayloadType { get; set; }
    public string Cname { get; }
    /// <summary>Header extension ids negotiated with the subscriber (0 = not sent).</summary>
    public int AbsSendTimeId { get; set; }
    public int AudioLevelId { get; set; }
    public int MidId { get; set; }
    public int PlayoutDelayId { get; set; }
    /// <summary>Forwarding starts once the subscriber's answer accepted this consumer's m-section.</summary>
    public bool Active { get; set; }
    public bool WaitingForKeyFrame { get; private set; }
    public SimulcastLayerSelector? Layers { get; }
    public int CurrentLayer { get; private set; }
    public bool Closed { get; private set; }

    public long PacketsSent { get; private set; }
    public long OctetsSent { get; private set; }
    public long LastSendUs { get; private set; }
    public uint LastOutTimestamp => _lastOutTimestamp;
    public uint LastInTimestamp => _lastInTimestamp;
    public bool HasSent => PacketsSent > 0;
    public long RetransmittedPackets { get; private set; }
    /// <summary>Compact NTP of the last sender report sent for this stream, and when (for RTT).</summary>
    public uint LastSrCompact { get; set; }
    public long LastSrSentUs { get; set; }
    public long NacksMissed { get; private set; }

    public int TargetLayer => Layers?.TargetLayer ?? 0;

    public void Forward(ReadOnlySpan<byte> packet, in RtpHeader header, int layer, bool keyFrame, long nowUs)
    {
        // Nothing goes out before SRTP is up (it would be dropped), so a keyframe forwarded then must not count
        // as the one this consumer waits for; WebRtcTransport asks for a fresh keyframe once it connects.
        if (!Active || Closed || Transport.State != TransportState.Connected) return;
        if (Layers is not null)
        {
            // Simulcast: switch to the target layer on its keyframe; a new input space continues the output.
            if (keyFrame && Layers.OnKeyFrame(layer))
            {
                _sequence.Switch(header.SequenceNumber);
                _timestamp.Switch(header.Timestamp, nowUs);
                CurrentLayer = layer;
                WaitingForKeyFrame = false;
            }
            if (!Layers.ShouldForward(layer))
            {
                if (Layers.TakeKeyFrameRequest()) Producer.KeyFrameWanted = true;
                return;
            }
        }
        if (WaitingForKeyFrame)
        {
            if (!keyFrame)
            {
                Producer.KeyFrameWanted = true;
                return;
            }
            WaitingForKeyFrame = false;
        }
        if (!_sequence.TryMap(header.SequenceNumber, out var sequence)) return;
        var timestamp = _timestamp.Map(header.Timestamp, nowUs);
        _lastInTimestamp = header.Timestamp;
        _lastOutTimestamp = timestamp;

        var buffer = Transport.SendBuffer;
        var length = Build(packet, header, buffer, sequence, timestamp, nowUs);
        if (length <= 0) return;
        _retransmissions?.Store(sequence, buffer.AsSpan(0, length), nowUs / 1000);
        PacketsSent++;
        OctetsSent += header.PayloadLength;
        LastSendUs = nowUs;
        Transport.SendRtp(buffer, length);
    }

    /// <summary>The subscriber lost <paramref name="sequence"/>: resend it from the buffer if we still have it.</summary>
    public void Retransmit(ushort sequence, long nowUs)
    {
        if (_retransmissions is null || Closed) return;
        if (!_retransmissions.TryGet(sequence, nowUs / 1000, out var stored))
        {
            NacksMissed++;
            return;
        }
        var buffer = Transport.SendBuffer;
        stored.CopyTo(buffer);
        RetransmittedPackets++;
        Transport.CountRetransmission();
        Transport.SendRtp(buffer, stored.Length);
    }

    /// <summary>Re-evaluates the simulcast layer from the layers' measured bitrates and the subscriber's estimate.</summary>
    public void UpdateLayer(long nowUs)
    {
        if (Layers is null) return;
        Span<long> bitrates = stackalloc long[Producer.LayerCount];
        Producer.LayerMeter.GetBitrates(nowUs / 1000, bitrates);
        Layers.Update(bitrates, (long)Math.Min(Transport.EstimatedBitrate, long.MaxValue), nowUs / 1000);
        if (Layers.TakeKeyFrameRequest()) Producer.KeyFrameWanted = true;
    }

    public void RequestKeyFrame()
    {
        if (Producer.Kind == MediaKind.Video) Producer.KeyFrameWanted = true;
    }

    /// <summary>
    /// Writes the subscriber's packet: a fresh 12-byte header (our SSRC, sequence, timestamp, payload
    /// type), a one-byte-form extension block with only what this subscriber negotiated, then the
    /// publisher's payload and padding as they are.
    /// </summary>
    private int Build(ReadOnlySpan<byte> src, in RtpHeader h, byte[] dst, ushort sequence, uint timestamp, long nowUs)
    {
        var payloadAndPadding = src.Slice(h.PayloadOffset);
        Span<byte> ext = stackalloc byte[16];
        var extLength = 0;
        if (AbsSendTimeId is > 0 and < 15)
        {
            ext[extLength++] = (byte)((AbsSendTimeId << 4) | (AbsSendTime.ValueLength - 1));
            extLength += AbsSendTime.WriteTo(ext.Slice(extLength), AbsSendTime.FromMicroseconds(nowUs));
        }
        if (PlayoutDelayId is > 0 and < 15 && Transport.PlayoutDelay is { } delay)
        {
            ext[extLength++] = (byte)((PlayoutDelayId << 4) | (PlayoutDelay.ValueLength - 1));
            extLength += PlayoutDelay.WriteTo(ext.Slice(extLength), delay.MinMs, delay.MaxMs);
        }
        if (AudioLevelId is > 0 and < 15 && Producer.Transport.AudioLevelId > 0
            && RtpHeaderExtensions.TryFindExtension(src, h, Producer.Transport.AudioLevelId, out var levelOffset, out var levelLength) && levelLength == 1)
        {
            ext[extLength++] = (byte)(AudioLevelId << 4);
            ext[extLength++] = src[levelOffset];
        }
        var extBlock = extLength == 0 ? 0 : 4 + ((extLength + 3) & ~3);
        var total = RtpHeader.FixedHeaderSize + extBlock + payloadAndPadding.Length;
        if (total > dst.Length - WebRtcTransport.MaxSrtpOverhead) return 0;

        dst[0] = (byte)(0x80 | (h.HasPadding ? 0x20 : 0) | (extBlock > 0 ? 0x10 : 0));
        dst[1] = (byte)((h.Marker ? 0x80 : 0) | (PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(dst.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(dst.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(dst.AsSpan(8), Ssrc);
        var offset = RtpHeader.FixedHeaderSize;
        if (extBlock > 0)
        {
            dst[offset] = 0xBE;
            dst[offset + 1] = 0xDE;
            BinaryPrimitives.WriteUInt16BigEndian(dst.AsSpan(offset + 2), (ushort)((extBlock - 4) / 4));
            ext.Slice(0, extLength).CopyTo(dst.AsSpan(offset + 4));
            dst.AsSpan(offset + 4 + extLength, extBlock - 4 - extLength).Clear();
            offset += extBlock;
        }
        payloadAndPadding.CopyTo(dst.AsSpan(offset));
        return offset + payloadAndPadding.Length;
    }

    public void Close()
    {
        if (Closed) return;
        Closed = true;
        Active = false;
        Producer.RemoveConsumer(this);
        Transport.RemoveConsumer(this);
        _retransmissions?.Dispose();
    }
}
