namespace CoStream.Mixer.Ingest;

/// <summary>Why the ingest dropped a packet or a frame; <see cref="None"/> (0) means kept. Each has a counter in <see cref="IngestCounters"/>.</summary>
public enum IngestDropReason
{
    None = 0,
    /// <summary>The RTP header does not parse (RFC 3550 §5.1).</summary>
    MalformedRtp,
    /// <summary>A payload type other than the track's negotiated one.</summary>
    UnexpectedPayloadType,
    /// <summary>Arrived after the jitter buffer had moved past its sequence number.</summary>
    Late,
    /// <summary>The same sequence number is already buffered.</summary>
    Duplicate,
    /// <summary>A jump in sequence numbers (far ahead of the ring, or a run of "late" packets: a restart): the buffer was flushed; counts the packets let go.</summary>
    BufferOverflow,
    /// <summary>A sequence number never arrived within the latency target (counted per missing packet).</summary>
    Lost,
    /// <summary>A frame's packets were partly lost: the rest of the frame is dropped.</summary>
    IncompleteFrame,
    /// <summary>The codec payload does not parse (RFC 6184 / RFC 7741 / RFC 7587 structure).</summary>
    MalformedPayload,
    /// <summary>An H.264 FU-A middle or end fragment without its start (RFC 6184 §5.8).</summary>
    FuWithoutStart,
    /// <summary>An H.264 FU-A that is not ended before the access unit ends or another NAL unit begins.</summary>
    FuNotEnded,
    /// <summary>A VP8 frame whose first packet is not the start of partition 0 (RFC 7741 §4.2 S bit, PID 0).</summary>
    MissingPictureStart,
    /// <summary>A frame larger than <see cref="RoomIngestOptions.MaxFrameBytes"/>.</summary>
    FrameTooLarge,
    /// <summary>A delta frame after a loss or at a track's start, before the next keyframe.</summary>
    WaitingForKeyFrame,
    /// <summary>The queue from the SFU loop to the ingest thread was full.</summary>
    QueueFull,
    /// <summary>The output channel was full: the oldest frame was dropped.</summary>
    OutputFull,
    /// <summary>A codec the ingest does not handle (only H.264, VP8 and Opus).</summary>
    UnsupportedCodec,
}
