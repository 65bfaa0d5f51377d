namespace CoStream.Sfu.Protocols.Codecs;

/*
 RFC 9628 (draft-ietf-payload-vp9) §4.2 VP9 payload descriptor, first bytes:

         0 1 2 3 4 5 6 7
        +-+-+-+-+-+-+-+-+
        |I|P|L|F|B|E|V|Z| (REQUIRED)
        +-+-+-+-+-+-+-+-+
   I:   |M| PICTURE ID  | (present if I)
        +-+-+-+-+-+-+-+-+
   M:   | EXTENDED PID  | (present if M)
        +-+-+-+-+-+-+-+-+
   L:   |  TID  |U| SID |D| (present if L)
        +-+-+-+-+-+-+-+-+

 P: inter-picture predicted. B: start of a frame. SID: spatial layer.
*/

/// <summary>Minimal VP9 payload inspection: keyframe detection only.</summary>
public static class Vp9Payload
{
    private const byte PictureIdBit = 0x80;
    private const byte InterPictureBit = 0x40;
    private const byte LayerIndicesBit = 0x20;
    private const byte BeginningOfFrameBit = 0x08;
    private const byte LongPictureIdBit = 0x80;
    private const int SpatialIdShift = 1;
    private const byte SpatialIdMask = 0x07;

    /// <summary>
    /// True when the payload starts a frame (B = 1) that is not inter-picture predicted (P = 0)
    /// and, when layer indices are present, belongs to the base spatial layer (SID = 0).
    /// False for anything else, truncated descriptors included.
    /// </summary>
    public static bool IsKeyFrame(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return false;
        }

        byte first = payload[0];
        if ((first & InterPictureBit) != 0 || (first & BeginningOfFrameBit) == 0)
        {
            return false;
        }

        if ((first & LayerIndicesBit) == 0)
        {
            return true;
        }

        int offset = 1;
        if ((first & PictureIdBit) != 0)
        {
            if (offset >= payload.Length)
            {
                return false;
            }

            offset += (payload[offset] & LongPictureIdBit) != 0 ? 2 : 1;
        }

        return offset < payload.Length && ((payload[offset] >> SpatialIdShift) & SpatialIdMask) == 0;
    }
}
