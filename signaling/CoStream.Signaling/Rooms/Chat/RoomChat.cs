using CoStream.Signaling.Auth;
using CoStream.Signaling.Media;

namespace CoStream.Signaling.Rooms.Chat;

/// <summary>
/// Comments, likes and mutes for every room: the rules behind <c>RoomHub.Comment/Like/MuteUser/UnmuteUser</c>.
/// Per-user token buckets (<see cref="KeyedRateLimiter"/>), a room-wide broadcast budget
/// (<see cref="RoomFloodControl"/>), a <see cref="MuteList"/> on the room media clock, and a
/// <see cref="LikeAggregator"/> flushed every <see cref="ChatOptions.LikeFlushMs"/> by <see cref="RoomChatTimer"/>.
/// Counters: <c>chat.comments</c>, <c>chat.broadcast</c>, <c>chat.sampledOut</c>, <c>chat.likes</c>, <c>chat.likeEvents</c>.
/// </summary>
public sealed class RoomChat : IRoomStateContributor
{
    private readonly RoomEvents _events;
    private readonly SignalingCounters _counters;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly KeyedRateLimiter _comments;
    private readonly KeyedRateLimiter _likeCalls;
    private readonly RoomFloodControl _flood;
    private readonly MuteList _mutes = new();
    private readonly LikeAggregator _likes = new();

    public RoomChat(ChatOptions options, RoomEvents events, SignalingCounters counters, TimeProvider? time = null)
    {
        Options = options;
        _events = events;
        _counters = counters;
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
        _comments = new KeyedRateLimiter(options.PerUserComments);
        _likeCalls = new KeyedRateLimiter(options.PerUserLikeCalls);
        _flood = new RoomFloodControl(options.RoomBroadcast);
    }

    public ChatOptions Options { get; }

    /// <summary>Milliseconds on the limiters' clock (monotonic, process-wide).</summary>
    private long NowMs => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    public CommentResult Comment(RoomToken caller, string? text, string? clientId, out ChatRefusal? refusal)
    {
        refusal = null;
        if (caller.Role == ParticipantRole.Service) return Refused(out refusal, "role", "a service does not comment");
        var textError = CommentText.TryNormalize(text, Options.MaxCommentChars, out var normalized);
        if (textError != CommentTextError.None)
        {
            _counters.Count("chat.text." + textError);
            return Refused(out refusal, "argument", textError switch
            {
                CommentTextError.Missing or CommentTextError.Empty => "a comment needs some text",
                CommentTextError.TooLong => $"a comment is at most {Options.MaxCommentChars} characters",
                CommentTextError.ControlCharacter => "a comment may not hold control characters (newlines included)",
                CommentTextError.BidiControl => "a comment may not hold bidirectional override characters",
                _ => "a comment's text is not valid Unicode",
            });
        }
        if (CommentText.CheckClientId(clientId) != CommentTextError.None)
            return Refused(out refusal, "argument", $"clientId is 1-{CommentText.MaxClientIdLength} printable ASCII characters, or null");

        var log = _events.Get(caller.Room);
        if (_mutes.IsMuted(caller.Room, caller.Participant, log.Clock.NowMs, out var until))
            return Refused(out refusal, "muted", $"you are muted for {Math.Max(1, (until - log.Clock.NowMs + 999) / 1000)} s more");
        var now = NowMs;
        var key = UserKey(caller);
        if (!_comments.TryAcquire(key, now))
            return Refused(out refusal, "rateLimited", $"too many comments: at most {Options.PerUserComments.PerSecond}/s; retry in {_comments.MsUntil(key, now)} ms");

        _counters.Count("chat.comments");
        if (!_flood.Admit(caller.Room, now, priority: caller.Role == ParticipantRole.Anchor))
        {
            _counters.Count("chat.sampledOut");
            return new CommentResult(false, null, log.Clock.NowMs, normalized);
        }
        RoomEvent evt;
        lock (log.Gate)
            evt = log.Append(ChatEventKinds.Comment, caller.Participant,
                new ChatComment(caller.Participant, RoleNames.Of(caller.Role), normalized, clientId));
        _counters.Count("chat.broadcast");
        return new CommentResult(true, evt.Seq, evt.MediaClockMs, normalized);
    }

    public void Like(RoomToken caller, int count, out ChatRefusal? refusal)
    {
        refusal = null;
        if (count < 1 || count > Options.MaxLikesPerCall)
        {
            refusal = new ChatRefusal("argument", $"count is 1-{Options.MaxLikesPerCall}");
            return;
        }
        var now = NowMs;
        if (!_likeCalls.TryAcquire(UserKey(caller), now))
        {
            refusal = new ChatRefusal("rateLimited", $"too many likes: at most {Options.PerUserLikeCalls.PerSecond} calls/s");
            return;
        }
        _events.Get(caller.Room);
        _likes.Add(caller.Room, count);
        _counters.Count("chat.likes", count);
    }

    public void Mute(RoomToken caller, string? participant, int seconds, out ChatRefusal? refusal)
    {
        if (!CheckModerator(caller, participant, out refusal)) return;
        if (seconds < 1 || seconds > Options.MaxMuteSeconds)
        {
            refusal = new ChatRefusal("argument", $"seconds is 1-{Options.MaxMuteSeconds}");
            return;
        }
        var log = _events.Get(caller.Room);
        lock (log.Gate)
        {
            // One reading of the clock: the event's stamp plus the mute's length is exactly its end.
            var now = log.Clock.NowMs;
            var until = now + seconds * 1000L;
            _mutes.Mute(caller.Room, participant!, until);
            log.Append(ChatEventKinds.Muted, caller.Participant, new ChatMute(participant!, seconds, until), now);
        }
    }

    /// <summary>Lifts a mute; returns false (and sends no event) when the participant was not muted.</summary>
    public bool Unmute(RoomToken caller, string? participant, out ChatRefusal? refusal)
    {
        if (!CheckModerator(caller, participant, out refusal)) return false;
        var log = _events.Get(caller.Room);
        lock (log.Gate)
        {
            if (!_mutes.Unmute(caller.Room, participant!, log.Clock.NowMs)) return false;
            log.Append(ChatEventKinds.Unmuted, caller.Participant, new ChatUnmute(participant!));
            return true;
        }
    }

    /// <summary>The room's flushed like total.</summary>
    public long LikesTotal(string room) => _likes.Total(room);

    /// <summary>Comments of the room left out of the broadcast by flood control.</summary>
    public long SampledOut(string room) => _flood.Dropped(room);

    /// <summary>Publishes one <c>likes</c> event per room with new likes; called by <see cref="RoomChatTimer"/>.</summary>
    public int FlushLikes() => _likes.Flush((room, total, delta) =>
    {
        var log = _events.Get(room);
        lock (log.Gate) log.Append(ChatEventKinds.Likes, null, new LikesUpdate(total, delta));
        _counters.Count("chat.likeEvents");
    });

    /// <summary>Forgets idle limiter buckets and expired mutes (bounded memory).</summary>
    public void Sweep()
    {
        var now = NowMs;
        _comments.Sweep(now, Options.ForgetIdleMs);
        _likeCalls.Sweep(now, Options.ForgetIdleMs);
        _flood.Sweep(now, Options.ForgetIdleMs);
        foreach (var room in RoomsWithMutes()) _mutes.Sweep(_events.Get(room).Clock.NowMs);
    }

    public void Contribute(string room, RoomToken caller, IDictionary<string, object?> state)
    {
        var now = _events.Get(room).Clock.NowMs;
        long? mutedUntil = _mutes.IsMuted(room, caller.Participant, now, out var until) ? until : null;
        state["chat"] = new ChatState(_likes.Total(room), mutedUntil,
            caller.Role == ParticipantRole.Anchor ? _mutes.InRoom(room, now) : null);
    }

    private IEnumerable<string> RoomsWithMutes() => _mutes.Count == 0 ? [] : _mutes.Rooms();

    private static bool CheckModerator(RoomToken caller, string? participant, out ChatRefusal? refusal)
    {
        refusal = null;
        if (caller.Role != ParticipantRole.Anchor) refusal = new ChatRefusal("role", "only the room's anchor mutes and unmutes");
        else if (participant is null || !RoomTokenService.IsValidId(participant)) refusal = new ChatRefusal("argument", "participant is 1-128 characters of [A-Za-z0-9_.-]");
        else if (participant == caller.Participant) refusal = new ChatRefusal("argument", "the anchor cannot mute itself");
        return refusal is null;
    }

    private static CommentResult Refused(out ChatRefusal refusal, string reason, string message)
    {
        refusal = new ChatRefusal(reason, message);
        return null!;
    }

    private static string UserKey(RoomToken caller) => caller.Room + "\n" + caller.Participant;
}
