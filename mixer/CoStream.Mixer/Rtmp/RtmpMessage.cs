namespace CoStream.Mixer.Rtmp;

/// <summary>RTMP message type ids (RTMP specification 1.0, §5.4 protocol control, §6.2 user control, §7.1 others).</summary>
public enum RtmpMessageType : byte
{
    SetChunkSize = 1,
    Abort = 2,
    Acknowledgement = 3,
    UserControl = 4,
    WindowAcknowledgementSize = 5,
    SetPeerBandwidth = 6,
    Audio = 8,
    Video = 9,
    DataAmf3 = 15,
    CommandAmf3 = 17,
    DataAmf0 = 18,
    CommandAmf0 = 20,
    Aggregate = 22,
}

/// <summary>User control event types (RTMP specification 1.0, §7.1.7).</summary>
public enum RtmpUserControlEvent : ushort
{
    StreamBegin = 0,
    StreamEof = 1,
    StreamDry = 2,
    SetBufferLength = 3,
    StreamIsRecorded = 4,
    PingRequest = 6,
    PingResponse = 7,
}

/// <summary>One reassembled RTMP message: header fields and its payload (owned).</summary>
public sealed record RtmpMessage(RtmpMessageType Type, uint Timestamp, uint StreamId, int ChunkStreamId, byte[] Payload);
