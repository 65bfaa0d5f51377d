namespace CoStream.Signaling.Rooms.Stage;

/// <summary>
/// One room's stage: the guests on it and the pending requests and invites. Changed only with the room's
/// <see cref="RoomEventLog.Gate"/> held (by <see cref="StageService"/>), together with the event that reports the change.
/// </summary>
internal sealed class RoomStage
{
    public Dictionary<string, StageGuest> Guests { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PendingSeat> Requests { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PendingSeat> Invites { get; } = new(StringComparer.Ordinal);
}

/// <summary>A guest on stage; <see cref="AwayTimer"/> runs while all its room-hub connections are gone (reconnect grace).</summary>
internal sealed class StageGuest(string participant, bool audioOnly)
{
    public string Participant { get; } = participant;
    public bool AudioOnly { get; } = audioOnly;
    public ITimer? AwayTimer { get; set; }
    public bool Away => AwayTimer is not null;
}

/// <summary>A pending request to join or invite, until answered, withdrawn or expired.</summary>
internal sealed class PendingSeat(string participant, bool audioOnly, long expiresAtMs)
{
    public string Participant { get; } = participant;
    public bool AudioOnly { get; } = audioOnly;
    /// <summary>On the room media clock.</summary>
    public long ExpiresAtMs { get; } = expiresAtMs;
    public ITimer? Timer { get; set; }
}

/// <summary>The stage as <c>Join</c>'s state reports it (<c>state.stage</c>).</summary>
public sealed record StageSnapshot(
    bool AnchorPresent,
    IReadOnlyList<string> Anchors,
    int MaxGuests,
    IReadOnlyList<StageGuestSnapshot> Guests,
    IReadOnlyList<PendingSnapshot> Requests,
    IReadOnlyList<PendingSnapshot> Invites,
    JoinStats Joins);

public sealed record StageGuestSnapshot(string Participant, bool AudioOnly, bool Away);

/// <summary>A pending request or invite; <see cref="ExpiresAtMs"/> is on the room media clock.</summary>
public sealed record PendingSnapshot(string Participant, bool AudioOnly, long ExpiresAtMs);

/// <summary>One-shot join success of a room: accepted joins, and those that went live in time on the first try.</summary>
public sealed record JoinStats(long Attempts, long SucceededFirstTry, long Failed);
