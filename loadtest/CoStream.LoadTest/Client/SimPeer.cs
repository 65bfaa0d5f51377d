using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CoStream.Sfu.Protocols.Demux;
using CoStream.Sfu.Protocols.Dtls;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.LoadTest.Client;

/// <summary>
/// A WebRTC peer for load and engine tests, built from the protocol layer's client side, on one
/// UDP socket bound to 127.0.0.1:0: ICE (<see cref="IceControllingAgent"/>, or answering checks with
/// <see cref="IceResponder"/>) → DTLS-SRTP (<see cref="DtlsSrtpTransport"/>) → SRTP
/// (<see cref="SrtpContext"/>). One receive thread runs all receive-side state and the timers
/// (ICE checks, NACKs, reports); a publisher has one more thread that paces synthetic media
/// (<c>SimPeer.Media.cs</c>). Start one with <see cref="PublishAsync"/>, <see cref="PlayAsync"/> or
/// <see cref="ConnectDirectAsync"/>; read <see cref="Stats"/>.
/// </summary>
public sealed partial class SimPeer : IAsyncDisposable, IDatagramSender
{
    private const int ReceiveTimeoutMs = 20;
    private const long ConnectingTickUs = 5_000;
    private const long ConnectedTickUs = 20_000;
    private static readonly Lazy<DtlsCertificate> SharedCertificate = new(() => DtlsCertificate.CreateSelfSigned("simpeer"));

    private readonly Socket _socket;
    private readonly byte[] _receiveBuffer = new byte[2048];
    private readonly byte[] _tickBuffer = new byte[1500];
    private readonly object _sendLock = new();
    private readonly TaskCompletionSource _iceConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IceResponder _responder;
    private readonly Thread _receiveThread;
    private IceControllingAgent? _ice;
    private DtlsSrtpTransport? _dtls;
    private volatile SocketAddress? _remote;
    private volatile SrtpContext? _inbound;
    private volatile SrtpContext? _outbound;
    private volatile bool _stopping;
    private long _nextTickUs;
    private const int MaxEarlyPackets = 64;
    private byte[][]? _early;
    private readonly int[] _earlyLengths = new int[MaxEarlyPackets];
    private int _earlyCount;
    private Uri? _resource;
    private string? _token;

    private SimPeer(SimPeerOptions options, bool publishes)
    {
        Options = options;
        Publishes = publishes;
        LocalIce = IceCredentials.Generate();
        _responder = new IceResponder(LocalIce);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
        {
            ReceiveTimeout = ReceiveTimeoutMs,
        };
        try
        {
            _socket.ReceiveBufferSize = options.SocketReceiveBufferBytes;
        }
        catch (SocketException)
        {
            // The kernel's cap applies.
        }

        _socket.Bind(new IPEndPoint(options.BindAddress ?? IPAddress.Loopback, 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        LocalSsrc = (uint)Random.Shared.Next(1, int.MaxValue);
        AudioSsrc = (uint)Random.Shared.Next(1, int.MaxValue);
        VideoSsrc = (uint)Random.Shared.Next(1, int.MaxValue);
        InitMedia();
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "simpeer-recv" };
        _receiveThread.Start();
    }

    public SimPeerOptions Options { get; }

    public bool Publishes { get; }

    public IceCredentials LocalIce { get; }

    public static DtlsCertificate Certificate => SharedCertificate.Value;

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Sender SSRC of our RTCP (receiver reports, NACKs).</summary>
    public uint LocalSsrc { get; }

    public uint AudioSsrc { get; }

    public uint VideoSsrc { get; }

    public SimPeerStats Stats { get; } = new();

    public bool IsConnected => _outbound is not null;

    /// <summary>Our host candidate, as the value of an SDP <c>a=candidate:</c> line (without the "candidate:" prefix:
    /// strict parsers such as Janus's reject <c>a=candidate:candidate:1 ...</c>).</summary>
    public string HostCandidate => IceCandidate.CreateHost(LocalEndPoint).ToString() is var c && c.StartsWith(IceCandidate.Prefix, StringComparison.Ordinal)
        ? c[IceCandidate.Prefix.Length..]
        : c;

    public static long NowUs() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    /// <summary>WHIP: offers sendonly Opus + VP8 to <c>{baseUrl}/whip/{room}</c>, connects, and (by default) starts sending.</summary>
    public static async Task<SimPeer> PublishAsync(string baseUrl, string room, string token, SimPeerOptions? options = null, CancellationToken ct = default)
    {
        var peer = new SimPeer(options ?? new SimPeerOptions(), publishes: true);
        try
        {
            var offer = SimOffer.Publish(peer.LocalIce, Certificate, peer.HostCandidate, peer.AudioSsrc, peer.VideoSsrc, peer.Options.VideoCodec);
            await peer.NegotiateAsync(peer.WhipExchange(new Uri(new Uri(baseUrl), $"whip/{Uri.EscapeDataString(room)}"), token), offer, ct);
            if (peer.Options.StartMediaOnConnect)
            {
                peer.StartMedia();
            }

            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>WHEP: offers recvonly audio + video to <c>{baseUrl}/whep/{room}?source=</c>, connects, and receives.</summary>
    public static async Task<SimPeer> PlayAsync(string baseUrl, string room, string token, string? source = null, SimPeerOptions? options = null, CancellationToken ct = default)
    {
        var peer = new SimPeer(options ?? new SimPeerOptions(), publishes: false);
        try
        {
            var offer = SimOffer.Play(peer.LocalIce, Certificate, peer.HostCandidate);
            string path = $"whep/{Uri.EscapeDataString(room)}" + (source is null ? "" : "?source=" + Uri.EscapeDataString(source));
            await peer.NegotiateAsync(peer.WhipExchange(new Uri(new Uri(baseUrl), path), token), offer, ct);
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Publishes through any signalling: <paramref name="exchange"/> carries our offer (sendonly Opus + VP8)
    /// to the SFU and returns its answer, e.g. <c>SfuServer.PublishAsync</c> in-process. Connects, and
    /// (by default) starts sending.
    /// </summary>
    public static async Task<SimPeer> PublishAsync(OfferExchange exchange, SimPeerOptions? options = null, CancellationToken ct = default)
    {
        var peer = new SimPeer(options ?? new SimPeerOptions(), publishes: true);
        try
        {
            var offer = SimOffer.Publish(peer.LocalIce, Certificate, peer.HostCandidate, peer.AudioSsrc, peer.VideoSsrc, peer.Options.VideoCodec);
            await peer.NegotiateAsync(exchange, offer, ct);
            if (peer.Options.StartMediaOnConnect)
            {
                peer.StartMedia();
            }

            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Plays through any signalling: <paramref name="exchange"/> carries our recvonly offer and returns the answer.</summary>
    public static async Task<SimPeer> PlayAsync(OfferExchange exchange, SimPeerOptions? options = null, CancellationToken ct = default)
    {
        var peer = new SimPeer(options ?? new SimPeerOptions(), publishes: false);
        try
        {
            await peer.NegotiateAsync(exchange, SimOffer.Play(peer.LocalIce, Certificate, peer.HostCandidate), ct);
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A publisher and a receiver connected straight to each other, no server: the publisher is ICE
    /// controlling and DTLS client, the receiver answers checks and is DTLS server. The baseline for
    /// "latency added by the SFU". Media starts when <see cref="SimPeerOptions.StartMediaOnConnect"/>.
    /// </summary>
    public static async Task<(SimPeer Publisher, SimPeer Receiver)> ConnectDirectAsync(SimPeerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new SimPeerOptions();
        var publisher = new SimPeer(options, publishes: true);
        var receiver = new SimPeer(options, publishes: false);
        DtlsCertificate cert = Certificate;
        var toReceiver = new RemotePeer(receiver.LocalIce.Ufrag, receiver.LocalIce.Password,
            [IceCandidate.CreateHost(receiver.LocalEndPoint)], cert.FingerprintAlgorithm, cert.Fingerprint, DtlsRole.Client, true);
        var toPublisher = new RemotePeer(publisher.LocalIce.Ufrag, publisher.LocalIce.Password,
            [], cert.FingerprintAlgorithm, cert.Fingerprint, DtlsRole.Server, false);
        await Task.WhenAll(publisher.ConnectAsync(toReceiver, ct), receiver.ConnectAsync(toPublisher, ct));
        if (options.StartMediaOnConnect)
        {
            publisher.StartMedia();
        }

        return (publisher, receiver);
    }

    /// <summary>
    /// ICE, then the DTLS handshake, then SRTP keys. For a controlling peer ICE ends at nomination;
    /// for a controlled one at the first authenticated check from the peer.
    /// </summary>
    public async Task ConnectAsync(RemotePeer remote, CancellationToken ct = default)
    {
        _dtls = new DtlsSrtpTransport(Certificate, remote.LocalDtlsRole, remote.FingerprintAlgorithm, remote.Fingerprint,
            this, DtlsSrtpProfiles.Default);
        if (remote.LocalIceControlling)
        {
            var agent = new IceControllingAgent(LocalIce, remote.IceUfrag, remote.IcePassword, (ulong)Random.Shared.NextInt64())
            {
                TaMs = 5,
                InitialRtoMs = 100,
                ConsentIntervalMinMs = Options.ConsentIntervalMs * 4 / 5,
                ConsentIntervalMaxMs = Options.ConsentIntervalMs * 6 / 5,
            };
            agent.AddLocalCandidate(LocalEndPoint);
            foreach (IceCandidate candidate in remote.Candidates)
            {
                agent.AddRemoteCandidate(candidate);
            }

            Volatile.Write(ref _ice, agent);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.ConnectTimeoutMs);
        await _iceConnected.Task.WaitAsync(timeout.Token);
        DtlsSrtpTransport dtls = _dtls;
        DtlsHandshakeResult result = await Task.Factory.StartNew(
            () => dtls.Handshake(Options.ConnectTimeoutMs, timeout.Token), timeout.Token,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!result.Success)
        {
            throw new InvalidOperationException($"DTLS handshake failed: {result}");
        }

        var profile = (SrtpProfile)result.ProfileId;
        // Like Chromium (libwebrtc asks libsrtp for a 1024-packet window): late retransmissions are not "too old".
        _inbound = new SrtpContext(profile, result.RemoteMasterKey.Span, result.RemoteMasterSalt.Span, replayWindowSize: 1024);
        _outbound = new SrtpContext(profile, result.LocalMasterKey.Span, result.LocalMasterSalt.Span);
    }

    void IDatagramSender.Send(ReadOnlySpan<byte> datagram)
    {
        if (_remote is { } remote && !_stopping)
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
        }
    }

    /// <summary>Sends raw bytes from this peer's socket to the connected remote (hostile-input tests); false before ICE.</summary>
    public bool SendRaw(ReadOnlySpan<byte> datagram)
    {
        if (_remote is not { } remote || _stopping)
        {
            return false;
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, remote);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Goes silent as a crashed or unplugged peer does: no media, no ICE consent, no RTCP, no DTLS
    /// close_notify — the remote can only notice by consent expiry. The socket is closed; dispose later as usual.
    /// </summary>
    public void Vanish()
    {
        StopMedia();
        _stopping = true;
        if (Thread.CurrentThread != _receiveThread)
        {
            _receiveThread.Join(1000);
        }

        _socket.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        StopMedia();
        if (_resource is { } resource && _token is { } token)
        {
            try
            {
                using var cts = new CancellationTokenSource(2000);
                await WhipClient.DeleteAsync(resource, token, cts.Token);
            }
            catch (Exception)
            {
                // Best effort: the server also ends the session on close_notify or consent expiry.
            }
        }

        _dtls?.Close();
        _stopping = true;
        if (Thread.CurrentThread != _receiveThread)
        {
            _receiveThread.Join(1000);
        }

        _socket.Dispose();
        _inbound?.Dispose();
        _outbound?.Dispose();
    }

    private OfferExchange WhipExchange(Uri endpoint, string token) => async (offerSdp, ct) =>
    {
        (string answerSdp, Uri? resource) = await WhipClient.PostOfferAsync(endpoint, token, offerSdp, ct);
        _resource = resource;
        _token = token;
        return answerSdp;
    };

    private async Task NegotiateAsync(OfferExchange exchange, Sfu.Protocols.Sdp.SessionDescription offer, CancellationToken ct)
    {
        string answerSdp = await exchange(offer.ToString(), ct);
        await ApplyAnswerAsync(offer, answerSdp, null, ct);
    }

    /// <summary>Reads the answer to our offer (credentials, fingerprint, DTLS role, SSRCs, candidates) and connects as ICE controlling agent.</summary>
    private async Task ApplyAnswerAsync(Sfu.Protocols.Sdp.SessionDescription offer, string answerSdp, IEnumerable<IceCandidate>? extraCandidates, CancellationToken ct)
    {
        var error = Sfu.Protocols.Sdp.SessionDescription.TryParse(answerSdp, out var answer);
        if (error != Sfu.Protocols.Sdp.SdpError.None)
        {
            throw new InvalidOperationException($"Unreadable answer ({error}).");
        }

        var session = Sfu.Protocols.Sdp.NegotiatedSession.FromOfferAnswer(offer, answer!, localIsOfferer: true);
        if (session.RemoteIceUfrag is null || session.RemoteIcePwd is null || session.RemoteFingerprint is null)
        {
            throw new InvalidOperationException("The answer has no ICE credentials or fingerprint.");
        }

        RegisterRemoteSsrcs(session);
        var candidates = new List<IceCandidate>();
        foreach (var media in answer!.Media)
        {
            foreach (string value in media.Candidates)
            {
                if (IceCandidate.TryParse(value, out IceCandidate? candidate) == IceError.None)
                {
                    candidates.Add(candidate!);
                }
            }
        }

        if (extraCandidates is not null)
        {
            candidates.AddRange(extraCandidates);
        }

        var remote = new RemotePeer(session.RemoteIceUfrag, session.RemoteIcePwd, candidates,
            session.RemoteFingerprint.Algorithm, session.RemoteFingerprint.Value,
            session.LocalDtlsRole == Sfu.Protocols.Sdp.DtlsRole.Client ? DtlsRole.Client : DtlsRole.Server,
            LocalIceControlling: true);
        await ConnectAsync(remote, ct);
    }

    private void ReceiveLoop()
    {
        var from = new SocketAddress(AddressFamily.InterNetwork);
        byte[] buffer = _receiveBuffer;
        while (!_stopping)
        {
            int length = 0;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a closed peer, or a socket being closed.
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            long now = NowUs();
            if (_earlyCount > 0 && _inbound is not null)
            {
                ReplayEarlyPackets(from, now);
            }

            if (length > 0)
            {
                OnDatagram(buffer.AsSpan(0, length), from, now);
            }

            if (now >= _nextTickUs)
            {
                _nextTickUs = now + (IsConnected ? ConnectedTickUs : ConnectingTickUs);
                OnTick(now);
            }
        }
    }

    private void OnDatagram(Span<byte> datagram, SocketAddress from, long nowUs)
    {
        switch (PacketClassifier.Classify(datagram))
        {
            case PacketKind.Stun:
                OnStun(datagram, from, nowUs);
                break;
            case PacketKind.Dtls:
                _dtls?.ReceiveDatagram(datagram);
                break;
            case PacketKind.Rtp when _inbound is null:
            case PacketKind.Rtcp when _inbound is null:
                KeepEarlyPacket(datagram);
                break;
            case PacketKind.Rtp:
                OnRtp(datagram, nowUs);
                break;
            case PacketKind.Rtcp:
                OnRtcp(datagram, nowUs);
                break;
        }
    }

    /// <summary>
    /// SRTP that overtakes our SRTP keys: the server sends media as soon as it has sent its last DTLS
    /// flight, before our handshake thread has finished with it. Kept (a few) and replayed once the keys are set,
    /// so a stream's first packets (a keyframe's start) are not lost to the race.
    /// </summary>
    private void KeepEarlyPacket(ReadOnlySpan<byte> datagram)
    {
        if (_dtls is null || _earlyCount == MaxEarlyPackets || datagram.Length > _receiveBuffer.Length)
        {
            return;
        }

        _early ??= Enumerable.Range(0, MaxEarlyPackets).Select(_ => new byte[_receiveBuffer.Length]).ToArray();
        datagram.CopyTo(_early[_earlyCount]);
        _earlyLengths[_earlyCount++] = datagram.Length;
    }

    private void ReplayEarlyPackets(SocketAddress from, long nowUs)
    {
        for (int i = 0; i < _earlyCount; i++)
        {
            OnDatagram(_early![i].AsSpan(0, _earlyLengths[i]), from, nowUs);
        }

        _earlyCount = 0;
    }

    private void OnStun(Span<byte> datagram, SocketAddress from, long nowUs)
    {
        var endPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(from);
        int responseLength = _responder.TryAnswer(datagram, endPoint, _tickBuffer, out _);
        if (responseLength > 0)
        {
            var copy = new SocketAddress(from.Family, from.Size);
            from.Buffer.CopyTo(copy.Buffer);
            _socket.SendTo(_tickBuffer.AsSpan(0, responseLength), SocketFlags.None, copy);
            if (_ice is null && _remote is null)
            {
                _remote = copy;
                _iceConnected.TrySetResult();
            }

            return;
        }

        if (_ice is { } agent && agent.HandleResponse(datagram, endPoint, nowUs / 1000) == IceCheckOutcome.Nominated)
        {
            _remote = agent.SelectedRemote!.Serialize();
            _iceConnected.TrySetResult();
        }
    }

    private void OnTick(long nowUs)
    {
        if (_ice is { } agent)
        {
            while (agent.TryGetNextCheck(nowUs / 1000, _tickBuffer, out int length, out IPEndPoint destination))
            {
                _socket.SendTo(_tickBuffer.AsSpan(0, length), SocketFlags.None, destination.Serialize());
            }

            if (agent.State == IceConnectionState.Failed)
            {
                _iceConnected.TrySetException(new InvalidOperationException("ICE failed: no pair succeeded."));
            }
        }

        if (IsConnected)
        {
            OnMediaTick(nowUs);
        }
    }
}
