using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714).
/// </summary>
/// <remarks>
/// <code>
/// SRTP (§8):   | RTP header = AAD | ciphertext | 16-octet tag |
///   IV (§8.1) = (00 00 || SSRC || ROC || SEQ) XOR salt            (12 octets)
///
/// SRTCP (§9):  | hdr + SSRC (8) | ciphertext | 16-octet tag | E|index |
///   AAD (§9.2) = hdr + SSRC (8) || E|index          (E = 1)
///              = whole RTCP packet || E|index       (E = 0: nothing encrypted, §9.3)
///   IV (§9.1)  = (00 00 || SSRC || 00 00 || 0 || 31-bit index) XOR salt
/// </code>
/// One <see cref="AesGcm"/> is kept per transform; it allocates nothing per call. A tag mismatch
/// surfaces as <see cref="AuthenticationTagMismatchException"/>, caught here and turned into
/// false (so a forged packet costs one caught exception; nothing escapes).
/// </remarks>
internal sealed class AesGcmTransform : SrtpTransform
{
    private const int NonceLength = 12;
    private const int NonceSsrcOffset = 2;
    private const int NonceRocOffset = 6;
    private const int NonceSeqOffset = 10;
    private const int NonceRtcpIndexOffset = 8;
    private const int RtcpHeaderLength = 8;
    private const int RtcpAadLength = RtcpHeaderLength + SrtpProfileInfo.SrtcpIndexLength;
    private const uint EncryptedFlag = 0x8000_0000;
    private const int Tag = SrtpProfileInfo.AeadTagLength;

    private readonly AesGcm _gcm;
    private readonly byte[] _salt;

    public AesGcmTransform(SrtpSessionKeys keys)
    {
        _gcm = new AesGcm(keys.EncryptionKey, Tag);
        _salt = (byte[])keys.Salt.Clone();
    }

    public override int TagLength => Tag;

    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(_salt, ssrc, index, nonce);
        int payloadEnd = packet.Length - Tag;
        Span<byte> payload = packet.Slice(headerLength, payloadEnd - headerLength);
        _gcm.Encrypt(nonce, payload, payload, packet.Slice(payloadEnd), packet.Slice(0, headerLength));
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtpNonce(_salt, ssrc, index, nonce);
        int payloadEnd = packet.Length - Tag;
        Span<byte> payload = packet.Slice(headerLength, payloadEnd - headerLength);
        return TryDecrypt(nonce, payload, packet.Slice(payloadEnd), packet.Slice(0, headerLength));
    }

    public override void ProtectRtcp(Span<byte> packet, int rtcpLength, uint ssrc, uint index)
    {
        uint word = EncryptedFlag | index;
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(_salt, ssrc, index, nonce);
        Span<byte> aad = stackalloc byte[RtcpAadLength];
        packet.Slice(0, RtcpHeaderLength).CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad.Slice(RtcpHeaderLength), word);
        Span<byte> body = packet.Slice(RtcpHeaderLength, rtcpLength - RtcpHeaderLength);
        _gcm.Encrypt(nonce, body, body, packet.Slice(rtcpLength, Tag), aad);
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(rtcpLength + Tag), word);
    }

    public override uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(packet.Length - SrtpProfileInfo.SrtcpIndexLength));

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord)
    {
        Span<byte> nonce = stackalloc byte[NonceLength];
        BuildRtcpNonce(_salt, ssrc, indexWord & ~EncryptedFlag, nonce);
        int tagOffset = packet.Length - SrtpProfileInfo.SrtcpIndexLength - Tag;
        if ((indexWord & EncryptedFlag) != 0)
        {
            Span<byte> aad = stackalloc byte[RtcpAadLength];
            packet.Slice(0, RtcpHeaderLength).CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad.Slice(RtcpHeaderLength), indexWord);
            Span<byte> body = packet.Slice(RtcpHeaderLength, tagOffset - RtcpHeaderLength);
            return TryDecrypt(nonce, body, packet.Slice(tagOffset, Tag), aad);
        }

        // E = 0: the AAD is the RTCP packet followed by the index word, which the wire splits
        // with the tag. Keep the tag aside and move the word next to the packet (bytes past the
        // RTCP packet are not part of the result), so the AAD is one contiguous span.
        Span<byte> tag = stackalloc byte[Tag];
        packet.Slice(tagOffset, Tag).CopyTo(tag);
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(tagOffset), indexWord);
        return TryDecrypt(nonce, Span<byte>.Empty, tag, packet.Slice(0, tagOffset + SrtpProfileInfo.SrtcpIndexLength));
    }

    internal static void BuildRtpNonce(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NonceSsrcOffset), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NonceRocOffset), (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce.Slice(NonceSeqOffset), (ushort)index);
        XorSalt(salt, nonce);
    }

    internal static void BuildRtcpNonce(ReadOnlySpan<byte> salt, uint ssrc, uint index, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NonceSsrcOffset), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NonceRtcpIndexOffset), index & ~EncryptedFlag);
        XorSalt(salt, nonce);
    }

    private static void XorSalt(ReadOnlySpan<byte> salt, Span<byte> nonce)
    {
        for (int i = 0; i < NonceLength; i++)
        {
            nonce[i] ^= salt[i];
        }
    }

    private bool TryDecrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        try
        {
            _gcm.Decrypt(nonce, data, tag, data, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        _gcm.Dispose();
        CryptographicOperations.ZeroMemory(_salt);
    }
}
