using System.Net;
using System.Net.Sockets;
using CoStream.Sfu.Protocols.Dtls;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Srtp;
using CoStream.Sfu.Negotiation;
using CoStream.Sfu.Routing;

namespace CoStream.Sfu.Transport;

public enum TransportState { New, Connecting, Connected, Closed }

/// <summary>
/// One browser's peer connection to the SFU, BUNDLEd on one 5-tuple: ICE-lite (<see cref="IceLiteAgent"/>),
/// DTLS-SRTP (<see cref="DtlsSrtpTransport"/>, handshake on its own thread), SRTP/SRTCP contexts, and the
/// producers (what it publishes) and consumers (what it receives) riding on it. Loop thread only,
/// except where noted.
/// </summary>
internal sealed partial class WebRtcTransport : IDatagramSender
{
    /// <summary>Room kept at the end of every send buffer for the SRTP tag / SRTCP trailer.</summary>
    public const int MaxSrtpOverhead = 32;

    /// <summary>SRTP replay window for what peers send us, in packets (≈ 2 s of video at 1000 packets/s).</summary>
    public const int InboundReplayWindow = 2048;

    private readonly Router _router;
    private readonly List<Producer> _producers = [];
    private readonly List<Consumer> _consumers = [];
    private readonly Dictionary<uint, Consumer> _consumersBySsrc = [];
    private readonly byte[] _stunResponse = new byte[512];
    private DtlsSrtpTransport? _dtls;
    private SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private volatile SocketAddress? _remote;
    private long _createdUs;
    private long _firstCheckUs;

    public WebRtcTransport(Router router, string id, Room room, string participant, long nowUs)
    {
        _router = router;
        Id = id;
        Room = room;
        Participant = participant;
        LocalIce = IceCredentials.Generate();
        Ice = new IceLiteAgent(LocalIce);
        RtcpSsrc = (uint)Random.Shared.Next(1, int.MaxValue);
        _createdUs = nowUs;
    }

    public string Id { get; }
    public Room Room { get; }
    public string Participant { get; }
    public IceCredentials LocalIce { get; }
    public IceLiteAgent Ice { get; }
    public TransportState State { get; private set; }
    public uint RtcpSsrc { get; }
    public IReadOnlyList<Producer> Producers => _producers;
    public IReadOnlyList<Consumer> Consumers => _consumers;
    public byte[] SendBuffer => _router.SendBuffer;
    public SocketAddress? Remote => _remote;
    public ushort SrtpProfile { get; private set; }
    public DtlsError CloseReason { get; private set; }
    /// <summary>The subscriber's receive bandwidth estimate (REMB), bits per second; 0 = unknown.</summary>
    public ulong EstimatedBitrate { get; private set; }
    /// <summary>Round-trip time to the peer from RTCP report blocks (ms); 0 = unknown.</summary>
    public int RttMs { get; private set; }
    /// <summary>Set by the signalling layer for a server-offered subscriber connection.</summary>
    public SubscriberSignaling? Signaling { get; set; }

    // Header extension ids the publisher negotiated (0 = none).
    public int MidExtensionId { get; set; }
    public int RidExtensionId { get; set; }
    public int TransportCcId { get; set; }
    public int AbsSendTimeId { get; set; }
    public int AudioLevelId { get; set; }

    public void AddProducer(Producer producer) => _producers.Add(producer);

    public void AddConsumer(Consumer consumer)
    {
        _consumers.Add(consumer);
        _consumersBySsrc[consumer.Ssrc] = consumer;
    }

    public void RemoveConsumer(Consumer consumer)
    {
        _consumers.Remove(consumer);
        _consumersBySsrc.Remove(consumer.Ssrc);
    }

    // ---- ICE ----

    public void OnStun(Span<byte> datagram, SocketAddress from, long nowUs)
    {
        if (State == TransportState.Closed) return;
        // Consent checks come every few seconds from the bound address: reuse its IPEndPoint.
        var endPoint = _remote is { } bound && bound.Equals(from) && RemoteEndPoint is { } known
            ? known
            : (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(from);
        var outcome = Ice.HandleBindingRequest(datagram, endPoint, nowUs / 1000, _stunResponse, out var responseLength);
        if (responseLength > 0) _router.Endpoint.Send(_stunResponse.AsSpan(0, responseLength), from);
        if (outcome is not (IceLiteOutcome.Responded or IceLiteOutcome.Nominated))
        {
            _router.StunRefusals.Count(outcome);
            return;
        }
        _router.BindAddress(this, from);
        if (Ice.SelectedRemote is { } selected && (_remote is null || !selected.Equals(RemoteEndPoint)))
        {
            _remote = selected.Serialize();
            RemoteEndPoint = selected;
        }
        TryStartDtls(nowUs);
    }

    public IPEndPoint? RemoteEndPoint { get; private set; }

    // ---- DTLS ----

    /// <summary>The peer's certificate fingerprint from its SDP (known once its offer or answer is in).</summary>
    public Protocols.Sdp.SdpFingerprint? RemoteFingerprint { get; set; }

    /// <summary>Starts the DTLS server once ICE has a remote and the peer's fingerprint is known.</summary>
    public void TryStartDtls(long nowUs)
    {
        if (_dtls is not null || State == TransportState.Closed || RemoteFingerprint is not { } fingerprint || _remote is null) return;
        _firstCheckUs = nowUs;
        State = TransportState.Connecting;
        _dtls = new DtlsSrtpTransport(_router.Certificate, CoStream.Sfu.Protocols.Dtls.DtlsRole.Server,
            fingerprint.Algorithm, fingerprint.Value, this,
            [DtlsSrtpProfiles.AeadAes128Gcm, DtlsSrtpProfiles.AesCm128HmacSha1_80]);
        var dtls = _dtls;
        var timeout = _router.Options.DtlsHandshakeTimeoutMs;
        Task.Factory.StartNew(() =>
        {
            DtlsHandshakeResult result;
            try { result = dtls.Handshake(timeout, CancellationToken.None); }
            catch (Exception) { result = new DtlsHandshakeResult { Error = DtlsError.ProtocolError }; }
            _router.Endpoint.Post(() => OnDtlsCompleted(result));
        }, TaskCreationOptions.LongRunning);
        dtls.Closed += error => _router.Endpoint.Post(() => Close(error));
        foreach (var early in _earlyDtls) dtls.ReceiveDatagram(early);
        _earlyDtls.Clear();
    }

    private readonly List<byte[]> _earlyDtls = [];

    /// <summary>DTLS records from the handshake thread go straight to the socket (thread-safe send).</summary>
    void IDatagramSender.Send(ReadOnlySpan<byte> datagram)
    {
        if (_remote is { } remote) _router.Endpoint.Send(datagram, remote);
    }

    public void OnDtls(ReadOnlySpan<byte> datagram)
    {
        if (_dtls is null)
        {
            // A ClientHello can overtake the signalled answer: keep a few until DTLS can start.
            if (_earlyDtls.Count < 8 && datagram.Length <= 1500) _earlyDtls.Add(datagram.ToArray());
            else _router.Counters.Increment("dtls.refused.BeforeStart");
            return;
        }
        _dtls.ReceiveDatagram(datagram);
        CountDtlsDrops(_dtls);
    }

    private readonly long[] _dtlsDropsCounted = new long[(int)DtlsDropReason.AfterClose + 1];
    private long _dtlsDropsTotal;

    /// <summary>Moves the DTLS layer's own drop counts (bad records, queue overflow…) into the engine's "dtls.refused.*" counters.</summary>
    private void CountDtlsDrops(DtlsSrtpTransport dtls)
    {
        var total = dtls.DroppedDatagrams;
        if (total == _dtlsDropsTotal) return;
        _dtlsDropsTotal = total;
        for (var i = 0; i < _dtlsDropsCounted.Length; i++)
        {
            var count = dtls.GetDropCount((DtlsDropReason)i);
            if (count == _dtlsDropsCounted[i]) continue;
            _router.DtlsRefusals.Add((DtlsDropReason)i, count - _dtlsDropsCounted[i]);
            _dtlsDropsCounted[i] = count;
        }
    }

    private void OnDtlsCompleted(DtlsHandshakeResult result)
    {
        if (State == TransportState.Closed) return;
        if (!result.Success)
        {
            _router.Counters.Increment("dtls.handshake.failed." + result.Error);
            _router.Log($"transport {Id} ({Participant}): DTLS failed: {result}");
            Close(result.Error);
            return;
        }
        var profile = (SrtpProfile)result.ProfileId;
        SrtpProfile = result.ProfileId;
        // A wide replay window: a publisher's retransmission of a packet NACKed ~1 s ago must not be refused as too old
        // (libsrtp's default of 128 is only 128 ms of video at 1000 packets/s).
        _inbound = new SrtpContext(profile, result.RemoteMasterKey.Span, result.RemoteMasterSalt.Span, InboundReplayWindow);
        _outbound = new SrtpContext(profile, result.LocalMasterKey.Span, result.LocalMasterSalt.Span);
        State = TransportState.Connected;
        _router.Counters.Increment("dtls.handshake.completed");
        _router.Log($"transport {Id} ({Participant}): connected, SRTP profile {profile}");
        foreach (var c in _consumers) c.RequestKeyFrame();
    }

    // ---- sending ----

    /// <summary>Protects a plain RTP packet built in <see cref="SendBuffer"/> in place and queues it for the peer.</summary>
    public void SendRtp(byte[] buffer, int length)
    {
        if (_outbound is null || _remote is not { } remote) return;
        var error = _outbound.ProtectRtp(buffer, length, out var protectedLength);
        if (error != SrtpError.None) { _router.SrtpRefusals.Count(error); return; }
        _router.EnqueueSend(protectedLength, remote);
        _router.Forwarded.Value++;
    }

    /// <summary>Protects a plain RTCP compound packet in place and sends it.</summary>
    public void SendRtcp(byte[] buffer, int length)
    {
        if (_outbound is null || _remote is not { } remote) return;
        var error = _outbound.ProtectRtcp(buffer, length, out var protectedLength);
        if (error != SrtpError.None) { _router.SrtpRefusals.Count(error); return; }
        _router.Endpoint.Send(buffer.AsSpan(0, protectedLength), remote);
    }

    public (int MinMs, int MaxMs)? PlayoutDelay => _router.Options.VideoPlayoutDelay;

    public void CountRetransmission() => _router.Retransmitted.Value++;

    // ---- lifecycle ----

    public void OnTick(long nowUs)
    {
        if (State == TransportState.Closed) return;
        var nowMs = nowUs / 1000;
        if (State == TransportState.Connected && Ice.IsConsentExpired(nowMs, _router.Options.ConsentTimeoutMs))
        {
            _router.Counters.Increment("ice.consent.expired");
            _router.Log($"transport {Id} ({Participant}): consent expired");
            Close(DtlsError.Timeout);
            return;
        }
        if (State == TransportState.Connected) RtcpTick(nowUs);
    }

    public void Close(DtlsError reason = DtlsError.None)
    {
        if (State == TransportState.Closed) return;
        State = TransportState.Closed;
        CloseReason = reason;
        try { _dtls?.Close(); } catch { /* the peer may be gone */ }
        foreach (var p in _producers) p.Close();
        foreach (var c in _consumers.ToArray()) c.Close();
        _producers.Clear();
        _inbound?.Dispose();
        _outbound?.Dispose();
        _router.OnTransportClosed(this);
    }
}
