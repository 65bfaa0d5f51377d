using System.Buffers.Binary;
using System.Numerics;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>REMB: receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 §2.2), PT=206 FMT=15.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P| FMT=15  |   PT=206      |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of media source (0)                     |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Unique identifier 'R' 'E' 'M' 'B'                            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Num SSRC     | BR Exp    |  BR Mantissa                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |   SSRC feedback                                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ...                                                          |
/// </code>
/// Bitrate (bits/s) = mantissa × 2^exp; exp is 6 bits, mantissa 18 bits.
/// </remarks>
public readonly ref struct ReceiverEstimatedMaxBitrate
{
    /// <summary>"REMB" in ASCII, big-endian.</summary>
    public const uint Identifier = 0x52454D42;
    public const int MaxSsrcCount = 255;
    private const int IdentifierOffset = 8;
    private const int NumSsrcOffset = 12;
    private const int BitrateOffset = 13;
    private const int SsrcsOffset = 16;
    private const int MantissaBits = 18;

    public ReceiverEstimatedMaxBitrate(uint senderSsrc, ulong bitrate, ReadOnlySpan<uint> ssrcs)
        : this(senderSsrc, bitrate, new SsrcList(ssrcs))
    {
        if (ssrcs.Length > MaxSsrcCount)
        {
            RtcpWriter.ThrowArgument(nameof(ssrcs), "At most 255 SSRCs fit in one REMB.");
        }
    }

    private ReceiverEstimatedMaxBitrate(uint senderSsrc, ulong bitrate, SsrcList ssrcs)
    {
        SenderSsrc = senderSsrc;
        Bitrate = bitrate;
        Ssrcs = ssrcs;
    }

    public uint SenderSsrc { get; }

    /// <summary>Estimated maximum bitrate in bits per second. Written rounded down to what 18 bits of mantissa hold.</summary>
    public ulong Bitrate { get; }

    /// <summary>The media SSRCs the estimate applies to.</summary>
    public SsrcList Ssrcs { get; }

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out ReceiverEstimatedMaxBitrate value, out int consumed)
    {
        value = default;
        var error = RtcpPacket.TryReadBody(data, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.ApplicationLayer, out _, out var body, out consumed);
        if (error != RtcpError.None)
        {
            return error;
        }

        if (body.Length < IdentifierOffset + 4)
        {
            consumed = 0;
            return RtcpError.TooShort;
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(body.Slice(IdentifierOffset)) != Identifier)
        {
            consumed = 0;
            return RtcpError.NotRemb;
        }

        if (body.Length < SsrcsOffset)
        {
            consumed = 0;
            return RtcpError.TooShort;
        }

        int ssrcLength = body[NumSsrcOffset] * 4;
        if (body.Length - SsrcsOffset != ssrcLength)
        {
            consumed = 0;
            return RtcpError.CountMismatch;
        }

        int exponent = body[BitrateOffset] >> 2;
        uint mantissa = ((uint)(body[BitrateOffset] & 0x03) << 16) | ((uint)body[BitrateOffset + 1] << 8) | body[BitrateOffset + 2];
        value = new ReceiverEstimatedMaxBitrate(
            BinaryPrimitives.ReadUInt32BigEndian(body.Slice(PictureLossIndication.SenderSsrcOffset)),
            DecodeBitrate(exponent, mantissa),
            SsrcList.FromWire(body.Slice(SsrcsOffset, ssrcLength)));
        return RtcpError.None;
    }

    public int GetSize() => RtcpHeader.Size + SsrcsOffset + Ssrcs.ByteLength;

    public int WriteTo(Span<byte> destination)
    {
        int size = GetSize();
        RtcpWriter.EnsureSpace(destination, size);
        RtcpHeader.Write(destination, RtcpFeedbackFormat.ApplicationLayer, RtcpPacketType.PayloadFeedback, size);
        var body = destination.Slice(RtcpHeader.Size);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(PictureLossIndication.SenderSsrcOffset), SenderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(PictureLossIndication.MediaSsrcOffset), 0);
        BinaryPrimitives.WriteUInt32BigEndian(body.Slice(IdentifierOffset), Identifier);
        EncodeBitrate(Bitrate, out int exponent, out uint mantissa);
        body[NumSsrcOffset] = (byte)Ssrcs.Count;
        body[BitrateOffset] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        body[BitrateOffset + 1] = (byte)(mantissa >> 8);
        body[BitrateOffset + 2] = (byte)mantissa;
        Ssrcs.WriteTo(body.Slice(SsrcsOffset));
        return size;
    }

    /// <summary>Smallest exponent whose mantissa fits 18 bits; the mantissa is rounded down.</summary>
    internal static void EncodeBitrate(ulong bitrate, out int exponent, out uint mantissa)
    {
        int bits = 64 - BitOperations.LeadingZeroCount(bitrate);
        exponent = Math.Max(0, bits - MantissaBits);
        mantissa = (uint)(bitrate >> exponent);
    }

    /// <summary>mantissa × 2^exponent, saturated at <see cref="ulong.MaxValue"/>.</summary>
    internal static ulong DecodeBitrate(int exponent, uint mantissa)
    {
        if (mantissa == 0)
        {
            return 0;
        }

        int bits = 32 - BitOperations.LeadingZeroCount(mantissa);
        return bits + exponent > 64 ? ulong.MaxValue : (ulong)mantissa << exponent;
    }
}
