namespace CoStream.Signaling.Commerce;

/// <summary>The room event kinds of the money side (the <c>kind</c> of an <c>event</c> message).</summary>
public static class CommerceEventKinds
{
    public const string GiftSent = "gift.sent";
    public const string ProductListed = "product.listed";
    public const string ProductRemoved = "product.removed";
    public const string ProductPinned = "product.pinned";
    public const string ProductUnpinned = "product.unpinned";
    public const string CouponDropped = "coupon.dropped";
    public const string CouponStock = "coupon.stock";
    public const string CouponSoldOut = "coupon.soldOut";
}

/// <summary>A product as the anchor lists it (the argument of <c>ListProduct</c>); checked by <see cref="HubInput.CheckProduct"/>.</summary>
public sealed class ProductInput
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public long PriceCents { get; set; } = -1;
    public string? Currency { get; set; }
    public string? ImageUrl { get; set; }
    public int? Stock { get; set; }
}

/// <summary>A product on a room's shelf, as events and the Join state carry it.</summary>
public sealed record Product(string Id, string Title, long PriceCents, string Currency, string? ImageUrl, int? Stock);

/// <summary>What <c>SendGift</c> returns: the gift's ledger sequence; a retried key returns the original with <c>IsRetry</c> and <c>ComboCount</c> 0.</summary>
public sealed record GiftAck(long LedgerSeq, bool IsRetry, int ComboCount);

/// <summary><c>gift.sent</c> payload.</summary>
public sealed record GiftSentEvent(string Sender, string GiftId, int Count, long ComboId, int ComboCount, long ComboUnits, long LedgerSeq);

/// <summary>A coupon as events and the Join state carry it: wall-clock window (Unix ms) and the same on the room media clock.</summary>
public sealed record CouponView(
    string CouponId,
    int Inventory,
    int Remaining,
    long OpensAtUnixMs,
    long ClosesAtUnixMs,
    long OpensAtMediaMs,
    long ClosesAtMediaMs,
    string? Segment,
    long LedgerSeq);

/// <summary>What <c>DropCoupon</c> returns: the coupon, and whether this call created it (a repeated id returns the existing one).</summary>
public sealed record DropAck(CouponView Coupon, bool Created);

/// <summary>
/// What <c>ClaimCoupon</c> returns: <c>Outcome</c> is a <see cref="ClaimOutcome"/> name, <c>Remaining</c> the stock as
/// the claim saw it, <c>GrantSeq</c> the grant's ledger sequence when granted.
/// </summary>
public sealed record ClaimAck(string Outcome, int Remaining, bool IsRetry, long? GrantSeq);

/// <summary><c>coupon.stock</c> payload.</summary>
public sealed record CouponStockEvent(string CouponId, int Remaining);

/// <summary><c>product.removed</c> / <c>product.unpinned</c> / <c>coupon.soldOut</c> payloads name one id.</summary>
public sealed record ProductIdEvent(string ProductId);

public sealed record CouponIdEvent(string CouponId);

/// <summary><c>product.listed</c> payload; <c>Replaced</c> when a product with that id was already listed.</summary>
public sealed record ProductListedEvent(Product Product, bool Replaced);

/// <summary><c>product.pinned</c> payload; <c>Replaced</c> names the product it unpinned, if any.</summary>
public sealed record ProductPinnedEvent(Product Product, string? Replaced);
