using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// AES_CM_128 + HMAC-SHA1 (RFC 3711 §4.1.1, §4.2.1), for SRTP and SRTCP.
/// </summary>
/// <remarks>
/// <code>
/// SRTP:   | RTP header | encrypted payload (AES-CM)  | auth tag |      tag = HMAC(k_a, header||payload||ROC)
/// SRTCP:  | hdr + SSRC (8) | encrypted rest | E|index | auth tag |  tag = HMAC(k_a, all before the tag)
///
/// IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)        (16 octets)
///      octets 0..13 salt, SSRC lands on 4..7, the 48-bit index on 8..13, 14..15 are the block counter.
/// </code>
/// The HMAC is an <see cref="IncrementalHash"/> kept for the life of the transform
/// (AppendData + TryGetHashAndReset allocate nothing).
/// </remarks>
internal sealed class AesCmHmacSha1Transform : SrtpTransform
{
    private const int SsrcOffset = 4;
    private const int IndexOffset = 8;
    private const int RocLength = 4;
    private const int Sha1Length = 20;
    private const int RtcpEncryptedOffset = 8;
    private const uint EncryptedFlag = 0x8000_0000;

    private readonly AesCounterMode _cipher;
    private readonly IncrementalHash _hmac;
    private readonly byte[] _salt;
    private readonly int _tagLength;

    public AesCmHmacSha1Transform(SrtpSessionKeys keys, int tagLength)
    {
        _cipher = new AesCounterMode(keys.EncryptionKey);
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.AuthenticationKey);
        _salt = (byte[])keys.Salt.Clone();
        _tagLength = tagLength;
    }

    public override int TagLength => _tagLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int payloadEnd = packet.Length - _tagLength;
        Encrypt(packet.Slice(headerLength, payloadEnd - headerLength), ssrc, index);
        Span<byte> mac = stackalloc byte[Sha1Length];
        ComputeRtpMac(packet.Slice(0, payloadEnd), (uint)(index >> 16), mac);
        mac.Slice(0, _tagLength).CopyTo(packet.Slice(payloadEnd));
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int payloadEnd = packet.Length - _tagLength;
        Span<byte> mac = stackalloc byte[Sha1Length];
        ComputeRtpMac(packet.Slice(0, payloadEnd), (uint)(index >> 16), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac.Slice(0, _tagLength), packet.Slice(payloadEnd)))
        {
            return false;
        }

        Encrypt(packet.Slice(headerLength, payloadEnd - headerLength), ssrc, index);
        return true;
    }

    public override void ProtectRtcp(Span<byte> packet, int rtcpLength, uint ssrc, uint index)
    {
        Encrypt(packet.Slice(RtcpEncryptedOffset, rtcpLength - RtcpEncryptedOffset), ssrc, index);
        BinaryPrimitives.WriteUInt32BigEndian(packet.Slice(rtcpLength), EncryptedFlag | index);
        int authenticatedEnd = rtcpLength + SrtpProfileInfo.SrtcpIndexLength;
        Span<byte> mac = stackalloc byte[Sha1Length];
        _hmac.AppendData(packet.Slice(0, authenticatedEnd));
        _hmac.TryGetHashAndReset(mac, out _);
        mac.Slice(0, _tagLength).CopyTo(packet.Slice(authenticatedEnd));
    }

    public override uint ReadRtcpIndexWord(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt32BigEndian(packet.Slice(packet.Length - _tagLength - SrtpProfileInfo.SrtcpIndexLength));

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord)
    {
        int authenticatedEnd = packet.Length - _tagLength;
        Span<byte> mac = stackalloc byte[Sha1Length];
        _hmac.AppendData(packet.Slice(0, authenticatedEnd));
        _hmac.TryGetHashAndReset(mac, out _);
        if (!CryptographicOperations.FixedTimeEquals(mac.Slice(0, _tagLength), packet.Slice(authenticatedEnd)))
        {
            return false;
        }

        if ((indexWord & EncryptedFlag) != 0)
        {
            int rtcpLength = authenticatedEnd - SrtpProfileInfo.SrtcpIndexLength;
            Encrypt(packet.Slice(RtcpEncryptedOffset, rtcpLength - RtcpEncryptedOffset), ssrc, indexWord & ~EncryptedFlag);
        }

        return true;
    }

    /// <summary>Builds the §4.1.1 IV into <paramref name="iv"/> (16 bytes).</summary>
    internal static void BuildIv(ReadOnlySpan<byte> salt, uint ssrc, ulong index, Span<byte> iv)
    {
        iv.Clear();
        salt.CopyTo(iv);
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(word, ssrc);
        for (int i = 0; i < 4; i++)
        {
            iv[SsrcOffset + i] ^= word[i];
        }

        BinaryPrimitives.WriteUInt64BigEndian(word, index << 16);
        for (int i = 0; i < 6; i++)
        {
            iv[IndexOffset + i] ^= word[i];
        }
    }

    private void Encrypt(Span<byte> data, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        BuildIv(_salt, ssrc, index, iv);
        _cipher.Apply(iv, data);
    }

    private void ComputeRtpMac(ReadOnlySpan<byte> authenticated, uint roc, Span<byte> mac)
    {
        Span<byte> rocBytes = stackalloc byte[RocLength];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        _hmac.AppendData(authenticated);
        _hmac.AppendData(rocBytes);
        _hmac.TryGetHashAndReset(mac, out _);
    }

    public override void Dispose()
    {
        _cipher.Dispose();
        _hmac.Dispose();
        CryptographicOperations.ZeroMemory(_salt);
    }
}
