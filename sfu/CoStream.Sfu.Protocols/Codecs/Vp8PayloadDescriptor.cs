namespace CoStream.Sfu.Protocols.Codecs;

/*
 RFC 7741 §4.2 VP8 payload descriptor:

         0 1 2 3 4 5 6 7
        +-+-+-+-+-+-+-+-+
        |X|R|N|S|R| PID | (REQUIRED)
        +-+-+-+-+-+-+-+-+
   X:   |I|L|T|K| RSV   | (OPTIONAL)
        +-+-+-+-+-+-+-+-+
   I:   |M| PictureID   | (OPTIONAL)
        +-+-+-+-+-+-+-+-+
        |   PictureID   | (second byte when M = 1: 15-bit PictureID)
        +-+-+-+-+-+-+-+-+
   L:   |   TL0PICIDX   | (OPTIONAL)
        +-+-+-+-+-+-+-+-+
   T/K: |TID|Y| KEYIDX  | (OPTIONAL: present if T or K is set)
        +-+-+-+-+-+-+-+-+

 RFC 7741 §4.3 VP8 payload header (first bytes of partition 0, only when S = 1 and PID = 0):

         0 1 2 3 4 5 6 7
        +-+-+-+-+-+-+-+-+
        |Size0|H| VER |P|     P = 0: key frame (inverse key frame flag)
        +-+-+-+-+-+-+-+-+
*/

/// <summary>
/// The VP8 RTP payload descriptor (RFC 7741 §4.2): what an SFU needs for keyframe detection,
/// temporal layer filtering and simulcast switching (PictureID / TL0PICIDX rewriting).
/// </summary>
public readonly struct Vp8PayloadDescriptor
{
    public const int MinSize = 1;
    public const int MaxSize = 6;

    private const byte ExtendedBit = 0x80;
    private const byte NonReferenceBit = 0x20;
    private const byte StartOfPartitionBit = 0x10;
    private const byte PartitionIdMask = 0x07;

    private const byte PictureIdPresentBit = 0x80;
    private const byte Tl0PicIdxPresentBit = 0x40;
    private const byte TidPresentBit = 0x20;
    private const byte KeyIdxPresentBit = 0x10;

    private const byte LongPictureIdBit = 0x80;
    private const int ShortPictureIdMask = 0x7F;
    private const int LongPictureIdMask = 0x7FFF;

    private const int TidShift = 6;
    private const byte LayerSyncBit = 0x20;
    private const byte KeyIdxMask = 0x1F;

    private const byte InverseKeyFrameBit = 0x01;

    private Vp8PayloadDescriptor(
        bool hasExtension, bool isNonReference, bool isStartOfPartition, byte partitionId,
        int pictureIdLength, ushort pictureId, bool hasTl0PicIdx, byte tl0PicIdx,
        bool hasTemporalLayerId, byte temporalLayerId, bool layerSync, bool hasKeyIdx, byte keyIdx, int size)
    {
        HasExtension = hasExtension;
        IsNonReference = isNonReference;
        IsStartOfPartition = isStartOfPartition;
        PartitionId = partitionId;
        PictureIdLength = pictureIdLength;
        PictureId = pictureId;
        HasTl0PicIdx = hasTl0PicIdx;
        Tl0PicIdx = tl0PicIdx;
        HasTemporalLayerId = hasTemporalLayerId;
        TemporalLayerId = temporalLayerId;
        LayerSync = layerSync;
        HasKeyIdx = hasKeyIdx;
        KeyIdx = keyIdx;
        Size = size;
    }

    /// <summary>X: the extension byte is present.</summary>
    public bool HasExtension { get; }

    /// <summary>N: the frame can be discarded without affecting others.</summary>
    public bool IsNonReference { get; }

    /// <summary>S: this packet starts a VP8 partition.</summary>
    public bool IsStartOfPartition { get; }

    /// <summary>PID: partition index, 0..7.</summary>
    public byte PartitionId { get; }

    /// <summary>I: a PictureID is present.</summary>
    public bool HasPictureId => PictureIdLength != 0;

    /// <summary>0 (absent), 1 (7-bit PictureID) or 2 (15-bit, M = 1).</summary>
    public int PictureIdLength { get; }

    /// <summary>The 7- or 15-bit PictureID (without the M bit).</summary>
    public ushort PictureId { get; }

    /// <summary>Offset of the PictureID within the payload (fixed: after the two first bytes).</summary>
    public int PictureIdOffset => HasPictureId ? 2 : 0;

    /// <summary>L: TL0PICIDX is present.</summary>
    public bool HasTl0PicIdx { get; }

    public byte Tl0PicIdx { get; }

    public int Tl0PicIdxOffset => HasTl0PicIdx ? 2 + PictureIdLength : 0;

    /// <summary>T: TID and Y are meaningful.</summary>
    public bool HasTemporalLayerId { get; }

    /// <summary>TID: temporal layer index, 0..3.</summary>
    public byte TemporalLayerId { get; }

    /// <summary>Y: layer sync, the frame depends only on the base layer.</summary>
    public bool LayerSync { get; }

    /// <summary>K: KEYIDX is meaningful.</summary>
    public bool HasKeyIdx { get; }

    public byte KeyIdx { get; }

    /// <summary>Descriptor length in bytes; the VP8 data starts here.</summary>
    public int Size { get; }

    /// <summary>
    /// A descriptor to write (tests, load tester). Pass -1 to leave an optional field out;
    /// <paramref name="longPictureId"/> picks the 15-bit form. The X byte is written when any
    /// optional field is present.
    /// </summary>
    public static Vp8PayloadDescriptor Create(
        bool isStartOfPartition, byte partitionId = 0, bool isNonReference = false,
        int pictureId = -1, bool longPictureId = true, int tl0PicIdx = -1,
        int temporalLayerId = -1, bool layerSync = false, int keyIdx = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitionId, PartitionIdMask);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pictureId, longPictureId ? LongPictureIdMask : ShortPictureIdMask);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tl0PicIdx, byte.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(temporalLayerId, 3);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyIdx, KeyIdxMask);
        int pictureIdLength = pictureId < 0 ? 0 : longPictureId ? 2 : 1;
        bool hasTl0 = tl0PicIdx >= 0;
        bool hasTid = temporalLayerId >= 0;
        bool hasKeyIdx = keyIdx >= 0;
        bool hasExtension = pictureIdLength != 0 || hasTl0 || hasTid || hasKeyIdx;
        int size = 1 + (hasExtension ? 1 : 0) + pictureIdLength + (hasTl0 ? 1 : 0) + (hasTid || hasKeyIdx ? 1 : 0);
        return new Vp8PayloadDescriptor(
            hasExtension, isNonReference, isStartOfPartition, partitionId, pictureIdLength,
            (ushort)Math.Max(pictureId, 0), hasTl0, (byte)Math.Max(tl0PicIdx, 0), hasTid,
            (byte)Math.Max(temporalLayerId, 0), hasTid && layerSync, hasKeyIdx, (byte)Math.Max(keyIdx, 0), size);
    }

    public int GetSize() => Size;

    /// <summary>Writes the descriptor; returns <see cref="Size"/>.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("Destination is smaller than the descriptor.", nameof(destination));
        }

        int offset = 0;
        destination[offset++] = (byte)((HasExtension ? ExtendedBit : 0)
            | (IsNonReference ? NonReferenceBit : 0)
            | (IsStartOfPartition ? StartOfPartitionBit : 0)
            | PartitionId);
        if (!HasExtension)
        {
            return offset;
        }

        destination[offset++] = (byte)((HasPictureId ? PictureIdPresentBit : 0)
            | (HasTl0PicIdx ? Tl0PicIdxPresentBit : 0)
            | (HasTemporalLayerId ? TidPresentBit : 0)
            | (HasKeyIdx ? KeyIdxPresentBit : 0));
        if (PictureIdLength == 2)
        {
            destination[offset++] = (byte)(LongPictureIdBit | (PictureId >> 8));
            destination[offset++] = (byte)PictureId;
        }
        else if (PictureIdLength == 1)
        {
            destination[offset++] = (byte)PictureId;
        }

        if (HasTl0PicIdx)
        {
            destination[offset++] = Tl0PicIdx;
        }

        if (HasTemporalLayerId || HasKeyIdx)
        {
            destination[offset++] = (byte)((TemporalLayerId << TidShift) | (LayerSync ? LayerSyncBit : 0) | KeyIdx);
        }

        return offset;
    }

    /// <summary>Parses the descriptor at the start of an RTP payload. <paramref name="consumed"/> = <see cref="Size"/>.</summary>
    public static Vp8Error TryRead(ReadOnlySpan<byte> payload, out Vp8PayloadDescriptor descriptor, out int consumed)
    {
        descriptor = default;
        consumed = 0;
        if (payload.IsEmpty)
        {
            return Vp8Error.Empty;
        }

        byte first = payload[0];
        int offset = 1;
        bool hasExtension = (first & ExtendedBit) != 0;
        int pictureIdLength = 0;
        ushort pictureId = 0;
        bool hasTl0 = false;
        byte tl0 = 0;
        bool hasTid = false;
        byte tid = 0;
        bool layerSync = false;
        bool hasKeyIdx = false;
        byte keyIdx = 0;

        if (hasExtension)
        {
            if (offset >= payload.Length)
            {
                return Vp8Error.DescriptorTruncated;
            }

            byte extension = payload[offset++];
            if ((extension & PictureIdPresentBit) != 0)
            {
                if (offset >= payload.Length)
                {
                    return Vp8Error.DescriptorTruncated;
                }

                if ((payload[offset] & LongPictureIdBit) != 0)
                {
                    if (offset + 1 >= payload.Length)
                    {
                        return Vp8Error.DescriptorTruncated;
                    }

                    pictureId = (ushort)(((payload[offset] << 8) | payload[offset + 1]) & LongPictureIdMask);
                    pictureIdLength = 2;
                }
                else
                {
                    pictureId = (ushort)(payload[offset] & ShortPictureIdMask);
                    pictureIdLength = 1;
                }

                offset += pictureIdLength;
            }

            if ((extension & Tl0PicIdxPresentBit) != 0)
            {
                if (offset >= payload.Length)
                {
                    return Vp8Error.DescriptorTruncated;
                }

                hasTl0 = true;
                tl0 = payload[offset++];
            }

            hasTid = (extension & TidPresentBit) != 0;
            hasKeyIdx = (extension & KeyIdxPresentBit) != 0;
            if (hasTid || hasKeyIdx)
            {
                if (offset >= payload.Length)
                {
                    return Vp8Error.DescriptorTruncated;
                }

                byte b = payload[offset++];
                if (hasTid)
                {
                    tid = (byte)(b >> TidShift);
                    layerSync = (b & LayerSyncBit) != 0;
                }

                if (hasKeyIdx)
                {
                    keyIdx = (byte)(b & KeyIdxMask);
                }
            }
        }

        descriptor = new Vp8PayloadDescriptor(
            hasExtension,
            isNonReference: (first & NonReferenceBit) != 0,
            isStartOfPartition: (first & StartOfPartitionBit) != 0,
            partitionId: (byte)(first & PartitionIdMask),
            pictureIdLength, pictureId, hasTl0, tl0, hasTid, tid, layerSync, hasKeyIdx, keyIdx,
            size: offset);
        consumed = offset;
        return Vp8Error.None;
    }

    /// <summary>
    /// True when the payload starts a key frame: the start of partition 0 (S = 1, PID = 0) whose
    /// VP8 payload header has P = 0. False for anything else, malformed input included.
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload) => TryIsKeyFrame(payload, out bool isKeyFrame) == Vp8Error.None && isKeyFrame;

    /// <summary><see cref="IsKeyFrame"/> with the refusal reason when the payload is malformed.</summary>
    public static Vp8Error TryIsKeyFrame(ReadOnlySpan<byte> payload, out bool isKeyFrame)
    {
        isKeyFrame = false;
        Vp8Error error = TryRead(payload, out Vp8PayloadDescriptor descriptor, out int consumed);
        if (error != Vp8Error.None)
        {
            return error;
        }

        if (consumed >= payload.Length)
        {
            return Vp8Error.NoPayloadData;
        }

        isKeyFrame = descriptor.IsStartOfPartition
            && descriptor.PartitionId == 0
            && (payload[consumed] & InverseKeyFrameBit) == 0;
        return Vp8Error.None;
    }

    /// <summary>
    /// Rewrites the PictureID in place, keeping its width (7 or 15 bits; the value is truncated to
    /// it). Returns false when the descriptor has no PictureID.
    /// </summary>
    public static bool TrySetPictureId(Span<byte> payload, in Vp8PayloadDescriptor descriptor, ushort pictureId)
    {
        if (!descriptor.HasPictureId || descriptor.Size > payload.Length)
        {
            return false;
        }

        int offset = descriptor.PictureIdOffset;
        if (descriptor.PictureIdLength == 2)
        {
            payload[offset] = (byte)(LongPictureIdBit | ((pictureId >> 8) & 0x7F));
            payload[offset + 1] = (byte)pictureId;
        }
        else
        {
            payload[offset] = (byte)(pictureId & ShortPictureIdMask);
        }

        return true;
    }

    /// <summary>Rewrites TL0PICIDX in place. Returns false when the descriptor has none.</summary>
    public static bool TrySetTl0PicIdx(Span<byte> payload, in Vp8PayloadDescriptor descriptor, byte tl0PicIdx)
    {
        if (!descriptor.HasTl0PicIdx || descriptor.Size > payload.Length)
        {
            return false;
        }

        payload[descriptor.Tl0PicIdxOffset] = tl0PicIdx;
        return true;
    }
}
