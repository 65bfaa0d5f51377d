using System.Net;
using System.Net.Sockets;
using System.Text;
using CoStream.Sfu.Diagnostics;
using CoStream.Sfu.Protocols.Demux;
using CoStream.Sfu.Protocols.Dtls;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Srtp;
using CoStream.Sfu.Protocols.Stun;
using CoStream.Sfu.Routing;

namespace CoStream.Sfu.Transport;

/// <summary>
/// The engine's state on its loop thread: every transport (found by remote address, or by ICE ufrag
/// for a first check), every room, and the datagram classifier (RFC 7983) in front of them.
/// </summary>
internal sealed class Router : IDatagramHandler
{
    private readonly Dictionary<SocketAddress, WebRtcTransport> _byAddress = [];
    private readonly Dictionary<string, WebRtcTransport> _byUfrag = [];
    private readonly Dictionary<string, WebRtcTransport> _byId = [];
    private readonly Dictionary<string, Room> _rooms = [];
    private readonly Action<string> _log;
    private readonly List<WebRtcTransport> _tickList = [];
    private long _lastRoomTickUs;

    public Router(SfuOptions options, UdpEndpoint endpoint, DtlsCertificate certificate, SfuCounters counters, Action<string> log)
    {
        Options = options;
        Endpoint = endpoint;
        Certificate = certificate;
        Counters = counters;
        _log = log;
        Forwarded = counters.Get("rtp.forwarded");
        Retransmitted = counters.Get("rtp.retransmitted");
        StunRefusals = new RefusalCounters<IceLiteOutcome>(counters, "ice", IceLiteOutcome.Responded, IceLiteOutcome.Nominated);
        SrtpRefusals = new RefusalCounters<SrtpError>(counters, "srtp");
        SrtcpRefusals = new RefusalCounters<SrtpError>(counters, "srtcp");
        RtpRefusals = new RefusalCounters<RtpError>(counters, "rtp");
        RtcpRefusals = new RefusalCounters<RtcpError>(counters, "rtcp");
        DtlsRefusals = new RefusalCounters<DtlsDropReason>(counters, "dtls");
        DemuxRefusals = counters.Get("demux.refused.Unknown");
        UnknownSource = counters.Get("demux.refused.UnknownSource");
    }

    public SfuOptions Options { get; }
    public UdpEndpoint Endpoint { get; }
    public DtlsCertificate Certificate { get; }
    public SfuCounters Counters { get; }
    public SfuCounters.StrongBox Forwarded { get; }
    public SfuCounters.StrongBox Retransmitted { get; }
    public RefusalCounters<IceLiteOutcome> StunRefusals { get; }
    public RefusalCounters<SrtpError> SrtpRefusals { get; }
    public RefusalCounters<SrtpError> SrtcpRefusals { get; }
    public RefusalCounters<RtpError> RtpRefusals { get; }
    public RefusalCounters<RtcpError> RtcpRefusals { get; }
    public RefusalCounters<DtlsDropReason> DtlsRefusals { get; }
    private SfuCounters.StrongBox DemuxRefusals { get; }
    private SfuCounters.StrongBox UnknownSource { get; }

    /// <summary>Where the next outgoing RTP packet is built: the send batch's current slot.</summary>
    public byte[] SendBuffer => Endpoint.Batch.Current;

    /// <summary>Queues the packet built in <see cref="SendBuffer"/> for the end of this loop turn.</summary>
    public void EnqueueSend(int length, SocketAddress to) => Endpoint.Batch.Enqueue(length, to);

    public void Flush() => Endpoint.Batch.Flush();
    public byte[] RtcpBuffer { get; } = new byte[1400];

    /// <summary>In-process listeners on rooms' inbound media (the mixer's ingest), by room id.</summary>
    public RoomTapRegistry Taps { get; } = new();

    public event Action<string, string>? ActiveSpeakerChanged;
    public event Action<WebRtcTransport>? TransportClosed;
    /// <summary>A publish transport's first media packet: (transport).</summary>
    public event Action<WebRtcTransport>? PublisherLive;

    /// <summary>Cross-room links (PK): which rooms' subscribers also receive which participants of other rooms.</summary>
    public RoomLinks Links { get; } = new();

    public void Log(string message) => _log(message);

    public Room GetOrCreateRoom(string id)
    {
        if (!_rooms.TryGetValue(id, out var room)) _rooms[id] = room = new Room(id, this);
        return room;
    }

    public Room? FindRoom(string id) => _rooms.GetValueOrDefault(id);
    public WebRtcTransport? FindTransport(string id) => _byId.GetValueOrDefault(id);
    public int TransportCount => _byId.Count;

    public WebRtcTransport CreateTransport(Room room, string participant, long nowUs)
    {
        var id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var transport = new WebRtcTransport(this, id, room, participant, nowUs);
        _byId[id] = transport;
        _byUfrag[transport.LocalIce.Ufrag] = transport;
        room.AddTransport(transport);
        return transport;
    }

    /// <summary>A validated ICE check from <paramref name="from"/>: later datagrams from there belong to the transport.</summary>
    public void BindAddress(WebRtcTransport transport, SocketAddress from)
    {
        if (_byAddress.TryGetValue(from, out var existing) && existing == transport) return;
        var copy = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span.Slice(0, from.Size).CopyTo(copy.Buffer.Span);
        _byAddress[copy] = transport;
    }

    public void OnDatagram(Span<byte> buffer, int length, SocketAddress from, long nowUs)
    {
        var datagram = buffer.Slice(0, length);
        var kind = PacketClassifier.Classify(datagram);
        if (_byAddress.TryGetValue(from, out var transport))
        {
            switch (kind)
            {
                case PacketKind.Rtp: transport.OnSrtp(datagram, nowUs); return;
                case PacketKind.Rtcp: transport.OnSrtcp(datagram, nowUs); return;
                case PacketKind.Dtls: transport.OnDtls(datagram); return;
                case PacketKind.Stun: transport.OnStun(datagram, from, nowUs); return;
                default: DemuxRefusals.Value++; return;
            }
        }
        if (kind != PacketKind.Stun) { UnknownSource.Value++; return; }
        if (!StunMessage.TryReadUsername(datagram, out var username)) { StunRefusals.Count(IceLiteOutcome.BadUsername); return; }
        var colon = username.IndexOf((byte)':');
        var ufrag = colon < 0 ? username : username.Slice(0, colon);
        if (ufrag.Length is 0 or > 64) { StunRefusals.Count(IceLiteOutcome.BadUsername); return; }
        Span<char> chars = stackalloc char[ufrag.Length];
        Encoding.ASCII.GetChars(ufrag, chars);
        if (_byUfrag.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out transport))
            transport.OnStun(datagram, from, nowUs);
        else
            StunRefusals.Count(IceLiteOutcome.BadUsername);
    }

    public void OnTick(long nowUs)
    {
        _tickList.Clear();
        _tickList.AddRange(_byId.Values);
        foreach (var transport in _tickList) transport.OnTick(nowUs);
        if (nowUs - _lastRoomTickUs >= 50_000)
        {
            _lastRoomTickUs = nowUs;
            foreach (var room in _rooms.Values) room.OnTick(nowUs / 1000);
        }
    }

    public void OnActiveSpeakerChanged(Room room, string participant) => ActiveSpeakerChanged?.Invoke(room.Id, participant);

    public void OnPublisherLive(WebRtcTransport transport) => PublisherLive?.Invoke(transport);

    /// <summary>Producers of <paramref name="source"/> came or went: re-offer the subscribers of the rooms linked to it.</summary>
    public void RenegotiateWatchers(Room source)
    {
        foreach (var watcher in Links.WatchersOf(source.Id).ToArray())
            FindRoom(watcher)?.RenegotiateSubscribers();
    }

    /// <summary>Called by a transport as it closes: forget it everywhere and let its room re-offer.</summary>
    public void OnTransportClosed(WebRtcTransport transport)
    {
        _byId.Remove(transport.Id);
        _byUfrag.Remove(transport.LocalIce.Ufrag);
        List<SocketAddress>? stale = null;
        foreach (var (address, t) in _byAddress)
            if (t == transport) (stale ??= []).Add(address);
        if (stale is not null) foreach (var a in stale) _byAddress.Remove(a);
        transport.Room.RemoveTransport(transport);
        if (transport.Room.IsEmpty) _rooms.Remove(transport.Room.Id);
        TransportClosed?.Invoke(transport);
    }

    public void CloseAll()
    {
        foreach (var t in _byId.Values.ToArray()) t.Close();
    }
}
