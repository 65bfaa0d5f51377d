namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// RFC 3711 §4.3 key derivation with key_derivation_rate 0, the AES-CM PRF of §4.3.3.
/// </summary>
/// <remarks>
/// <code>
///   key_id = label || r            (r = index DIV kdr = 0, 48 bits)
///   x      = key_id XOR master_salt (key_id right-aligned on the 112-bit salt: label hits octet 7)
///   k      = AES-CM(master_key, IV = x * 2^16)   truncated to the needed length
/// </code>
/// AEAD_AES_128_GCM (RFC 7714 §11) uses the same PRF; its 96-bit master salt is padded on the
/// right with zero octets to the 112-bit width, as libsrtp and pion do, and the 96-bit session
/// salt is the first 12 octets of the PRF output.
/// </remarks>
internal static class SrtpKeyDerivation
{
    internal const byte LabelRtpEncryption = 0x00;
    internal const byte LabelRtpAuthentication = 0x01;
    internal const byte LabelRtpSalt = 0x02;
    internal const byte LabelRtcpEncryption = 0x03;
    internal const byte LabelRtcpAuthentication = 0x04;
    internal const byte LabelRtcpSalt = 0x05;

    private const int LabelOffset = 7;

    /// <summary>Fills <paramref name="output"/> with PRF(master key, x(label)).</summary>
    public static void Derive(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[LabelOffset] ^= label;
        output.Clear();
        prf.Apply(iv, output);
    }

    /// <summary>Derives the SRTP (<paramref name="rtcp"/> false) or SRTCP session keys of a profile.</summary>
    public static SrtpSessionKeys DeriveSessionKeys(
        SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, bool rtcp)
    {
        bool aead = profile == SrtpProfile.AeadAes128Gcm;
        var encryptionKey = new byte[SrtpProfileInfo.AesKeyLength];
        var salt = new byte[aead ? SrtpProfileInfo.AeadSaltLength : SrtpProfileInfo.AesCmSaltLength];
        var authenticationKey = aead ? Array.Empty<byte>() : new byte[SrtpProfileInfo.HmacSha1KeyLength];

        using var prf = new AesCounterMode(masterKey);
        Derive(prf, masterSalt, rtcp ? LabelRtcpEncryption : LabelRtpEncryption, encryptionKey);
        Derive(prf, masterSalt, rtcp ? LabelRtcpSalt : LabelRtpSalt, salt);
        if (!aead)
        {
            Derive(prf, masterSalt, rtcp ? LabelRtcpAuthentication : LabelRtpAuthentication, authenticationKey);
        }

        return new SrtpSessionKeys(encryptionKey, salt, authenticationKey);
    }
}
