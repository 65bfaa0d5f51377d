using System.Text.Json;
using System.Text.Json.Serialization;

namespace CoStream.Signaling.Rooms;

/// <summary>
/// One thing that happened in a room, as every member sees it: <see cref="Seq"/> orders a room's events
/// (gap-free within a process, starting at 1), <see cref="MediaClockMs"/> is the room media clock when the
/// server accepted it (docs/protocols.md), <see cref="Data"/> the kind's payload.
/// </summary>
public sealed record RoomEvent(
    long Seq,
    string Room,
    string Kind,
    long MediaClockMs,
    DateTimeOffset At,
    string? Actor,
    JsonElement Data);

/// <summary>The event kinds on the wire (the <c>kind</c> field of an <c>event</c> message).</summary>
public static class RoomEventKinds
{
    public const string MemberJoined = "member.joined";
    public const string MemberLeft = "member.left";
}

/// <summary>What <c>Join</c> returns: where the room's clock and log stand, the replayed events, and the room's state.</summary>
public sealed record JoinResult(
    string Room,
    string Participant,
    string Role,
    DateTimeOffset ClockEpochUtc,
    long MediaClockMs,
    long LastSeq,
    bool ReplayComplete,
    IReadOnlyList<RoomEvent> Replay,
    IReadOnlyDictionary<string, object?> State);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RoomEvent))]
[JsonSerializable(typeof(JoinResult))]
internal sealed partial class RoomJsonContext : JsonSerializerContext;
