namespace CoStream.Signaling.Commerce;

/// <summary>One committed gift send; <see cref="Sequence"/> is its event's place in the room log.</summary>
public sealed record GiftRecord(
    long Sequence,
    string Room,
    string Sender,
    string GiftId,
    int Count,
    string IdempotencyKey,
    long MediaClockMs,
    DateTimeOffset RecordedAt);

/// <summary>The answer to a gift send: the committed record, and whether this call was a retry of an earlier one.</summary>
public sealed record GiftReceipt(GiftRecord Record, bool IsRetry);
