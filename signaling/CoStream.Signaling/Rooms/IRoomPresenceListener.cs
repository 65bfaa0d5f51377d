using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Rooms;

/// <summary>Told when a room-hub connection has joined its room and when it has gone (stage and PK reconnect grace).</summary>
public interface IRoomPresenceListener
{
    /// <summary>A connection called <see cref="RoomHub.Join"/>; called with the room's <see cref="RoomEventLog.Gate"/> held.</summary>
    void OnJoined(RoomToken caller, string connectionId);

    /// <summary>A connection closed (joined or not); called without any gate held.</summary>
    void OnLeft(RoomToken caller, string connectionId);
}
