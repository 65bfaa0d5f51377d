using CoStream.Signaling.Rooms.Chat;

namespace CoStream.Signaling.Rooms;

// Chat and likes (Rooms/Chat/RoomChat holds the rules; docs/protocols.md "Room hub: chat and likes").
public sealed partial class RoomHub
{
    /// <summary>
    /// Posts a comment to the caller's room (anyone but a service). Returns whether it was broadcast (room-wide flood
    /// control may sample it out; it is still accepted) and its sequence number; the room sees <c>chat.comment</c>.
    /// </summary>
    public CommentResult Comment(string? text, string? clientId)
    {
        var result = Chat.Comment(RequireToken(), text, clientId, out var refusal);
        return refusal is null ? result : throw Refuse(refusal.Reason, refusal.Message);
    }

    /// <summary>Likes the room <paramref name="count"/> (1-50) times; the room sees them summed in the next <c>likes</c> event.</summary>
    public void Like(int count)
    {
        Chat.Like(RequireToken(), count, out var refusal);
        if (refusal is not null) throw Refuse(refusal.Reason, refusal.Message);
    }

    /// <summary>The anchor stops <paramref name="participant"/> commenting for <paramref name="seconds"/>; the room sees <c>chat.muted</c>.</summary>
    public void MuteUser(string? participant, int seconds)
    {
        Chat.Mute(RequireToken(), participant, seconds, out var refusal);
        if (refusal is not null) throw Refuse(refusal.Reason, refusal.Message);
    }

    /// <summary>The anchor lifts a mute; returns false when there was none. The room sees <c>chat.unmuted</c>.</summary>
    public bool UnmuteUser(string? participant)
    {
        var lifted = Chat.Unmute(RequireToken(), participant, out var refusal);
        return refusal is null ? lifted : throw Refuse(refusal.Reason, refusal.Message);
    }

    private RoomChat Chat => services.GetRequiredService<RoomChat>();
}
