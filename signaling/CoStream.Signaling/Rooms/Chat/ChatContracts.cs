using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Rooms.Chat;

/// <summary>The chat and like event kinds (the <c>kind</c> of a <see cref="RoomEvent"/>).</summary>
public static class ChatEventKinds
{
    /// <summary>Data: <see cref="ChatComment"/>.</summary>
    public const string Comment = "chat.comment";
    /// <summary>Data: <see cref="LikesUpdate"/>; at most one per room per flush interval.</summary>
    public const string Likes = "likes";
    /// <summary>Data: <see cref="ChatMute"/>.</summary>
    public const string Muted = "chat.muted";
    /// <summary>Data: <see cref="ChatUnmute"/>.</summary>
    public const string Unmuted = "chat.unmuted";
}

/// <summary>A comment as the room sees it.</summary>
public sealed record ChatComment(string Sender, string Role, string Text, string? ClientId);

/// <summary>The room's like total and the likes since the previous update.</summary>
public sealed record LikesUpdate(long Total, long Delta);

/// <summary>The anchor muted <see cref="Participant"/> until <see cref="UntilMs"/> on the room media clock.</summary>
public sealed record ChatMute(string Participant, int Seconds, long UntilMs);

public sealed record ChatUnmute(string Participant);

/// <summary>
/// What <c>Comment</c> returns: always accepted when it returns; <see cref="Broadcast"/> false when room-wide flood
/// control sampled it out (the sender shows it locally; nobody else sees it), then <see cref="Seq"/> is null.
/// </summary>
public sealed record CommentResult(bool Broadcast, long? Seq, long MediaClockMs, string Text);

/// <summary>The chat part of <c>Join</c>'s state (key <c>chat</c>).</summary>
public sealed record ChatState(long LikesTotal, long? MutedUntilMs, IReadOnlyDictionary<string, long>? Muted);

/// <summary>A refused chat call: the counter reason (<c>hub.&lt;reason&gt;</c>) and the caller's message.</summary>
public sealed record ChatRefusal(string Reason, string Message);

internal static class RoleNames
{
    public static string Of(ParticipantRole role) => role switch
    {
        ParticipantRole.Anchor => "anchor",
        ParticipantRole.Guest => "guest",
        ParticipantRole.Service => "service",
        _ => "audience",
    };
}
