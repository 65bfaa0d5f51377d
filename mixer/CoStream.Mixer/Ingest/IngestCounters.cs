namespace CoStream.Mixer.Ingest;

/// <summary>
/// What a <see cref="RoomIngest"/> received, produced and dropped (per <see cref="IngestDropReason"/>).
/// Written by the ingest thread (and the SFU loop for <see cref="IngestDropReason.QueueFull"/>), read from anywhere.
/// </summary>
public sealed class IngestCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<IngestDropReason>().Length];
    private long _packets, _senderReports, _videoFrames, _audioFrames, _keyFrameRequests, _errors;

    public long Packets => Interlocked.Read(ref _packets);
    public long SenderReports => Interlocked.Read(ref _senderReports);
    public long VideoFrames => Interlocked.Read(ref _videoFrames);
    public long AudioFrames => Interlocked.Read(ref _audioFrames);
    public long KeyFrameRequests => Interlocked.Read(ref _keyFrameRequests);
    /// <summary>Exceptions caught on the ingest thread (a bug, or a throwing event handler); 0 in a healthy run.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public long Dropped(IngestDropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    /// <summary>Every non-zero drop counter, for logs and test messages.</summary>
    public override string ToString() =>
        $"packets {Packets}, SRs {SenderReports}, video {VideoFrames}, audio {AudioFrames}, PLIs {KeyFrameRequests}, errors {Errors}; dropped: "
        + string.Join(", ", Enum.GetValues<IngestDropReason>().Where(r => r != IngestDropReason.None && Dropped(r) > 0).Select(r => $"{r} {Dropped(r)}"));

    internal void Drop(IngestDropReason reason, long count = 1) => Interlocked.Add(ref _drops[(int)reason], count);
    internal void OnPacket() => Interlocked.Increment(ref _packets);
    internal void OnSenderReport() => Interlocked.Increment(ref _senderReports);
    internal void OnVideoFrame() => Interlocked.Increment(ref _videoFrames);
    internal void OnAudioFrame() => Interlocked.Increment(ref _audioFrames);
    internal void OnKeyFrameRequest() => Interlocked.Increment(ref _keyFrameRequests);
    internal void OnError() => Interlocked.Increment(ref _errors);
}
