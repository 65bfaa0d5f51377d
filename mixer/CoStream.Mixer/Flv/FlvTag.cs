using System.Buffers.Binary;

namespace CoStream.Mixer.Flv;

/// <summary>FLV tag types (FLV specification v10.1, Annex E.4.1).</summary>
public enum FlvTagType : byte
{
    Audio = 8,
    Video = 9,
    ScriptData = 18,
}

/// <summary>Why FLV bytes were refused.</summary>
public enum FlvError
{
    None = 0,
    Truncated,
    BadSignature,
    BadVersion,
    BadHeaderSize,
    UnknownTagType,
    EncryptedTag,
    NonZeroStreamId,
    TagTooLarge,
    PreviousTagSizeMismatch,
}

/// <summary>
/// One FLV tag as read: its type, 32-bit millisecond timestamp (24 bits + extension byte) and body,
/// a slice of the input.
/// </summary>
public readonly ref struct FlvTag
{
    public FlvTagType Type { get; init; }
    public uint Timestamp { get; init; }
    public ReadOnlySpan<byte> Body { get; init; }
}

/// <summary>
/// The FLV file header and tag framing (FLV specification v10.1, Annex E.2–E.4):
/// <code>
///  header: 'F' 'L' 'V' | version=1 | flags (0x04 audio, 0x01 video) | data offset UI32 = 9 | PreviousTagSize0 UI32 = 0
///  tag:    type UI8 | data size UI24 | timestamp UI24 | timestamp extended UI8 | stream id UI24 = 0 | body | PreviousTagSize UI32 = 11 + size
/// </code>
/// </summary>
public static class FlvFormat
{
    /// <summary>FLV header (9 bytes) plus PreviousTagSize0 (4 bytes).</summary>
    public const int FileHeaderSize = 13;
    public const int TagHeaderSize = 11;
    public const int PreviousTagSizeSize = 4;
    /// <summary>Largest tag body the 24-bit size field can describe.</summary>
    public const int MaxBodySize = 0xFFFFFF;

    public const byte FlagAudio = 0x04;
    public const byte FlagVideo = 0x01;

    /// <summary>Writes the 13-byte file start into <paramref name="dest"/>.</summary>
    public static int WriteFileHeader(Span<byte> dest, bool audio, bool video)
    {
        dest[0] = (byte)'F'; dest[1] = (byte)'L'; dest[2] = (byte)'V';
        dest[3] = 1;
        dest[4] = (byte)((audio ? FlagAudio : 0) | (video ? FlagVideo : 0));
        BinaryPrimitives.WriteUInt32BigEndian(dest[5..], 9);
        BinaryPrimitives.WriteUInt32BigEndian(dest[9..], 0);
        return FileHeaderSize;
    }

    /// <summary>Bytes a whole tag takes: header, body and its trailing PreviousTagSize.</summary>
    public static int GetTagSize(int bodySize) => TagHeaderSize + bodySize + PreviousTagSizeSize;

    /// <summary>Writes the 11-byte tag header.</summary>
    public static void WriteTagHeader(Span<byte> dest, FlvTagType type, int bodySize, uint timestamp)
    {
        if ((uint)bodySize > MaxBodySize) throw new ArgumentOutOfRangeException(nameof(bodySize));
        dest[0] = (byte)type;
        dest[1] = (byte)(bodySize >> 16); dest[2] = (byte)(bodySize >> 8); dest[3] = (byte)bodySize;
        dest[4] = (byte)(timestamp >> 16); dest[5] = (byte)(timestamp >> 8); dest[6] = (byte)timestamp;
        dest[7] = (byte)(timestamp >> 24);
        dest[8] = 0; dest[9] = 0; dest[10] = 0;
    }

    /// <summary>Writes a whole tag (header, body, PreviousTagSize); returns the bytes written.</summary>
    public static int WriteTag(Span<byte> dest, FlvTagType type, uint timestamp, ReadOnlySpan<byte> body)
    {
        WriteTagHeader(dest, type, body.Length, timestamp);
        body.CopyTo(dest[TagHeaderSize..]);
        BinaryPrimitives.WriteUInt32BigEndian(dest[(TagHeaderSize + body.Length)..], (uint)(TagHeaderSize + body.Length));
        return GetTagSize(body.Length);
    }

    /// <summary>Reads and checks the 13-byte file start; returns the audio/video flags.</summary>
    public static FlvError TryReadFileHeader(ReadOnlySpan<byte> data, out byte flags, out int consumed)
    {
        flags = 0;
        consumed = 0;
        if (data.Length < FileHeaderSize) return FlvError.Truncated;
        if (data[0] != 'F' || data[1] != 'L' || data[2] != 'V') return FlvError.BadSignature;
        if (data[3] != 1) return FlvError.BadVersion;
        var offset = BinaryPrimitives.ReadUInt32BigEndian(data[5..]);
        if (offset != 9) return FlvError.BadHeaderSize; // version 1 has no extended header
        if (BinaryPrimitives.ReadUInt32BigEndian(data[9..]) != 0) return FlvError.PreviousTagSizeMismatch;
        flags = data[4];
        consumed = FileHeaderSize;
        return FlvError.None;
    }

    /// <summary>
    /// Reads one tag and its trailing PreviousTagSize. <paramref name="maxBodySize"/> bounds what a
    /// hostile size field may claim.
    /// </summary>
    public static FlvError TryReadTag(ReadOnlySpan<byte> data, out FlvTag tag, out int consumed, int maxBodySize = MaxBodySize)
    {
        tag = default;
        consumed = 0;
        if (data.Length < TagHeaderSize) return FlvError.Truncated;
        var typeByte = data[0];
        if ((typeByte & 0x20) != 0) return FlvError.EncryptedTag; // Filter bit (E.4.1)
        var type = (FlvTagType)(typeByte & 0x1F);
        if (type is not (FlvTagType.Audio or FlvTagType.Video or FlvTagType.ScriptData)) return FlvError.UnknownTagType;
        var size = (data[1] << 16) | (data[2] << 8) | data[3];
        if (size > maxBodySize) return FlvError.TagTooLarge;
        if ((data[8] | data[9] | data[10]) != 0) return FlvError.NonZeroStreamId;
        var total = GetTagSize(size);
        if (data.Length < total) return FlvError.Truncated;
        if (BinaryPrimitives.ReadUInt32BigEndian(data[(TagHeaderSize + size)..]) != (uint)(TagHeaderSize + size))
            return FlvError.PreviousTagSizeMismatch;
        var timestamp = (uint)((data[7] << 24) | (data[4] << 16) | (data[5] << 8) | data[6]);
        tag = new FlvTag { Type = type, Timestamp = timestamp, Body = data.Slice(TagHeaderSize, size) };
        consumed = total;
        return FlvError.None;
    }
}
