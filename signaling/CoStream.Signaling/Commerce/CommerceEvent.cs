using System.Text.Json.Serialization;

namespace CoStream.Signaling.Commerce;

/// <summary>Kinds of events in a room's durable log (stored as these strings).</summary>
public static class CommerceEventKind
{
    public const string Gift = "gift";
    public const string CouponDropped = "coupon.dropped";
    public const string CouponGranted = "coupon.granted";
}

/// <summary>
/// One event of a room's log, stamped with the room's media clock. <see cref="PayloadJson"/> is one of the
/// payload records below, by <see cref="Kind"/>, serialized with <see cref="CommerceJsonContext"/>.
/// </summary>
public sealed record CommerceEvent(long Sequence, string Room, string Kind, long MediaClockMs, DateTimeOffset At, string PayloadJson);

public sealed record GiftPayload(string Sender, string GiftId, int Count);

public sealed record CouponDroppedPayload(string CouponId, int Inventory, long ClaimOpensAtMs, long ClaimClosesAtMs, string? Segment);

public sealed record CouponGrantedPayload(string CouponId, string Member, int Remaining);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GiftPayload))]
[JsonSerializable(typeof(CouponDroppedPayload))]
[JsonSerializable(typeof(CouponGrantedPayload))]
public sealed partial class CommerceJsonContext : JsonSerializerContext;
