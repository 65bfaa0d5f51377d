namespace CoStream.Signaling.Commerce;

/// <summary>A coupon dropped into a room: an inventory claimable in [<see cref="ClaimOpensAt"/>, <see cref="ClaimClosesAt"/>).</summary>
public sealed record CouponDrop(
    long Sequence,
    string Room,
    string CouponId,
    int Inventory,
    int Remaining,
    DateTimeOffset ClaimOpensAt,
    DateTimeOffset ClaimClosesAt,
    string? Segment,
    long MediaClockMs);

/// <summary>The answer to a drop: the coupon as stored, and whether this call created it.</summary>
public sealed record CouponDropResult(CouponDrop Drop, bool Created);
