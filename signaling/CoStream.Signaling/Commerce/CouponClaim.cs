namespace CoStream.Signaling.Commerce;

public enum ClaimOutcome
{
    Granted,
    /// <summary>The member already holds this coupon (claimed with another idempotency key).</summary>
    AlreadyClaimed,
    SoldOut,
    NotOpen,
    Expired,
    NotInSegment,
    NoSuchCoupon,
}

/// <summary>One coupon granted to one member; at most one exists per (room, coupon, member).</summary>
public sealed record CouponGrant(
    long Sequence,
    string Room,
    string CouponId,
    string Member,
    string IdempotencyKey,
    DateTimeOffset GrantedAt,
    long MediaClockMs);

/// <summary>
/// The answer to a claim. <see cref="Grant"/> is set when <see cref="Outcome"/> is Granted (also on a retry,
/// which returns the original grant with <see cref="IsRetry"/>). <see cref="Remaining"/> is the inventory
/// left as this call saw it.
/// </summary>
public sealed record ClaimResult(ClaimOutcome Outcome, CouponGrant? Grant, int Remaining, bool IsRetry)
{
    public static ClaimResult Refused(ClaimOutcome outcome, int remaining) => new(outcome, null, remaining, false);
}
