using System.Collections.Concurrent;
using System.Text.Json;
using CoStream.Mixer.Compose;
using CoStream.Mixer.Output;
using CoStream.Mixer.Pipeline;
using CoStream.Mixer.Rtmp;
using CoStream.Sfu;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Rooms;
using CoStream.Signaling.Rooms.Stage;
using MixRole = CoStream.Mixer.Compose.ParticipantRole;
using ParticipantRole = CoStream.Signaling.Auth.ParticipantRole;

namespace CoStream.Signaling.Mixing;

/// <summary>
/// One <see cref="RoomMixer"/> per live room, run inside the host: started when the room's first publisher goes live in
/// the SFU, fed the room's layout (anchor, guests on stage, the PK opponent) and its commerce events, writing to an
/// HTTP-FLV <see cref="FlvBroadcast"/> (<c>/live/{room}.flv</c>) and, when <c>Mixer:RtmpUrl</c> is set, an
/// <see cref="RtmpPublisher"/> to the CDN; stopped when the room has had no publisher for <see cref="MixerSettings.IdleStop"/>.
/// </summary>
public sealed class RoomMixers : IAsyncDisposable
{
    /// <summary>The room events that travel in-band (gift, product pin, coupon); stage and PK events drive the layout.</summary>
    public static readonly IReadOnlySet<string> InBandKinds = new HashSet<string>(StringComparer.Ordinal)
    {
        "gift.sent", "product.pinned", "product.unpinned", "product.listed", "coupon.dropped", "coupon.soldOut",
    };

    private readonly SfuServer _sfu;
    private readonly RoomEvents _events;
    private readonly StageService _stage;
    private readonly PkService _pk;
    private readonly RoomPresence _presence;
    private readonly ILogger<RoomMixers> _log;
    private readonly ConcurrentDictionary<string, Entry> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Room, string Participant), ParticipantRole> _publisherRoles = new();
    private readonly Timer _idleTimer;
    private readonly object _startLock = new();
    /// <summary>Decoded pictures shared between the rooms' mixers: in a PK each anchor's stream is decoded once, not once per room.</summary>
    private readonly DecodedPictureExchange _pictures = new();

    public RoomMixers(MixerSettings settings, SfuServer sfu, RoomEvents events, StageService stage, PkService pk, RoomPresence presence,
        PublishGate gate, ILogger<RoomMixers> log)
    {
        Settings = settings;
        _sfu = sfu;
        _events = events;
        _stage = stage;
        _pk = pk;
        _presence = presence;
        _log = log;
        gate.Published += (token, _) => _publisherRoles[(token.Room, token.Participant)] = token.Role;
        // Raised on the SFU's loop thread: hand off.
        sfu.PublisherLive += (room, participant, _) => ThreadPool.QueueUserWorkItem(_ => OnPublisherLive(room, participant));
        _idleTimer = new Timer(_ => _ = StopIdleAsync(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }

    public MixerSettings Settings { get; }

    public RoomMixer? MixerOf(string room) => _rooms.TryGetValue(room, out var e) ? e.Mixer : null;

    /// <summary>The room's HTTP-FLV broadcast, if it is being mixed (the <c>/live/{room}.flv</c> lookup).</summary>
    public FlvBroadcast? BroadcastOf(string room) => _rooms.TryGetValue(room, out var e) ? e.Broadcast : null;

    public RtmpPublisher? RtmpOf(string room) => _rooms.TryGetValue(room, out var e) ? e.Rtmp : null;

    public IReadOnlyCollection<string> Rooms => _rooms.Keys.ToArray();

    /// <summary>
    /// Holds the room's composite output from <paramref name="stampMs"/> on while an event with that stamp is committed
    /// (gifts, coupon drops): see <see cref="RoomMixer.Hold"/>. Null when the room is not being mixed.
    /// </summary>
    public RoomMixer.OutputHold? Hold(string room, long stampMs) => MixerOf(room)?.Hold(stampMs);

    private void OnPublisherLive(string room, string participant)
    {
        if (!Settings.Enabled) return;
        try
        {
            // Two publishers going live together must not start two mixers (GetOrAdd may run its factory twice).
            Entry entry;
            lock (_startLock)
                if (!_rooms.TryGetValue(room, out entry!)) _rooms[room] = entry = Start(room);
            entry.LastPublisherSeen = DateTime.UtcNow;
            UpdateLayout(room);
        }
        catch (Exception e)
        {
            _log.LogError(e, "room {Room}: the mixer could not start", room);
        }
    }

    private Entry Start(string room)
    {
        var broadcast = new FlvBroadcast();
        RtmpPublisher? rtmp = null;
        var sinks = new List<CoStream.Mixer.Flv.IFlvSink> { broadcast };
        if (Settings.RtmpUrl is { } template)
        {
            rtmp = new RtmpPublisher(new RtmpPublisherOptions { Url = template.Replace("{room}", room, StringComparison.Ordinal) });
            rtmp.Start();
            sinks.Add(rtmp);
        }
        var mixer = RoomMixer.TryStart(_sfu, room, Settings.Output, sinks, out var reason, _pictures)
            ?? throw new InvalidOperationException("mixer: " + reason);
        var entry = new Entry(mixer, broadcast, rtmp);
        entry.Listener = _events.Listen(room, new EventFeed(this, room));
        _log.LogInformation("room {Room}: mixing {Codec} {Width}x{Height}@{Fps} to /live/{Room}.flv{Rtmp}", room, Settings.Output.Encoder,
            Settings.Output.Width, Settings.Output.Height, Settings.Output.Fps, room, rtmp is null ? "" : " and " + rtmp.Url);
        return entry;
    }

    /// <summary>The room's layout from the stage, the PK and who publishes as its anchor.</summary>
    public LayoutDescription? LayoutOf(string room)
    {
        var state = new Dictionary<string, object?>(StringComparer.Ordinal);
        var probe = new RoomToken(room, "mixer", ParticipantRole.Service, DateTimeOffset.MaxValue);
        var log = _events.Get(room);
        lock (log.Gate)
        {
            _stage.Contribute(room, probe, state);
            _pk.Contribute(room, probe, state);
        }
        var anchor = AnchorOf(room);
        if (anchor is null) return null;
        var participants = new List<LayoutParticipant> { new(RoomMixer.SourceId(room, anchor), MixRole.Anchor, room) };
        if (state.GetValueOrDefault("stage") is StageSnapshot stage)
            foreach (var guest in stage.Guests.Take(LayoutDescription.MaxTiles - 2))
                participants.Add(new LayoutParticipant(RoomMixer.SourceId(room, guest.Participant), MixRole.Guest, room, HasVideo: !guest.AudioOnly));
        var pk = _pk.Find(room);
        if (pk is { Status: "active" } && (pk.FromRoom == room ? pk.ToRoom : pk.FromRoom) is var other
            && (pk.FromRoom == room ? pk.ToAnchor : pk.FromAnchor) is { } otherAnchor)
        {
            participants.Add(new LayoutParticipant(RoomMixer.SourceId(other, otherAnchor), MixRole.PkAnchor, other));
            return new LayoutDescription(LayoutKind.Pk, participants);
        }
        if (participants.Count == 1) return new LayoutDescription(LayoutKind.Solo, participants);
        return new LayoutDescription(Settings.GuestLayout == "tiles" ? LayoutKind.Tiles : LayoutKind.PictureInPicture, participants);
    }

    private string? AnchorOf(string room)
    {
        foreach (var ((r, p), role) in _publisherRoles)
            if (r == room && role == ParticipantRole.Anchor) return p;
        return _presence.Anchors(room).FirstOrDefault();
    }

    private void UpdateLayout(string room)
    {
        if (!_rooms.TryGetValue(room, out var entry) || LayoutOf(room) is not { } layout) return;
        var pk = _pk.Find(room);
        var other = pk is { Status: "active" } ? (pk.FromRoom == room ? pk.ToRoom : pk.FromRoom) : null;
        if (entry.LinkedRoom != other)
        {
            if (entry.LinkedRoom is { } old) entry.Mixer.UnlinkRoom(old);
            if (other is not null) entry.Mixer.LinkRoom(other);
            entry.LinkedRoom = other;
        }
        entry.Mixer.SetLayout(layout);
    }

    private async Task StopIdleAsync()
    {
        foreach (var (room, entry) in _rooms)
        {
            try
            {
                var snapshot = await _sfu.GetRoomAsync(room);
                if (snapshot is not null && snapshot.Transports.Any(t => t.Producers.Length > 0)) { entry.LastPublisherSeen = DateTime.UtcNow; continue; }
                if (DateTime.UtcNow - entry.LastPublisherSeen < Settings.IdleStop) continue;
                Entry? removed;
                lock (_startLock) _rooms.TryRemove(room, out removed);
                if (removed is not null) await removed.DisposeAsync();
                foreach (var key in _publisherRoles.Keys.Where(k => k.Room == room)) _publisherRoles.TryRemove(key, out _);
                _log.LogInformation("room {Room}: no publisher for {Idle}, mixer stopped", room, Settings.IdleStop);
            }
            catch (Exception e)
            {
                _log.LogWarning(e, "room {Room}: idle check failed", room);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _idleTimer.DisposeAsync();
        foreach (var room in _rooms.Keys.ToArray())
            if (_rooms.TryRemove(room, out var entry)) await entry.DisposeAsync();
        _pictures.Dispose();
    }

    /// <summary>The room's events, in order, on the room's pump: stage/PK changes re-lay the composite; money events go in-band.</summary>
    private sealed class EventFeed(RoomMixers owner, string room) : IRoomEventListener
    {
        public ValueTask OnRoomEventAsync(RoomEvent evt)
        {
            if (owner._rooms.TryGetValue(room, out var mixed))
            {
                // In-band first, then the sequence mark that releases a hold waiting for this very event.
                if (InBandKinds.Contains(evt.Kind))
                    mixed.Mixer.PostEvent(new MixerEvent(evt.Seq, evt.Kind, evt.MediaClockMs, JsonSerializer.Serialize(evt, RoomJsonContext.Default.RoomEvent)));
                mixed.Mixer.NoteSeq(evt.Seq);
            }
            if (evt.Kind.StartsWith("stage.", StringComparison.Ordinal) || evt.Kind.StartsWith("pk.", StringComparison.Ordinal))
                owner.UpdateLayout(room);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Entry(RoomMixer mixer, FlvBroadcast broadcast, RtmpPublisher? rtmp) : IAsyncDisposable
    {
        public RoomMixer Mixer { get; } = mixer;
        public FlvBroadcast Broadcast { get; } = broadcast;
        public RtmpPublisher? Rtmp { get; } = rtmp;
        public IDisposable? Listener { get; set; }
        public string? LinkedRoom { get; set; }
        public DateTime LastPublisherSeen { get; set; } = DateTime.UtcNow;

        public async ValueTask DisposeAsync()
        {
            Listener?.Dispose();
            await Mixer.DisposeAsync();
            Broadcast.Close();
            if (Rtmp is not null) await Rtmp.DisposeAsync();
        }
    }
}

/// <summary>One room's mixer as <c>/metrics</c> shows it.</summary>
public static class MixerMetrics
{
    public static object? Of(string room, RoomMixers mixers)
    {
        if (mixers.MixerOf(room) is not { } m) return null;
        var latency = m.LatencySnapshot();
        Array.Sort(latency);
        double Pct(double p) => latency.Length == 0 ? 0 : latency[Math.Min(latency.Length - 1, (int)(latency.Length * p))] / 1000.0;
        var broadcast = mixers.BroadcastOf(room);
        var rtmp = mixers.RtmpOf(room);
        return new
        {
            room,
            layout = m.Layout.Kind.ToString(),
            participants = m.Layout.Participants.Select(p => p.Id).ToArray(),
            videoFrames = m.VideoFramesOut,
            passthroughFrames = m.PassthroughFramesOut,
            clockPacedFrames = m.ClockPacedFrames,
            audioFrames = m.AudioFramesOut,
            eventsInBand = m.EventsWritten,
            eventsLate = m.EventsLate,
            decodeRefusals = m.DecodeRefusals,
            framesDecodedElsewhere = m.FramesDecodedElsewhere,
            sharedPicturesUsed = m.SharedPicturesUsed,
            modeSwitches = m.ModeSwitches,
            mixLatencyP50Ms = Pct(0.5),
            mixLatencyP95Ms = Pct(0.95),
            cpu = m.CpuDecision is { } d ? new { d.Fps, d.Preset, d.Height, d.Reason } : null,
            encoder = m.EncoderBackend,
            macroblocksHinted = m.MacroblocksHinted,
            macroblocksEncoded = m.MacroblocksEncoded,
            httpFlvViewers = broadcast?.ViewerCount ?? 0,
            httpFlvViewersDroppedSlow = broadcast?.ViewersDroppedSlow ?? 0,
            rtmp = rtmp is null ? null : new { url = rtmp.Url.ToString(), state = rtmp.State.ToString(), rtmp.Connects, rtmp.Reconnects, rtmp.TagsSent, rtmp.TagsDroppedWhileDown },
        };
    }
}
