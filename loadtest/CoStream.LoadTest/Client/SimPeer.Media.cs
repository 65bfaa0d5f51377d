using System.Buffers.Binary;
using System.Net.Sockets;
using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.LoadTest.Client;

/// <summary>
/// Media of a <see cref="SimPeer"/>. Sending: a pacing thread writes VP8 packets (payload descriptor,
/// a keyframe every N frames or at once after a PLI/FIR) and Opus-sized audio at 50/s; every payload
/// ends with a 16-byte trailer: send time (Stopwatch µs) and a counter. NACKs are answered from
/// <see cref="SendHistory"/>. Receiving: SRTP unprotect, RTP parse, <see cref="ReceiveTracker"/>
/// per SSRC, one-way latency from the trailer; NACKs every 20 ms and receiver reports every second.
/// </summary>
public sealed partial class SimPeer
{
    public const int TrailerLength = 16;
    private const int MaxPacket = 1500;
    private const long ReportIntervalUs = 1_000_000;

    private readonly Dictionary<uint, ReceiveTracker> _trackers = new();
    private readonly Dictionary<uint, int> _clockRates = new();
    private readonly ushort[] _lost = new ushort[256];
    private readonly NackEntry[] _nackEntries = new NackEntry[256];
    private readonly ReportBlock[] _reportBlocks = new ReportBlock[RtcpHeader.MaxCount];
    private readonly byte[] _retransmitBuffer = new byte[MaxPacket + SrtpContext.MaxRtpOverhead];
    private readonly byte[] _rtcpBuffer = new byte[MaxPacket];
    private SendHistory? _videoHistory;
    private SendHistory? _audioHistory;
    private Thread? _sender;
    private volatile bool _stopMedia;
    private int _keyFrameRequested;
    private long _nextReportUs;
    private long _mediaStartUs;

    // Sender-thread state.
    private ushort _videoSequence;
    private ushort _audioSequence;
    private ushort _transportSequence;
    private int _packetInFrame;
    private long _frames;
    private int _pictureId;
    private uint _frameTimestamp;
    private bool _frameIsKey;
    private long _counter;
    private long _videoSent;
    private long _audioSent;
    private uint _videoOctets;
    private uint _audioOctets;

    /// <summary>Starts the pacing thread (publishers). Idempotent.</summary>
    public void StartMedia()
    {
        if (!Publishes || _sender is not null)
        {
            return;
        }

        if (!IsConnected)
        {
            throw new InvalidOperationException("Not connected.");
        }

        _mediaStartUs = NowUs();
        _sender = new Thread(SendLoop) { IsBackground = true, Name = "simpeer-send" };
        _sender.Start();
    }

    public void StopMedia()
    {
        _stopMedia = true;
        if (_sender is { } sender && Thread.CurrentThread != sender)
        {
            sender.Join(2000);
        }
    }

    /// <summary>Asks for a keyframe at the next packet, as a PLI does.</summary>
    public void RequestKeyFrame() => Volatile.Write(ref _keyFrameRequested, 1);

    /// <summary>Declares the clock rate of an SSRC we will receive (from the remote SDP).</summary>
    public void RegisterRemoteSsrc(uint ssrc, int clockRate)
    {
        lock (_clockRates)
        {
            _clockRates[ssrc] = clockRate;
        }
    }

    private void InitMedia()
    {
        if (Publishes)
        {
            _videoHistory = new SendHistory(Options.SendHistoryPackets, MaxPacket);
            _audioHistory = new SendHistory(Math.Max(64, Options.SendHistoryPackets / 8), MaxPacket);
            _videoSequence = (ushort)Random.Shared.Next(0, 65536);
            _audioSequence = (ushort)Random.Shared.Next(0, 65536);
        }
    }

    private void SendLoop()
    {
        var packet = new byte[MaxPacket + SrtpContext.MaxRtpOverhead];
        var payload = new byte[MaxPacket];
        int videoRate = Options.VideoPacketsPerSecond;
        int audioRate = Options.SendAudio ? 50 : 0;
        long start = NowUs();
        while (!_stopMedia && !_stopping)
        {
            long elapsed = NowUs() - start;
            long videoDue = elapsed * videoRate / 1_000_000;
            if (videoDue - _videoSent > Math.Max(videoRate / 10, 10))
            {
                // More than 100 ms behind (a stall): skip rather than burst.
                Interlocked.Add(ref Stats.SendSkipped, videoDue - _videoSent - 1);
                _videoSent = videoDue - 1;
            }

            while (_videoSent < videoDue && !_stopMedia)
            {
                SendVideo(packet, payload, elapsed);
                _videoSent++;
            }

            long audioDue = elapsed * audioRate / 1_000_000;
            while (_audioSent < audioDue && !_stopMedia)
            {
                SendAudio(packet, payload);
                _audioSent++;
            }

            Thread.Sleep(1);
        }
    }

    private void SendVideo(byte[] packet, byte[] payload, long elapsedUs)
    {
        int perFrame = Math.Max(1, Options.VideoPacketsPerSecond / Math.Max(1, Options.FramesPerSecond));
        if (Volatile.Read(ref _keyFrameRequested) != 0)
        {
            _packetInFrame = 0; // cut the current frame short: the keyframe starts now
        }

        if (_packetInFrame == 0)
        {
            _frameIsKey = Interlocked.Exchange(ref _keyFrameRequested, 0) != 0 || _frames % Options.KeyFrameInterval == 0;
            _frames++;
            _pictureId = (_pictureId + 1) & 0x7FFF;
            _frameTimestamp = (uint)(elapsedUs * 90 / 1000);
            if (_frameIsKey)
            {
                Interlocked.Increment(ref Stats.KeyFramesSent);
            }
        }

        bool first = _packetInFrame == 0;
        bool last = _packetInFrame == perFrame - 1;
        _packetInFrame = last ? 0 : _packetInFrame + 1;

        int size = Math.Clamp(Options.VideoPayloadBytes, 32, MaxPacket - 100);
        var descriptor = Vp8PayloadDescriptor.Create(isStartOfPartition: first, pictureId: _pictureId);
        int offset = descriptor.WriteTo(payload);
        if (first)
        {
            // VP8 frame tag (RFC 6386 §9.1): P = 0 for a keyframe, then the start code and 640x360.
            ReadOnlySpan<byte> key = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01];
            ReadOnlySpan<byte> delta = [0x11, 0x02, 0x00];
            ReadOnlySpan<byte> tag = _frameIsKey ? key : delta;
            tag.CopyTo(payload.AsSpan(offset));
            offset += tag.Length;
        }

        payload.AsSpan(offset, size - TrailerLength - offset).Fill(0x5A);
        SendRtp(packet, payload.AsSpan(0, size), SimOffer.Vp8PayloadType, _videoSequence++, _frameTimestamp, VideoSsrc, last, "1", _videoHistory!);
        _videoOctets += (uint)size;
    }

    private void SendAudio(byte[] packet, byte[] payload)
    {
        int size = Math.Clamp(Options.AudioPayloadBytes, TrailerLength + 1, MaxPacket - 100);
        payload[0] = 0x78; // Opus TOC: CELT FB 20 ms, one frame
        payload.AsSpan(1, size - TrailerLength - 1).Fill(0x33);
        uint timestamp = (uint)(_audioSent * 960);
        SendRtp(packet, payload.AsSpan(0, size), SimOffer.OpusPayloadType, _audioSequence++, timestamp, AudioSsrc, false, "0", _audioHistory!);
        _audioOctets += (uint)size;
    }

    private void SendRtp(byte[] packet, Span<byte> payload, byte payloadType, ushort sequence, uint timestamp, uint ssrc,
        bool marker, string mid, SendHistory history, bool trailer = true)
    {
        var writer = new RtpPacketWriter(packet, payloadType, sequence, timestamp, ssrc, marker);
        Span<byte> value = stackalloc byte[3];
        value[0] = (byte)mid[0];
        writer.AddExtension(SimOffer.MidExtensionId, value[..1]);
        long now = NowUs();
        AbsSendTime.WriteTo(value, AbsSendTime.FromMicroseconds(now));
        writer.AddExtension(SimOffer.AbsSendTimeExtensionId, value);
        TransportSequenceNumber.WriteTo(value, _transportSequence++);
        writer.AddExtension(SimOffer.TransportCcExtensionId, value[..2]);
        if (trailer)
        {
            BinaryPrimitives.WriteInt64BigEndian(payload[^TrailerLength..], now);
            BinaryPrimitives.WriteInt64BigEndian(payload[^8..], ++_counter);
        }

        int length = writer.Complete(payload);
        history.Store(sequence, packet.AsSpan(0, length));
        ObserveSent(packet.AsSpan(0, length));
        ProtectAndSendRtp(packet, length);
    }

    private void ObserveSent(ReadOnlySpan<byte> packet)
    {
        if (Options.RtpObserver is { } observer && RtpHeader.TryRead(packet, out RtpHeader header, out _) == RtpError.None)
        {
            observer.OnSent(header, packet);
        }
    }

    private void ProtectAndSendRtp(byte[] packet, int length)
    {
        lock (_sendLock)
        {
            if (_outbound is not { } srtp || _remote is not { } remote || _stopping)
            {
                return;
            }

            if (srtp.ProtectRtp(packet, length, out int protectedLength) != SrtpError.None)
            {
                Stats.SrtpErrors++;
                return;
            }

            try
            {
                _socket.SendTo(packet.AsSpan(0, protectedLength), SocketFlags.None, remote);
            }
            catch (SocketException)
            {
                return;
            }
        }

        Interlocked.Increment(ref Stats.PacketsSent);
        Interlocked.Add(ref Stats.BytesSent, length);
    }

    private void ProtectAndSendRtcp(byte[] packet, int length)
    {
        lock (_sendLock)
        {
            if (_outbound is not { } srtp || _remote is not { } remote || _stopping)
            {
                return;
            }

            if (srtp.ProtectRtcp(packet, length, out int protectedLength) == SrtpError.None)
            {
                try
                {
                    _socket.SendTo(packet.AsSpan(0, protectedLength), SocketFlags.None, remote);
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    private void OnRtp(Span<byte> datagram, long nowUs)
    {
        if (_inbound is not { } srtp)
        {
            return;
        }

        if (srtp.UnprotectRtp(datagram, datagram.Length, out int plainLength) != SrtpError.None)
        {
            Stats.SrtpErrors++;
            return;
        }

        Span<byte> plain = datagram[..plainLength];
        if (RtpHeader.TryRead(plain, out RtpHeader header, out _) != RtpError.None)
        {
            Stats.Malformed++;
            return;
        }

        if (!_trackers.TryGetValue(header.Ssrc, out ReceiveTracker? tracker))
        {
            int clockRate;
            lock (_clockRates)
            {
                if (!_clockRates.TryGetValue(header.Ssrc, out clockRate))
                {
                    clockRate = header.PayloadType == SimOffer.OpusPayloadType ? 48000 : 90000;
                }
            }

            tracker = new ReceiveTracker(header.Ssrc, clockRate);
            _trackers[header.Ssrc] = tracker;
        }

        Stats.PacketsReceived++;
        Stats.BytesReceived += plainLength;
        bool unique = tracker.OnPacket(header.SequenceNumber, header.Timestamp, nowUs, Stats);
        Options.RtpObserver?.OnReceived(header, plain, duplicate: !unique);
        if (!unique)
        {
            return;
        }

        ReadOnlySpan<byte> payload = header.GetPayload(plain);
        if (payload.Length >= TrailerLength)
        {
            long latency = nowUs - BinaryPrimitives.ReadInt64BigEndian(payload[^TrailerLength..]);
            if (latency >= 0 && latency < 60_000_000)
            {
                Stats.Latency.Record(latency);
            }
        }
    }

    private void OnRtcp(Span<byte> datagram, long nowUs)
    {
        if (_inbound is not { } srtp)
        {
            return;
        }

        if (srtp.UnprotectRtcp(datagram, datagram.Length, out int plainLength) != SrtpError.None)
        {
            Stats.SrtpErrors++;
            return;
        }

        var reader = new RtcpCompoundReader(datagram[..plainLength]);
        while (reader.TryNext(out RtcpHeader header, out ReadOnlySpan<byte> packet))
        {
            if (header.PacketType == RtcpPacketType.TransportFeedback && header.Format == RtcpFeedbackFormat.GenericNack)
            {
                if (GenericNack.TryRead(packet, out GenericNack nack, out _) == RtcpError.None)
                {
                    Interlocked.Increment(ref Stats.NacksReceived);
                    foreach (ushort sequence in nack.LostSequenceNumbers)
                    {
                        Retransmit(nack.MediaSsrc, sequence);
                    }
                }
            }
            else if (header.PacketType == RtcpPacketType.PayloadFeedback
                && header.Format is RtcpFeedbackFormat.PictureLossIndication or RtcpFeedbackFormat.FullIntraRequest)
            {
                Interlocked.Increment(ref Stats.PlisReceived);
                RequestKeyFrame();
            }
        }
    }

    private void Retransmit(uint ssrc, ushort sequence)
    {
        SendHistory? history = ssrc == VideoSsrc ? _videoHistory : ssrc == AudioSsrc ? _audioHistory : null;
        int length = history?.TryCopy(sequence, _retransmitBuffer) ?? 0;
        if (length == 0)
        {
            Interlocked.Increment(ref Stats.RetransmissionMisses);
            return;
        }

        ObserveSent(_retransmitBuffer.AsSpan(0, length));
        ProtectAndSendRtp(_retransmitBuffer, length);
        Interlocked.Increment(ref Stats.RetransmissionsSent);
    }

    /// <summary>Every 20 ms on the receive thread once connected: NACKs; every second: reports.</summary>
    private void OnMediaTick(long nowUs)
    {
        if (Options.SendNacks)
        {
            foreach (ReceiveTracker tracker in _trackers.Values)
            {
                int lost = tracker.CollectNacks(nowUs, _lost);
                if (lost == 0)
                {
                    continue;
                }

                int entries = GenericNack.BuildEntries(_lost.AsSpan(0, lost), _nackEntries);
                int length = new GenericNack(LocalSsrc, tracker.Ssrc, _nackEntries.AsSpan(0, entries)).WriteTo(_rtcpBuffer);
                ProtectAndSendRtcp(_rtcpBuffer, length);
                Stats.NacksSent++;
                Stats.NackedSequences += lost;
            }
        }

        if (nowUs < _nextReportUs)
        {
            return;
        }

        _nextReportUs = nowUs + ReportIntervalUs;
        if (Publishes && _sender is not null)
        {
            ulong ntp = NtpTime.FromUnixMicroseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
            long elapsed = nowUs - _mediaStartUs;
            int length = new SenderReport(VideoSsrc, ntp, (uint)(elapsed * 90 / 1000), (uint)_videoSent, _videoOctets, default).WriteTo(_rtcpBuffer);
            length += new SenderReport(AudioSsrc, ntp, (uint)(elapsed * 48 / 1000), (uint)_audioSent, _audioOctets, default).WriteTo(_rtcpBuffer.AsSpan(length));
            ProtectAndSendRtcp(_rtcpBuffer, length);
        }
        else if (_trackers.Count > 0)
        {
            int blocks = 0;
            foreach (ReceiveTracker tracker in _trackers.Values)
            {
                if (blocks < _reportBlocks.Length)
                {
                    _reportBlocks[blocks++] = tracker.Statistics.CreateReportBlock(nowUs);
                }
            }

            int length = new ReceiverReport(LocalSsrc, _reportBlocks.AsSpan(0, blocks)).WriteTo(_rtcpBuffer);
            ProtectAndSendRtcp(_rtcpBuffer, length);
            Stats.ReportsSent++;
        }
    }
}
