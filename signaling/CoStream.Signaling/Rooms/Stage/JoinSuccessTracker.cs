using CoStream.Signaling.Media;

namespace CoStream.Signaling.Rooms.Stage;

/// <summary>
/// Measures co-stream one-shot join success: every accepted join (request or invite) is an attempt; it succeeds when the
/// guest's publish goes live in the SFU (first media packet, <see cref="Sfu.SfuServer.PublisherLive"/>) within
/// <see cref="StageOptions.JoinLiveWithin"/> while the guest is still on stage; it fails if the window passes first or the
/// guest leaves (removed, left, disconnected) before. Counters (on /metrics): <c>stage.joinAttempts</c>,
/// <c>stage.joinSucceededFirstTry</c>, <c>stage.joinFailed</c>; per room in <c>Join</c>'s <c>state.stage.joins</c>.
/// </summary>
public sealed class JoinSuccessTracker(SignalingCounters counters, StageOptions options, TimeProvider time)
{
    private readonly object _sync = new();
    private readonly Dictionary<(string Room, string Participant), Attempt> _pending = [];
    private readonly Dictionary<string, long[]> _byRoom = new(StringComparer.Ordinal); // attempts, succeeded, failed

    private sealed class Attempt
    {
        public ITimer? Timer { get; set; }
    }

    public void OnJoinedStage(string room, string participant)
    {
        lock (_sync)
        {
            if (_pending.Remove((room, participant), out var old)) Resolve(room, old, success: false);
            var attempt = new Attempt();
            _pending[(room, participant)] = attempt;
            attempt.Timer = time.CreateTimer(_ => Expire(room, participant, attempt), null, options.JoinLiveWithin, Timeout.InfiniteTimeSpan);
            Stats(room)[0]++;
            counters.Count("stage.joinAttempts");
        }
    }

    /// <summary>The participant's publish went live in the SFU.</summary>
    public void OnLive(string room, string participant)
    {
        lock (_sync)
            if (_pending.Remove((room, participant), out var attempt)) Resolve(room, attempt, success: true);
    }

    /// <summary>The participant left the stage (any reason): a pending attempt failed.</summary>
    public void OnLeftStage(string room, string participant)
    {
        lock (_sync)
            if (_pending.Remove((room, participant), out var attempt)) Resolve(room, attempt, success: false);
    }

    public JoinStats StatsOf(string room)
    {
        lock (_sync)
            return _byRoom.TryGetValue(room, out var s) ? new JoinStats(s[0], s[1], s[2]) : new JoinStats(0, 0, 0);
    }

    private void Expire(string room, string participant, Attempt attempt)
    {
        lock (_sync)
        {
            if (!_pending.TryGetValue((room, participant), out var current) || current != attempt) return;
            _pending.Remove((room, participant));
            Resolve(room, attempt, success: false);
        }
    }

    private void Resolve(string room, Attempt attempt, bool success)
    {
        attempt.Timer?.Dispose();
        Stats(room)[success ? 1 : 2]++;
        counters.Count(success ? "stage.joinSucceededFirstTry" : "stage.joinFailed");
    }

    private long[] Stats(string room) => _byRoom.TryGetValue(room, out var s) ? s : _byRoom[room] = new long[3];
}
