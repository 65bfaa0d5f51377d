namespace CoStream.Signaling.Commerce;

/// <summary>
/// The room hub's commerce limits, from the configuration section <c>Commerce</c> (see docs/protocols.md,
/// "Room hub: gifts, shelf, coupons"). The store itself is <see cref="Store.CommerceStoreOptions"/> (<c>Commerce:Store</c>).
/// </summary>
public sealed class CommerceOptions
{
    public const string Section = "Commerce";

    /// <summary>A sender's sends of one gift at most this far apart (room media clock) are one combo.</summary>
    public int ComboWindowMs { get; set; } = 3000;

    /// <summary>Largest count in one <c>SendGift</c>.</summary>
    public int MaxGiftCount { get; set; } = 9999;

    /// <summary>Products on one room's shelf.</summary>
    public int MaxProducts { get; set; } = 200;

    /// <summary>Unexpired coupons one room may hold at a time.</summary>
    public int MaxOpenCoupons { get; set; } = 50;

    /// <summary>Largest inventory of one coupon drop.</summary>
    public int MaxCouponInventory { get; set; } = 1_000_000;

    /// <summary>How far ahead a coupon's claim window may open or close, in seconds.</summary>
    public int MaxCouponWindowSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>At most one <c>coupon.stock</c> event per coupon per this many milliseconds.</summary>
    public int StockIntervalMs { get; set; } = 250;
}
