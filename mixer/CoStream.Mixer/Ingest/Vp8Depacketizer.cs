using System.Buffers.Binary;
using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.Mixer.Ingest;

/*
 RFC 6386 §9.1 VP8 frame tag (first bytes of the VP8 payload of a frame), and for a key frame
 the start code and the picture size:

   byte 0..2: |size0|show_frame|version|P|  ...  (P = 0: key frame)
   byte 3..5: 9D 01 2A                          (key frames only)
   byte 6..7: width  (14 bits, little endian) + 2 bits horizontal scale
   byte 8..9: height (14 bits, little endian) + 2 bits vertical scale
*/

/// <summary>
/// Rebuilds one VP8 frame from the RTP payloads of one picture (RFC 7741 §4): strips each payload
/// descriptor and concatenates the partitions in order. The first packet must start partition 0
/// (S = 1, PID = 0, §4.2); all packets must carry the same PictureID when it is present.
/// </summary>
public static class Vp8Depacketizer
{
    private const int KeyFrameHeaderSize = 10;

    internal static IngestDropReason Depacketize(IReadOnlyList<JitterPacket> packets, FrameBuffer output, out bool keyFrame, out int width, out int height)
    {
        output.Clear();
        keyFrame = false;
        width = height = 0;
        var pictureId = -1;
        for (var i = 0; i < packets.Count; i++)
        {
            var payload = packets[i].Payload;
            if (Vp8PayloadDescriptor.TryRead(payload, out var descriptor, out var consumed) != Vp8Error.None || consumed >= payload.Length)
                return IngestDropReason.MalformedPayload;
            if (i == 0)
            {
                if (!descriptor.IsStartOfPartition || descriptor.PartitionId != 0) return IngestDropReason.MissingPictureStart;
                pictureId = descriptor.HasPictureId ? descriptor.PictureId : -1;
            }
            else if (descriptor.HasPictureId != (pictureId >= 0) || (pictureId >= 0 && descriptor.PictureId != pictureId))
            {
                return IngestDropReason.MalformedPayload;
            }
            if (!output.TryAppend(payload.Slice(consumed))) return IngestDropReason.FrameTooLarge;
        }
        var frame = output.Written;
        if (frame.Length < 3) return IngestDropReason.MalformedPayload;
        keyFrame = (frame[0] & 0x01) == 0;
        if (keyFrame)
        {
            if (frame.Length < KeyFrameHeaderSize || frame[3] != 0x9D || frame[4] != 0x01 || frame[5] != 0x2A) return IngestDropReason.MalformedPayload;
            width = BinaryPrimitives.ReadUInt16LittleEndian(frame.Slice(6)) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(frame.Slice(8)) & 0x3FFF;
        }
        return IngestDropReason.None;
    }

    /// <summary>True when the first payload of a frame starts a VP8 key frame (RFC 7741 §4.3).</summary>
    public static bool StartsKeyFrame(ReadOnlySpan<byte> firstPayload) => Vp8PayloadDescriptor.IsKeyFrame(firstPayload);
}
