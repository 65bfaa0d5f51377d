using System.Threading.Channels;

namespace CoStream.Mixer.Output;

/// <summary>
/// One HTTP-FLV viewer of a <see cref="FlvBroadcast"/>: a bounded queue of whole FLV byte chunks (file header,
/// then complete tags) that its connection drains. The broadcast completes the queue when the stream ends
/// or when the viewer fell too far behind (then <see cref="DropReason"/> says so).
/// </summary>
public sealed class FlvViewer
{
    private readonly Channel<ReadOnlyMemory<byte>> _queue = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private long _queuedBytes;
    private int _queuedTags;

    internal FlvViewer(long id) => Id = id;

    public long Id { get; }
    public ChannelReader<ReadOnlyMemory<byte>> Reader => _queue.Reader;
    public string? DropReason { get; private set; }
    public long BytesQueued { get; private set; }
    public int QueuedTags => Volatile.Read(ref _queuedTags);
    /// <summary>True until the first keyframe when the viewer joined with no GOP cached (media before it is skipped).</summary>
    internal bool WaitingForKeyframe { get; set; }

    /// <summary>Called by the connection after writing a chunk, so the queue bound counts only what waits.</summary>
    public void Consumed(ReadOnlyMemory<byte> chunk)
    {
        Interlocked.Add(ref _queuedBytes, -chunk.Length);
        Interlocked.Decrement(ref _queuedTags);
    }

    /// <summary>Queues a chunk; false when the viewer is over its bounds (the broadcast then drops it).</summary>
    internal bool TryEnqueue(ReadOnlyMemory<byte> chunk, int maxTags, long maxBytes)
    {
        if (Volatile.Read(ref _queuedTags) >= maxTags || Interlocked.Read(ref _queuedBytes) + chunk.Length > maxBytes) return false;
        Interlocked.Add(ref _queuedBytes, chunk.Length);
        Interlocked.Increment(ref _queuedTags);
        BytesQueued += chunk.Length;
        return _queue.Writer.TryWrite(chunk);
    }

    internal void Complete(string? dropReason)
    {
        DropReason ??= dropReason;
        _queue.Writer.TryComplete();
    }
}
