using CoStream.Sfu.Diagnostics;
using CoStream.Sfu.Negotiation;
using CoStream.Sfu.Protocols.Dtls;
using CoStream.Sfu.Transport;
using Microsoft.Extensions.Logging;

namespace CoStream.Sfu;

/// <summary>Outcome of an SDP exchange with the SFU.</summary>
public sealed record SdpResult(bool Ok, string TransportId, string? Sdp, string? Error)
{
    public static SdpResult Fail(string error) => new(false, "", null, error);
}

/// <summary>
/// The SFU as the rest of CoStream sees it: publish (client offers), play (WHEP: client offers
/// recvonly), subscribe (server offers the room's tracks and re-offers as they change), and close.
/// All state lives on the engine's loop thread; these methods post work to it.
/// </summary>
public sealed class SfuServer : IAsyncDisposable
{
    private readonly UdpEndpoint _endpoint;
    private readonly Router _router;
    private readonly ILogger _log;

    private SfuServer(SfuOptions options, ILoggerFactory? loggers)
    {
        _log = loggers?.CreateLogger("CoStream.Sfu") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Options = options;
        Counters = new SfuCounters();
        Certificate = DtlsCertificate.CreateSelfSigned("CoStream SFU");
        _endpoint = new UdpEndpoint(options.ListenAddress, options.Port);
        _router = new Router(options, _endpoint, Certificate, Counters, message => _log.LogInformation("{Message}", message));
        _router.ActiveSpeakerChanged += (room, participant) => ActiveSpeakerChanged?.Invoke(room, participant);
        _router.PublisherLive += t => PublisherLive?.Invoke(t.Room.Id, t.Participant, t.Id);
        _endpoint.UnhandledError += e =>
        {
            Counters.Increment("engine.errors");
            _log.LogError(e, "SFU loop error");
        };
        _endpoint.Start(_router);
        _log.LogInformation("SFU listening on udp {EndPoint}", _endpoint.LocalEndPoint);
    }

    public static SfuServer Start(SfuOptions options, ILoggerFactory? loggers = null) => new(options, loggers);

    public SfuOptions Options { get; }
    public SfuCounters Counters { get; }

    /// <summary>Each room's media clock (shared with the room hub's event stamps and the mixer's output timestamps).</summary>
    public Timing.RoomMediaClocks Clocks { get; } = new();
    public DtlsCertificate Certificate { get; }
    public System.Net.IPEndPoint LocalEndPoint => _endpoint.LocalEndPoint;

    /// <summary>Bytes the engine's loop thread has allocated since start (for allocations-per-packet figures).</summary>
    public long LoopAllocatedBytes => _endpoint.LoopAllocatedBytes;

    /// <summary>Datagrams the loop has received and sent.</summary>
    public long DatagramsReceived => _endpoint.DatagramsReceived;
    public long DatagramsSent => _endpoint.DatagramsSent;

    /// <summary>Raised (on the loop thread) when a room's dominant speaker changes: (room, participant).</summary>
    public event Action<string, string>? ActiveSpeakerChanged;

    /// <summary>Raised (on the loop thread) when a publish transport receives its first media packet: (room, participant, transport id).</summary>
    public event Action<string, string, string>? PublisherLive;

    /// <summary>
    /// Cross-room PK: from now on room <paramref name="roomA"/>'s subscribers also receive <paramref name="anchorB"/>'s tracks
    /// from room <paramref name="roomB"/>, and room B's receive <paramref name="anchorA"/>'s (re-offered; a linked track's
    /// msid stream id is <c>room~participant</c>). Tracks published later by either anchor follow. False when already linked.
    /// </summary>
    public Task<bool> LinkRoomsAsync(string roomA, string anchorA, string roomB, string anchorB) =>
        _endpoint.InvokeAsync(() =>
        {
            if (roomA == roomB) return false;
            var added = _router.Links.Add(roomA, new Routing.LinkedSource(roomB, anchorB));
            added |= _router.Links.Add(roomB, new Routing.LinkedSource(roomA, anchorA));
            _router.FindRoom(roomA)?.RenegotiateSubscribers();
            _router.FindRoom(roomB)?.RenegotiateSubscribers();
            if (added) _log.LogInformation("rooms {A} ({AnchorA}) and {B} ({AnchorB}) linked", roomA, anchorA, roomB, anchorB);
            return added;
        });

    /// <summary>Ends what <see cref="LinkRoomsAsync"/> started: each room's subscribers lose the other room's tracks. False when not linked.</summary>
    public Task<bool> UnlinkRoomsAsync(string roomA, string roomB) =>
        _endpoint.InvokeAsync(() =>
        {
            var removed = _router.Links.Remove(roomA, roomB) + _router.Links.Remove(roomB, roomA);
            _router.FindRoom(roomA)?.RenegotiateSubscribers();
            _router.FindRoom(roomB)?.RenegotiateSubscribers();
            return removed > 0;
        });

    /// <summary>Closes every transport on which <paramref name="participant"/> publishes in <paramref name="room"/> (a guest leaving the stage); returns how many.</summary>
    public Task<int> ClosePublishTransportsAsync(string room, string participant) =>
        _endpoint.InvokeAsync(() =>
        {
            if (_router.FindRoom(room) is not { } r) return 0;
            var publishing = r.Transports.Where(t => t.Participant == participant && t.Producers.Count > 0).ToArray();
            foreach (var t in publishing) t.Close();
            return publishing.Length;
        });

    /// <summary>A publisher's offer (browser or WHIP): answer it and add its tracks to the room.</summary>
    public Task<SdpResult> PublishAsync(string room, string participant, string offerSdp, CancellationToken ct = default) =>
        _endpoint.InvokeAsync(() => Sessions.Publish(_router, room, participant, offerSdp, UdpEndpoint.NowUs()));

    /// <summary>WHEP: a player's recvonly offer, answered with one publisher's tracks (<paramref name="source"/>, or the room's first).</summary>
    public Task<SdpResult> PlayAsync(string room, string participant, string offerSdp, string? source, CancellationToken ct = default) =>
        _endpoint.InvokeAsync(() => Sessions.Play(_router, room, participant, offerSdp, source, UdpEndpoint.NowUs()));

    /// <summary>
    /// Opens a receive connection offering the room's other participants' tracks; re-offers go through
    /// <paramref name="sendOffer"/>. The result's SDP is null when there is nothing to receive yet.
    /// </summary>
    public Task<SdpResult> SubscribeAsync(string room, string participant, Func<string, Task> sendOffer, CancellationToken ct = default) =>
        _endpoint.InvokeAsync(() => Sessions.Subscribe(_router, room, participant, sendOffer, UdpEndpoint.NowUs()));

    /// <summary>The answer to the latest offer on a subscribe connection; null when accepted, else the reason.</summary>
    public Task<string?> AcceptAnswerAsync(string transportId, string answerSdp) =>
        _endpoint.InvokeAsync(() =>
        {
            var transport = _router.FindTransport(transportId);
            if (transport?.Signaling is not { } signaling) return "unknown transport";
            return signaling.OnAnswer(answerSdp, UdpEndpoint.NowUs());
        });

    /// <summary>Closes a transport (optionally only if it belongs to <paramref name="ownerParticipant"/>).</summary>
    public Task<bool> CloseTransportAsync(string transportId, string? ownerParticipant = null) =>
        _endpoint.InvokeAsync(() =>
        {
            var transport = _router.FindTransport(transportId);
            if (transport is null || (ownerParticipant is not null && transport.Participant != ownerParticipant)) return false;
            transport.Close();
            return true;
        });

    /// <summary>
    /// Attaches an in-process listener to <paramref name="room"/>'s inbound media: every decrypted RTP
    /// packet and sender report of every producer in the room, now and later, plus producer
    /// added/removed notifications (see <see cref="Routing.IRoomTap"/>: called on the loop thread).
    /// Producers already published are announced first. Dispose the result to detach.
    /// </summary>
    public IDisposable AttachRoomTap(string room, Routing.IRoomTap tap)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(tap);
        var subscription = new Routing.RoomTapSubscription(tap, s => _endpoint.Post(() => _router.Taps.Remove(room, s)));
        _endpoint.Post(() =>
        {
            _router.Taps.GetOrCreate(room).Add(subscription);
            if (_router.FindRoom(room) is { } r)
                foreach (var producer in r.Producers)
                    if (!producer.Closed) subscription.OnProducerAdded(producer.TapTrack);
        });
        return subscription;
    }

    /// <summary>
    /// Asks <paramref name="participant"/>'s video producers in <paramref name="room"/> for a keyframe
    /// (RTCP PLI on the publisher's next tick, throttled per producer like a subscriber's request).
    /// False when the participant publishes no video there, or none of it has arrived yet (no SSRC to ask).
    /// </summary>
    public Task<bool> RequestKeyFrame(string room, string participant) =>
        _endpoint.InvokeAsync(() =>
        {
            var found = false;
            if (_router.FindRoom(room) is not { } r) return false;
            foreach (var producer in r.Producers)
            {
                if (producer.Closed || producer.Participant != participant || producer.Kind != Protocols.Sdp.MediaKind.Video) continue;
                // Before its first packet the SFU has no SSRC to address a PLI to: the caller asks again later.
                var hasStream = false;
                for (var layer = 0; layer < producer.LayerCount; layer++) hasStream |= producer.GetLayer(layer) is not null;
                if (!hasStream) continue;
                producer.KeyFrameWanted = true;
                found = true;
            }
            return found;
        });

    /// <summary>A snapshot of a room for diagnostics and tests: participants with their producers.</summary>
    public Task<RoomSnapshot?> GetRoomAsync(string room) =>
        _endpoint.InvokeAsync(() => _router.FindRoom(room) is { } r
            ? new RoomSnapshot(r.Id, r.Transports.Select(t => new TransportSnapshot(t.Id, t.Participant, t.State.ToString(),
                t.Producers.Select(p => $"{p.Kind}:{p.Codec.Name}" + (p.IsSimulcast ? ":" + string.Join('/', Enumerable.Range(0, p.LayerCount).Select(l => p.GetLayer(l) is { } s ? $"{s.Rid}={s.Packets}" : "-")) : "")).ToArray(), t.Consumers.Count,
                (long)Math.Min(t.EstimatedBitrate, long.MaxValue), t.Consumers.Select(c => c.CurrentLayer).ToArray())).ToArray(), r.ActiveSpeaker)
            : null);

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            await _endpoint.InvokeAsync(() => { _router.CloseAll(); return true; }).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException) { }
        _endpoint.Dispose();
    }
}

public sealed record RoomSnapshot(string Id, TransportSnapshot[] Transports, string? ActiveSpeaker);
public sealed record TransportSnapshot(string Id, string Participant, string State, string[] Producers, int Consumers,
    long EstimatedBitrate = 0, int[]? ConsumerLayers = null);
