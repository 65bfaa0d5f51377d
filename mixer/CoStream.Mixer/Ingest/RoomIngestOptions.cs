namespace CoStream.Mixer.Ingest;

/// <summary>Settings of a <see cref="RoomIngest"/>.</summary>
public sealed record RoomIngestOptions
{
    /// <summary>Latency target for video: how long a missing packet is waited for (NACK round trip) before the frame is given up.</summary>
    public int VideoMaxWaitMs { get; init; } = 60;

    /// <summary>The same for audio (Opus frames are independent: a lost one is simply skipped).</summary>
    public int AudioMaxWaitMs { get; init; } = 40;

    /// <summary>Jitter buffer ring sizes in packets (powers of two).</summary>
    public int VideoBufferPackets { get; init; } = 1024;
    public int AudioBufferPackets { get; init; } = 128;

    /// <summary>Largest reassembled video frame; bigger ones are dropped as hostile.</summary>
    public int MaxFrameBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Packets queued from the SFU loop to the ingest thread before further ones are dropped.</summary>
    public int MaxQueuedPackets { get; init; } = 8192;

    /// <summary>Frames held in each output channel; when full the oldest is dropped (and disposed).</summary>
    public int OutputCapacity { get; init; } = 256;

    /// <summary>Least interval between our keyframe requests for one track (the SFU throttles further).</summary>
    public int KeyFrameRequestIntervalMs { get; init; } = 250;

    /// <summary>How fast a clock offset estimate may rise (ms per second), see <see cref="ClockOffsetEstimator"/>.</summary>
    public double ClockOffsetLeakMsPerSecond { get; init; } = ClockOffsetEstimator.DefaultLeakMsPerSecond;
}
