using CoStream.Signaling.Auth;
using CoStream.Signaling.Commerce;
using Microsoft.AspNetCore.SignalR;

namespace CoStream.Signaling.Rooms;

/// <summary>
/// The money side of the room hub: gifts (anyone but a service), the product shelf and coupon drops (the
/// anchor), coupon claims (audience and guests). Money calls are committed to the <see cref="ICommerceLedger"/>
/// before they return, and their events are appended after the commit; see docs/protocols.md "Room hub".
/// </summary>
public sealed partial class RoomHub
{
    /// <summary>
    /// Sends <paramref name="count"/> of a gift. Durable when it returns. A retried <paramref name="idempotencyKey"/>
    /// returns the original receipt (<c>isRetry</c>) and makes no second <c>gift.sent</c>.
    /// </summary>
    public async Task<GiftAck> SendGift(string giftId, int count, string idempotencyKey)
    {
        var token = RequireToken();
        var eventLog = events.Get(token.Room);
        var stamp = eventLog.Clock.NowMs; // the gift happened now, whatever the commit costs
        if (token.Role == ParticipantRole.Service) throw Refuse("role", "a service does not send gifts");
        var options = services.GetRequiredService<CommerceOptions>();
        if (HubInput.CheckId(giftId, "giftId") is { } idError) throw Refuse("argument", idError);
        if (count < 1 || count > options.MaxGiftCount) throw Refuse("argument", $"count must be 1-{options.MaxGiftCount}");
        if (HubInput.CheckKey(idempotencyKey) is { } keyError) throw Refuse("argument", keyError);

        // The room's composite waits for this gift's frame while the gift commits (Mixing/RoomMixers.Hold).
        var hold = services.GetService<Mixing.RoomMixers>()?.Hold(token.Room, stamp);
        try
        {
            var receipt = await Ledger(l => l.RecordGiftAsync(token.Room, token.Participant, giftId, count, idempotencyKey, stamp, Context.ConnectionAborted));
            var gift = receipt.Record;
            if (receipt.IsRetry)
            {
                // Committed by an earlier process that may have died before telling it: tell it here, once, as a
                // combo of its own, stamped now (its stored stamp is on the room clock's earlier epoch).
                if (services.GetRequiredService<UntoldGifts>().ShouldTell(gift))
                {
                    RoomEvent told;
                    lock (eventLog.Gate)
                        told = eventLog.Append(CommerceEventKinds.GiftSent, token.Participant,
                            new GiftSentEvent(gift.Sender, gift.GiftId, gift.Count, gift.Sequence, 1, gift.Count, gift.Sequence), stamp);
                    hold?.ReleaseAfter(told.Seq);
                }
                return new GiftAck(gift.Sequence, true, 0);
            }
            var combo = services.GetRequiredService<GiftComboTracker>().Observe(receipt)!;
            RoomEvent sent;
            lock (eventLog.Gate)
                sent = eventLog.Append(CommerceEventKinds.GiftSent, token.Participant,
                    new GiftSentEvent(gift.Sender, gift.GiftId, gift.Count, combo.ComboId, combo.Sends, combo.Units, gift.Sequence), gift.MediaClockMs);
            hold?.ReleaseAfter(sent.Seq);
            return new GiftAck(gift.Sequence, false, combo.Sends);
        }
        finally
        {
            // A hold not released by an event (a retry, a failure) ends now; a released one is untouched.
            if (hold is { } h && !h.IsReleased) h.Cancel();
        }
    }

    /// <summary>Lists a product on the room's shelf (or replaces the listed product with its id). Anchor only.</summary>
    public void ListProduct(ProductInput product)
    {
        var token = RequireAnchor("list products");
        if (HubInput.CheckProduct(product, out var checkedProduct) is { } error) throw Refuse("argument", error);
        var shelf = services.GetRequiredService<ProductShelf>();
        var max = services.GetRequiredService<CommerceOptions>().MaxProducts;
        var eventLog = events.Get(token.Room);
        lock (eventLog.Gate)
        {
            if (shelf.Count(token.Room) >= max && !shelf.Contains(token.Room, checkedProduct.Id))
                throw Refuse("shelf.full", $"the shelf holds at most {max} products");
            var replaced = shelf.List(token.Room, checkedProduct);
            eventLog.Append(CommerceEventKinds.ProductListed, token.Participant, new ProductListedEvent(checkedProduct, replaced));
        }
    }

    /// <summary>Takes a product off the shelf (unpinning it first if it was pinned). Anchor only.</summary>
    public void RemoveProduct(string productId)
    {
        var token = RequireAnchor("remove products");
        if (HubInput.CheckId(productId, "productId") is { } error) throw Refuse("argument", error);
        var shelf = services.GetRequiredService<ProductShelf>();
        var eventLog = events.Get(token.Room);
        lock (eventLog.Gate)
        {
            if (!shelf.Remove(token.Room, productId, out var wasPinned)) throw Refuse("product.unknown", "no such product on the shelf");
            if (wasPinned) eventLog.Append(CommerceEventKinds.ProductUnpinned, token.Participant, new ProductIdEvent(productId));
            eventLog.Append(CommerceEventKinds.ProductRemoved, token.Participant, new ProductIdEvent(productId));
        }
    }

    /// <summary>Pins a listed product (the one being presented); pinning another replaces it. Anchor only.</summary>
    public void PinProduct(string productId)
    {
        var token = RequireAnchor("pin products");
        if (HubInput.CheckId(productId, "productId") is { } error) throw Refuse("argument", error);
        var shelf = services.GetRequiredService<ProductShelf>();
        var eventLog = events.Get(token.Room);
        lock (eventLog.Gate)
        {
            var product = shelf.Pin(token.Room, productId, out var replaced) ?? throw Refuse("product.unknown", "no such product on the shelf");
            eventLog.Append(CommerceEventKinds.ProductPinned, token.Participant, new ProductPinnedEvent(product, replaced));
        }
    }

    /// <summary>Unpins the pinned product; returns false (and makes no event) when none was pinned. Anchor only.</summary>
    public bool UnpinProduct()
    {
        var token = RequireAnchor("unpin products");
        var shelf = services.GetRequiredService<ProductShelf>();
        var eventLog = events.Get(token.Room);
        lock (eventLog.Gate)
        {
            if (shelf.Unpin(token.Room) is not { } was) return false;
            eventLog.Append(CommerceEventKinds.ProductUnpinned, token.Participant, new ProductIdEvent(was));
            return true;
        }
    }

    /// <summary>
    /// Drops a coupon with <paramref name="inventory"/>, claimable from now + <paramref name="opensInSeconds"/> until
    /// now + <paramref name="closesInSeconds"/>, optionally only for holders of <paramref name="segment"/>. Anchor only.
    /// Dropping an existing coupon id again returns the existing coupon (<c>created</c> false) and makes no event.
    /// </summary>
    public async Task<DropAck> DropCoupon(string couponId, int inventory, int opensInSeconds, int closesInSeconds, string? segment)
    {
        var token = RequireAnchor("drop coupons");
        var eventLog = events.Get(token.Room);
        var stamp = eventLog.Clock.NowMs;
        var now = DateTimeOffset.UtcNow;
        var options = services.GetRequiredService<CommerceOptions>();
        if (HubInput.CheckId(couponId, "couponId") is { } idError) throw Refuse("argument", idError);
        if (inventory < 1 || inventory > options.MaxCouponInventory) throw Refuse("argument", $"inventory must be 1-{options.MaxCouponInventory}");
        if (opensInSeconds < 0 || closesInSeconds <= opensInSeconds || closesInSeconds > options.MaxCouponWindowSeconds)
            throw Refuse("argument", $"need 0 <= opensInSeconds < closesInSeconds <= {options.MaxCouponWindowSeconds}");
        if (segment is not null && HubInput.CheckId(segment, "segment") is { } segmentError) throw Refuse("argument", segmentError);
        var board = services.GetRequiredService<CouponBoard>();
        lock (eventLog.Gate)
            if (board.OpenCount(token.Room, now.ToUnixTimeMilliseconds()) >= options.MaxOpenCoupons)
                throw Refuse("coupon.tooMany", $"at most {options.MaxOpenCoupons} open coupons per room");

        var hold = services.GetService<Mixing.RoomMixers>()?.Hold(token.Room, stamp);
        try
        {
            return await DropCouponCommitted(token, eventLog, board, couponId, inventory, opensInSeconds, closesInSeconds, segment, stamp, now, hold);
        }
        finally
        {
            if (hold is { } h && !h.IsReleased) h.Cancel();
        }
    }

    private async Task<DropAck> DropCouponCommitted(Auth.RoomToken token, RoomEventLog eventLog, CouponBoard board, string couponId, int inventory,
        int opensInSeconds, int closesInSeconds, string? segment, long stamp, DateTimeOffset now, CoStream.Mixer.Pipeline.RoomMixer.OutputHold? hold)
    {
        var result = await Ledger(l => l.DropCouponAsync(token.Room, couponId, inventory, now.AddSeconds(opensInSeconds),
            now.AddSeconds(closesInSeconds), segment, stamp, Context.ConnectionAborted));
        var drop = result.Drop;
        long opensUnix = drop.ClaimOpensAt.ToUnixTimeMilliseconds(), closesUnix = drop.ClaimClosesAt.ToUnixTimeMilliseconds();
        var view = new CouponView(drop.CouponId, drop.Inventory, drop.Remaining, opensUnix, closesUnix,
            drop.MediaClockMs + (opensUnix - now.ToUnixTimeMilliseconds()), drop.MediaClockMs + (closesUnix - now.ToUnixTimeMilliseconds()),
            drop.Segment, drop.Sequence);
        if (!result.Created) return new DropAck(view, false);
        lock (eventLog.Gate)
        {
            board.Add(token.Room, view);
            var dropped = eventLog.Append(CommerceEventKinds.CouponDropped, token.Participant, view, drop.MediaClockMs);
            hold?.ReleaseAfter(dropped.Seq);
        }
        return new DropAck(view, true);
    }

    /// <summary>
    /// Claims one of a coupon for the caller (audience or guest; the anchor does not claim its own coupons), with
    /// the segments its token names. Each member gets at most one; a retried key returns the original grant.
    /// </summary>
    public async Task<ClaimAck> ClaimCoupon(string couponId, string idempotencyKey)
    {
        var token = RequireToken();
        var eventLog = events.Get(token.Room);
        var stamp = eventLog.Clock.NowMs;
        if (token.Role is not (ParticipantRole.Audience or ParticipantRole.Guest))
            throw Refuse("role", "only the audience and guests claim coupons");
        if (HubInput.CheckId(couponId, "couponId") is { } idError) throw Refuse("argument", idError);
        if (HubInput.CheckKey(idempotencyKey) is { } keyError) throw Refuse("argument", keyError);

        var result = await Ledger(l => l.ClaimCouponAsync(token.Room, couponId, token.Participant, token.Segments,
            idempotencyKey, DateTimeOffset.UtcNow, stamp, Context.ConnectionAborted));
        var board = services.GetRequiredService<CouponBoard>();
        if (result.Outcome != ClaimOutcome.NoSuchCoupon)
        {
            bool recover;
            lock (eventLog.Gate) recover = board.TryBeginRecovery(token.Room, couponId);
            if (recover) await RecoverCouponAsync(eventLog, board, couponId);
        }
        if (result.Outcome is ClaimOutcome.Granted or ClaimOutcome.SoldOut)
            board.OnStock(eventLog, couponId, result.Remaining);
        return new ClaimAck(result.Outcome.ToString(), result.Remaining, result.IsRetry, result.Grant?.Sequence);
    }

    /// <summary>Shows a coupon dropped before this process started (no event: it was told when dropped).</summary>
    private async Task RecoverCouponAsync(RoomEventLog eventLog, CouponBoard board, string couponId)
    {
        CouponDrop? drop;
        try { drop = await services.GetRequiredService<ICommerceLedger>().GetCouponAsync(eventLog.Room, couponId); }
        catch (Exception e)
        {
            log.LogWarning(e, "room {Room}: coupon {Coupon} not recovered from the ledger", eventLog.Room, couponId);
            return;
        }
        if (drop is null) return;
        var nowUnix = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long opensUnix = drop.ClaimOpensAt.ToUnixTimeMilliseconds(), closesUnix = drop.ClaimClosesAt.ToUnixTimeMilliseconds();
        lock (eventLog.Gate)
        {
            // The drop's own stamp is on an earlier epoch of the room clock: place the window on this one.
            var mediaNow = eventLog.Clock.NowMs;
            board.Add(eventLog.Room, new CouponView(drop.CouponId, drop.Inventory, drop.Remaining, opensUnix, closesUnix,
                mediaNow + (opensUnix - nowUnix), mediaNow + (closesUnix - nowUnix), drop.Segment, drop.Sequence));
        }
    }

    private RoomToken RequireAnchor(string what)
    {
        var token = RequireToken();
        return token.Role == ParticipantRole.Anchor ? token : throw Refuse("role", $"only the room's anchor may {what}");
    }

    /// <summary>Runs a ledger call; a store failure becomes a refusal the caller may retry with the same key.</summary>
    private async Task<T> Ledger<T>(Func<ICommerceLedger, Task<T>> call)
    {
        try
        {
            return await call(services.GetRequiredService<ICommerceLedger>());
        }
        catch (Exception e) when (e is not HubException and not OperationCanceledException)
        {
            log.LogWarning(e, "commerce ledger call failed");
            throw Refuse("ledger", "the ledger could not take this now; retry with the same idempotency key");
        }
    }
}
