namespace CoStream.Signaling.Commerce;

/// <summary>What a room's ledger adds up to: gift sends and units (per gift id) and coupons granted.</summary>
public sealed record RoomLedgerTotals(
    string Room,
    long GiftSends,
    long GiftUnits,
    IReadOnlyDictionary<string, long> GiftUnitsByGiftId,
    long CouponsGranted,
    long LastSequence);
