using CoStream.Mixer.Codecs;
using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Pipeline;

/// <summary>
/// Decoded pictures that one room's mixer shares with the others in the process. In a PK, room A's mixer decodes A's
/// anchor for its own output and publishes each picture here; room B's mixer, which shows A's anchor too, takes it
/// instead of decoding the same stream a second time (and A takes B's anchor from B) — each stream is decoded once per
/// process, not once per output. A publisher is the mixer of the source's own room; a taker gets its own reference to
/// the same buffers (<c>av_frame_ref</c>: no copy), owns it and disposes it on its own thread. Thread-safe.
/// </summary>
public sealed class DecodedPictureExchange : IDisposable
{
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    /// <summary>One sequence for every slot: a source withdrawn and published again starts above anything a taker has seen.</summary>
    private long _seq;
    private bool _disposed;

    public long PicturesPublished { get; private set; }
    public long PicturesTaken { get; private set; }

    private sealed class Slot(object publisher)
    {
        public object Publisher = publisher;
        public DecodedPicture? Picture;
        public long Seq;
    }

    /// <summary>Publishes <paramref name="picture"/> (decoded in place) as the newest of <paramref name="sourceId"/>; the caller keeps its own.</summary>
    public void Publish(object publisher, string sourceId, DecodedPicture picture)
    {
        if (picture.Frame == IntPtr.Zero) return; // a converted picture has no frame to share
        var copy = DecodedPicture.Reference(picture.Frame, picture.Width, picture.Height, picture.Pts);
        if (copy == null) return;
        DecodedPicture? old;
        lock (_slots)
        {
            if (_disposed) { copy.Dispose(); return; }
            if (!_slots.TryGetValue(sourceId, out var slot)) _slots[sourceId] = slot = new Slot(publisher);
            slot.Publisher = publisher;
            old = slot.Picture;
            slot.Picture = copy;
            slot.Seq = ++_seq;
            PicturesPublished++;
        }
        old?.Dispose();
    }

    /// <summary>Whether someone other than <paramref name="taker"/> publishes <paramref name="sourceId"/>.</summary>
    public bool IsPublishedFor(string sourceId, object taker)
    {
        lock (_slots) return _slots.TryGetValue(sourceId, out var slot) && !ReferenceEquals(slot.Publisher, taker);
    }

    /// <summary>
    /// The newest picture of <paramref name="sourceId"/> if it is newer than <paramref name="seenSeq"/> (which is then
    /// advanced) and published by someone else; the caller owns and disposes it. Null when there is nothing new.
    /// </summary>
    public DecodedPicture? TakeNewer(string sourceId, object taker, ref long seenSeq)
    {
        lock (_slots)
        {
            if (!_slots.TryGetValue(sourceId, out var slot) || ReferenceEquals(slot.Publisher, taker)
                || slot.Seq <= seenSeq || slot.Picture is not { } p || p.Frame == IntPtr.Zero)
                return null;
            var picture = DecodedPicture.Reference(p.Frame, p.Width, p.Height, p.Pts);
            if (picture == null) return null;
            seenSeq = slot.Seq;
            PicturesTaken++;
            return picture;
        }
    }

    /// <summary>The publisher stops publishing <paramref name="sourceId"/> (its source left, it stopped): takers go back to decoding.</summary>
    public void Withdraw(object publisher, string sourceId)
    {
        DecodedPicture? old = null;
        lock (_slots)
        {
            if (_slots.TryGetValue(sourceId, out var slot) && ReferenceEquals(slot.Publisher, publisher))
            {
                old = slot.Picture;
                _slots.Remove(sourceId);
            }
        }
        old?.Dispose();
    }

    /// <summary>Withdraws everything <paramref name="publisher"/> published.</summary>
    public void WithdrawAll(object publisher)
    {
        List<string> ids;
        lock (_slots) ids = _slots.Where(s => ReferenceEquals(s.Value.Publisher, publisher)).Select(s => s.Key).ToList();
        foreach (var id in ids) Withdraw(publisher, id);
    }

    public void Dispose()
    {
        List<DecodedPicture> pictures;
        lock (_slots)
        {
            _disposed = true;
            pictures = _slots.Values.Select(s => s.Picture).OfType<DecodedPicture>().ToList();
            _slots.Clear();
        }
        foreach (var p in pictures) p.Dispose();
    }
}
