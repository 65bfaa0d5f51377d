using System.Collections.Concurrent;

namespace CoStream.Signaling.Commerce;

/// <summary>
/// Closes the gap between a gift's commit and its <c>gift.sent</c>: if the process died in between, the gift is
/// in the ledger but was never told. A retry arriving at a later process finds a record committed before that
/// process started; this process's room log has never carried it, so the hub tells it then, once
/// (<see cref="ShouldTell"/>). A retry of a gift this process committed tells nothing: its first call did.
/// Created when the host is built; "started" is that moment.
/// </summary>
public sealed class UntoldGifts
{
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly ConcurrentDictionary<(string Room, long Seq), byte> _told = new();

    /// <summary>True once for a retried gift recorded before this process started.</summary>
    public bool ShouldTell(GiftRecord retried) =>
        retried.RecordedAt < _startedAt && _told.TryAdd((retried.Room, retried.Sequence), 0);
}
