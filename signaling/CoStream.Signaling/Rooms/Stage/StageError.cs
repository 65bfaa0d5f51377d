namespace CoStream.Signaling.Rooms.Stage;

/// <summary>Why a stage or PK call was refused (None = 0: done).</summary>
public enum StageError
{
    None = 0,
    /// <summary>The caller's role may not do this (e.g. only the room's anchor moderates).</summary>
    Role,
    /// <summary>A bad argument: an invalid participant or room id, a PK with one's own room.</summary>
    Argument,
    /// <summary>What the call refers to does not exist: no such request, invite, guest or PK offer.</summary>
    NotFound,
    /// <summary>The participant is already on stage, or already has a pending request or invite.</summary>
    State,
    /// <summary>The stage already holds the configured maximum of guests.</summary>
    Full,
    /// <summary>One of the rooms already has a PK (pending or running).</summary>
    Busy,
}

public static class StageErrorExtensions
{
    /// <summary>The refusal reason (counter <c>hub.&lt;reason&gt;</c>) for an error.</summary>
    public static string Reason(this StageError error) => error switch
    {
        StageError.Role => "role",
        StageError.Argument => "argument",
        StageError.NotFound => "not-found",
        StageError.State => "state",
        StageError.Full => "full",
        StageError.Busy => "busy",
        _ => "none",
    };
}
