namespace CoStream.Mixer.Output;

/// <summary>Bounds of a <see cref="FlvBroadcast"/>: the GOP cache and each viewer's queue.</summary>
public sealed record FlvBroadcastOptions
{
    /// <summary>Most tags kept since the last keyframe; past it the cache is emptied until the next keyframe.</summary>
    public int GopCacheMaxTags { get; init; } = 4096;
    public long GopCacheMaxBytes { get; init; } = 16L << 20;
    /// <summary>Tags a viewer may have waiting; a viewer that falls further behind is dropped.</summary>
    public int ViewerQueueMaxTags { get; init; } = 2048;
    public long ViewerQueueMaxBytes { get; init; } = 16L << 20;
}
