namespace CoStream.Mixer.Rtmp;

/// <summary>Settings of an <see cref="RtmpPublisher"/>.</summary>
public sealed record RtmpPublisherOptions
{
    /// <summary>rtmp://host:port/app/stream</summary>
    public required string Url { get; init; }
    /// <summary>Our chunk size after connecting (Set Chunk Size); large chunks cut per-chunk overhead for video.</summary>
    public int ChunkSize { get; init; } = 4096;
    /// <summary>Tags waiting to be sent before the queue counts as behind (then non-key video is dropped).</summary>
    public int QueueCapacity { get; init; } = 512;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>First delay before reconnecting; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(8);
    /// <summary>How long Close waits for queued tags to go out.</summary>
    public TimeSpan CloseDrainTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public string? Validate()
    {
        if (!RtmpUrl.TryParse(Url, out _, out var reason)) return reason;
        if (ChunkSize is < 128 or > RtmpChunkReader.MaxChunkSize) return $"chunk size {ChunkSize} out of range";
        if (QueueCapacity < 16) return "queue capacity below 16";
        if (ReconnectInitialDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectInitialDelay) return "impossible reconnect delays";
        return null;
    }

    /// <summary>The delay before reconnect attempt <paramref name="attempt"/> (0-based): initial × 2^attempt, capped.</summary>
    public TimeSpan BackoffDelay(int attempt)
    {
        var ms = ReconnectInitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, ReconnectMaxDelay.TotalMilliseconds));
    }
}
