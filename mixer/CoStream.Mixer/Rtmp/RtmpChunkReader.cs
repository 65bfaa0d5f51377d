using System.Buffers.Binary;

namespace CoStream.Mixer.Rtmp;

/// <summary>Why chunk bytes were refused (or, for NeedMoreData, not yet read).</summary>
public enum RtmpChunkError
{
    None = 0,
    NeedMoreData,
    UnknownChunkStream,
    MessageTooLarge,
    BadChunkSize,
    TooManyChunkStreams,
    HeaderChangedMidMessage,
    BadControlMessage,
}

/// <summary>
/// Reassembles RTMP messages from the chunk stream a peer sends (RTMP specification 1.0, §5.3): basic
/// headers of 1–3 bytes, header types 0–3 with per-chunk-stream state, extended timestamps, and the
/// peer's Set Chunk Size and Abort applied here. A chunk is consumed only when it is complete, so the
/// caller can hand in whatever bytes it has. Hostile input (unknown chunk streams, oversized messages,
/// impossible chunk sizes) is refused and counted; after a refusal the stream cannot be trusted and the
/// caller should drop the connection.
/// </summary>
public sealed class RtmpChunkReader
{
    /// <summary>Largest chunk size a peer may set (the spec allows up to 2^31-1; no real server goes near).</summary>
    public const int MaxChunkSize = 1 << 24;
    public const int MaxChunkStreams = 64;

    private sealed class ChunkStream
    {
        public uint Timestamp, Delta, StreamId;
        public int Length;
        public RtmpMessageType Type;
        public bool Extended;
        public byte[]? Buffer;
        public int Filled;
    }

    private readonly Dictionary<int, ChunkStream> _streams = [];

    public RtmpChunkReader(int maxMessageSize = 1 << 20) => MaxMessageSize = maxMessageSize;

    public int ChunkSize { get; private set; } = 128;
    public int MaxMessageSize { get; }
    public long Refused { get; private set; }
    public long MessagesRead { get; private set; }
    public RtmpChunkError LastError { get; private set; }

    /// <summary>
    /// Reads one chunk from <paramref name="input"/>. Returns None with consumed &gt; 0 when a chunk was read;
    /// <paramref name="message"/> is set when that chunk completed a message. NeedMoreData consumes nothing.
    /// </summary>
    public RtmpChunkError TryRead(ReadOnlySpan<byte> input, out RtmpMessage? message, out int consumed)
    {
        message = null;
        consumed = 0;
        if (input.IsEmpty) return RtmpChunkError.NeedMoreData;
        int at = 0;
        var fmt = input[0] >> 6;
        int csid = input[0] & 0x3F;
        at = 1;
        if (csid == 0)
        {
            if (input.Length < 2) return RtmpChunkError.NeedMoreData;
            csid = 64 + input[1];
            at = 2;
        }
        else if (csid == 1)
        {
            if (input.Length < 3) return RtmpChunkError.NeedMoreData;
            csid = 64 + input[1] + (input[2] << 8);
            at = 3;
        }

        var headerSize = fmt switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 };
        if (input.Length - at < headerSize) return RtmpChunkError.NeedMoreData;
        _streams.TryGetValue(csid, out var cs);
        if (cs == null && fmt != 0) return Refuse(RtmpChunkError.UnknownChunkStream);
        if (cs == null && _streams.Count >= MaxChunkStreams) return Refuse(RtmpChunkError.TooManyChunkStreams);

        var h = input[at..];
        uint ts24 = headerSize >= 3 ? (uint)((h[0] << 16) | (h[1] << 8) | h[2]) : 0;
        int length = cs?.Length ?? 0;
        var type = cs?.Type ?? 0;
        uint streamId = cs?.StreamId ?? 0;
        if (headerSize >= 7) { length = (h[3] << 16) | (h[4] << 8) | h[5]; type = (RtmpMessageType)h[6]; }
        if (headerSize == 11) streamId = BinaryPrimitives.ReadUInt32LittleEndian(h[7..]);
        at += headerSize;

        bool extended = fmt == 3 ? cs!.Extended : ts24 == 0xFFFFFF;
        uint tsValue = ts24;
        if (extended)
        {
            if (input.Length - at < 4) return RtmpChunkError.NeedMoreData;
            tsValue = BinaryPrimitives.ReadUInt32BigEndian(input[at..]);
            at += 4;
        }

        var midMessage = cs is { Buffer: not null } && cs.Filled < cs.Length;
        if (midMessage && fmt != 3 && (length != cs!.Length || type != cs.Type))
            return Refuse(RtmpChunkError.HeaderChangedMidMessage);
        if (!midMessage && length > MaxMessageSize) return Refuse(RtmpChunkError.MessageTooLarge);

        var filled = midMessage ? cs!.Filled : 0;
        var n = Math.Min(ChunkSize, length - filled);
        if (input.Length - at < n) return RtmpChunkError.NeedMoreData;

        // The whole chunk is here: commit.
        if (cs == null) _streams[csid] = cs = new ChunkStream();
        if (!midMessage)
        {
            switch (fmt)
            {
                case 0: cs.Timestamp = tsValue; cs.Delta = 0; break;
                case 1: case 2: cs.Delta = tsValue; cs.Timestamp += tsValue; break;
                default: cs.Timestamp += cs.Delta; break;
            }
            cs.Length = length;
            cs.Type = type;
            cs.StreamId = streamId;
            cs.Buffer = length == 0 ? [] : new byte[length];
            cs.Filled = 0;
        }
        if (fmt != 3) cs.Extended = extended;
        input.Slice(at, n).CopyTo(cs.Buffer.AsSpan(cs.Filled));
        cs.Filled += n;
        at += n;
        consumed = at;
        if (cs.Filled < cs.Length) return RtmpChunkError.None;

        message = new RtmpMessage(cs.Type, cs.Timestamp, cs.StreamId, csid, cs.Buffer!);
        cs.Buffer = null;
        MessagesRead++;
        return ApplyControl(message);
    }

    private RtmpChunkError ApplyControl(RtmpMessage m)
    {
        if (m.Type == RtmpMessageType.SetChunkSize)
        {
            if (m.Payload.Length < 4) return Refuse(RtmpChunkError.BadControlMessage);
            var size = BinaryPrimitives.ReadUInt32BigEndian(m.Payload) & 0x7FFFFFFF;
            if (size is < 1 or > MaxChunkSize) return Refuse(RtmpChunkError.BadChunkSize);
            ChunkSize = (int)size;
        }
        else if (m.Type == RtmpMessageType.Abort)
        {
            if (m.Payload.Length < 4) return Refuse(RtmpChunkError.BadControlMessage);
            var csid = (int)BinaryPrimitives.ReadUInt32BigEndian(m.Payload);
            if (_streams.TryGetValue(csid, out var cs)) cs.Buffer = null;
        }
        return RtmpChunkError.None;
    }

    private RtmpChunkError Refuse(RtmpChunkError e)
    {
        Refused++;
        LastError = e;
        return e;
    }
}
