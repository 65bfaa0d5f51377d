using System.Buffers.Binary;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>Finds the length and count fields of the binary formats, as far as the input's structure goes.</summary>
internal static class LengthFieldWalker
{
    /// <summary>STUN: the message length, then each attribute's length (RFC 8489 §5, §14).</summary>
    public static void Stun(ReadOnlySpan<byte> input, List<LengthField> fields)
    {
        if (input.Length < 20)
        {
            return;
        }

        fields.Add(new LengthField(2, 2));
        for (int at = 20; at + 4 <= input.Length && fields.Count < 64;)
        {
            fields.Add(new LengthField(at + 2, 2));
            at += 4 + ((BinaryPrimitives.ReadUInt16BigEndian(input[(at + 2)..]) + 3) & ~3);
        }
    }

    /// <summary>RTP: CSRC count, extension length, padding count (RFC 3550 §5.1), element lengths (RFC 8285).</summary>
    public static void Rtp(ReadOnlySpan<byte> input, List<LengthField> fields)
    {
        if (input.Length < 12)
        {
            return;
        }

        fields.Add(new LengthField(0, 1, 0x0F));
        fields.Add(new LengthField(input.Length - 1, 1));
        int extension = 12 + (4 * (input[0] & 0x0F));
        if ((input[0] & 0x10) == 0 || extension + 4 > input.Length)
        {
            return;
        }

        fields.Add(new LengthField(extension + 2, 2));
        bool oneByte = input[extension] == 0xBE && input[extension + 1] == 0xDE;
        int end = Math.Min(input.Length, extension + 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(input[(extension + 2)..])));
        for (int at = extension + 4; at < end && fields.Count < 64;)
        {
            if (input[at] == 0)
            {
                at++;
                continue;
            }

            if (oneByte)
            {
                fields.Add(new LengthField(at, 1, 0x0F));
                at += 2 + (input[at] & 0x0F);
            }
            else if (at + 1 < end)
            {
                fields.Add(new LengthField(at + 1, 1));
                at += 2 + input[at + 1];
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>RTCP: each packet's count and length (RFC 3550 §6.4), TWCC status count, REMB SSRC count.</summary>
    public static void Rtcp(ReadOnlySpan<byte> input, List<LengthField> fields)
    {
        for (int at = 0; at + 4 <= input.Length && fields.Count < 64;)
        {
            fields.Add(new LengthField(at, 1, 0x1F));
            fields.Add(new LengthField(at + 2, 2));
            byte type = input[at + 1];
            int format = input[at] & 0x1F;
            if (type == 205 && format == 15 && at + 16 <= input.Length)
            {
                fields.Add(new LengthField(at + 14, 2)); // packet status count
            }
            else if (type == 206 && format == 15 && at + 17 <= input.Length)
            {
                fields.Add(new LengthField(at + 16, 1)); // REMB number of SSRCs
            }

            at += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(input[(at + 2)..]));
        }
    }

    /// <summary>DTLS: each record's length (RFC 6347 §4.1) and, in epoch 0, the handshake lengths (§4.2.2).</summary>
    public static void Dtls(ReadOnlySpan<byte> input, List<LengthField> fields)
    {
        for (int at = 0; at + 13 <= input.Length && fields.Count < 64;)
        {
            fields.Add(new LengthField(at + 11, 2));
            int length = BinaryPrimitives.ReadUInt16BigEndian(input[(at + 11)..]);
            bool epochZero = input[at + 3] == 0 && input[at + 4] == 0;
            if (input[at] == 22 && epochZero && at + 25 <= input.Length)
            {
                fields.Add(new LengthField(at + 14, 3)); // message length
                fields.Add(new LengthField(at + 19, 3)); // fragment offset
                fields.Add(new LengthField(at + 22, 3)); // fragment length
            }

            at += 13 + length;
        }
    }

    /// <summary>H.264 STAP-A: each aggregated unit's size (RFC 6184 §5.7.1).</summary>
    public static void H264(ReadOnlySpan<byte> input, List<LengthField> fields)
    {
        if (input.Length < 3 || (input[0] & 0x1F) != 24)
        {
            return;
        }

        for (int at = 1; at + 2 <= input.Length && fields.Count < 64;)
        {
            fields.Add(new LengthField(at, 2));
            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(input[at..]);
        }
    }
}
