using System.Buffers;
using System.Buffers.Binary;

namespace CoStream.Mixer.Rtmp;

/// <summary>
/// Splits messages into RTMP chunks (RTMP specification 1.0, §5.3):
/// <code>
///  basic header: fmt UB2 | csid UB6 (2..63)
///  type 0 header: timestamp UI24 | message length UI24 | type id UI8 | stream id UI32 little-endian
///  [extended timestamp UI32 when the timestamp ≥ 0xFFFFFF]
///  continuation chunks: fmt 3 basic header [+ the extended timestamp again]
/// </code>
/// Every message starts with a type-0 header (absolute timestamp): a few bytes more than deltas, but a
/// receiver can never mis-accumulate them, and a reconnect needs no header state.
/// </summary>
public static class RtmpChunkWriter
{
    /// <summary>Chunk stream ids this client uses.</summary>
    public const int ControlChunkStream = 2, CommandChunkStream = 3, AudioChunkStream = 4, DataChunkStream = 5, VideoChunkStream = 6;
    public const int DefaultChunkSize = 128;

    /// <summary>Bytes a message takes once chunked.</summary>
    public static int GetSize(int payloadLength, uint timestamp, int chunkSize)
    {
        var extended = timestamp >= 0xFFFFFF ? 4 : 0;
        var chunks = Math.Max(1, (payloadLength + chunkSize - 1) / chunkSize);
        return 12 + extended + payloadLength + (chunks - 1) * (1 + extended);
    }

    public static void WriteMessage(IBufferWriter<byte> w, int chunkStreamId, RtmpMessageType type, uint timestamp, uint streamId,
        ReadOnlySpan<byte> payload, int chunkSize)
    {
        if (chunkStreamId is < 2 or > 63) throw new ArgumentOutOfRangeException(nameof(chunkStreamId));
        if (payload.Length > 0xFFFFFF) throw new ArgumentOutOfRangeException(nameof(payload), "RTMP messages are at most 16 MiB");
        var extended = timestamp >= 0xFFFFFF;
        var span = w.GetSpan(GetSize(payload.Length, timestamp, chunkSize));
        int at = 0;
        span[at++] = (byte)chunkStreamId; // fmt 0
        var ts24 = extended ? 0xFFFFFFu : timestamp;
        span[at++] = (byte)(ts24 >> 16); span[at++] = (byte)(ts24 >> 8); span[at++] = (byte)ts24;
        span[at++] = (byte)(payload.Length >> 16); span[at++] = (byte)(payload.Length >> 8); span[at++] = (byte)payload.Length;
        span[at++] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], streamId);
        at += 4;
        if (extended) { BinaryPrimitives.WriteUInt32BigEndian(span[at..], timestamp); at += 4; }
        int sent = 0;
        while (true)
        {
            var n = Math.Min(chunkSize, payload.Length - sent);
            payload.Slice(sent, n).CopyTo(span[at..]);
            at += n;
            sent += n;
            if (sent >= payload.Length) break;
            span[at++] = (byte)(0xC0 | chunkStreamId); // fmt 3
            if (extended) { BinaryPrimitives.WriteUInt32BigEndian(span[at..], timestamp); at += 4; }
        }
        w.Advance(at);
    }

    /// <summary>A protocol control message carrying one 32-bit value (Set Chunk Size, Acknowledgement, Window Acknowledgement Size).</summary>
    public static void WriteControl(IBufferWriter<byte> w, RtmpMessageType type, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        WriteMessage(w, ControlChunkStream, type, 0, 0, payload, DefaultChunkSize);
    }

    /// <summary>A user control message (§7.1.7) with one 32-bit value.</summary>
    public static void WriteUserControl(IBufferWriter<byte> w, RtmpUserControlEvent ev, uint value)
    {
        Span<byte> payload = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)ev);
        BinaryPrimitives.WriteUInt32BigEndian(payload[2..], value);
        WriteMessage(w, ControlChunkStream, RtmpMessageType.UserControl, 0, 0, payload, DefaultChunkSize);
    }
}
