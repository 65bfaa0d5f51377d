namespace CoStream.Signaling.Commerce;

/// <summary>
/// A burst of the same gift from one sender in one room, shown as one combo with a running count
/// ("rose ×12"). <see cref="ComboId"/> is the ledger sequence of the combo's first gift.
/// </summary>
public sealed record GiftCombo(
    long ComboId,
    string Room,
    string Sender,
    string GiftId,
    int Sends,
    long Units,
    long StartedAtMediaClockMs,
    long LastAtMediaClockMs);

/// <summary>
/// Groups committed gifts into combos: a gift continues its sender's combo of the same gift if it comes
/// at most <see cref="Window"/> after that combo's last gift, on the room's media clock (so a replay or a
/// clock-stamped late delivery groups the same way). Retried sends (<see cref="GiftReceipt.IsRetry"/>)
/// were counted when first recorded and are not counted again. In memory: a restart starts new combos,
/// the ledger's totals are unaffected. Thread-safe.
/// </summary>
public sealed class GiftComboTracker(TimeSpan window)
{
    private const int SweepEvery = 1024;
    private readonly Dictionary<(string Room, string Sender, string GiftId), GiftCombo> _open = new();
    private readonly Lock _lock = new();
    private int _sinceSweep;

    public TimeSpan Window { get; } = window;

    /// <summary>The combo this gift belongs to after counting it, or null for a retry (nothing new to show).</summary>
    public GiftCombo? Observe(GiftReceipt receipt)
    {
        if (receipt.IsRetry) return null;
        var gift = receipt.Record;
        var key = (gift.Room, gift.Sender, gift.GiftId);
        lock (_lock)
        {
            if (++_sinceSweep >= SweepEvery) SweepLocked(gift.MediaClockMs);
            GiftCombo combo = _open.TryGetValue(key, out var open) && Continues(open, gift.MediaClockMs)
                ? open with
                {
                    Sends = open.Sends + 1,
                    Units = open.Units + gift.Count,
                    LastAtMediaClockMs = Math.Max(open.LastAtMediaClockMs, gift.MediaClockMs),
                }
                : new GiftCombo(gift.Sequence, gift.Room, gift.Sender, gift.GiftId, 1, gift.Count, gift.MediaClockMs, gift.MediaClockMs);
            _open[key] = combo;
            return combo;
        }
    }

    /// <summary>Forgets combos whose window has passed at <paramref name="mediaClockMs"/>; returns how many ended.</summary>
    public int Sweep(long mediaClockMs)
    {
        lock (_lock) return SweepLocked(mediaClockMs);
    }

    public int OpenCombos
    {
        get { lock (_lock) return _open.Count; }
    }

    private bool Continues(GiftCombo open, long mediaClockMs) =>
        mediaClockMs - open.LastAtMediaClockMs <= (long)Window.TotalMilliseconds;

    private int SweepLocked(long mediaClockMs)
    {
        _sinceSweep = 0;
        var ended = _open.Where(kv => !Continues(kv.Value, mediaClockMs)).Select(kv => kv.Key).ToList();
        foreach (var key in ended) _open.Remove(key);
        return ended.Count;
    }
}
