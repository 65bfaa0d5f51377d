namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// Sizes that follow from a <see cref="SrtpProfile"/>: master key and salt lengths (what the DTLS
/// exporter must produce, RFC 5764 §4.2) and the bytes SRTP / SRTCP add to a packet (what the
/// engine must leave free at the end of a buffer before calling Protect).
/// </summary>
/// <remarks>
/// Overheads: RTP adds the auth tag only (no MKI). SRTCP adds the 4-octet E flag + 31-bit index
/// word and the tag: 4 + 10 for both AES-CM profiles (SRTCP keeps the 80-bit tag even for _32),
/// 4 + 16 for GCM.
/// </remarks>
public static class SrtpProfileInfo
{
    /// <summary>The largest number of bytes ProtectRtp adds, over all supported profiles.</summary>
    public const int MaxRtpOverhead = AeadTagLength;

    /// <summary>The largest number of bytes ProtectRtcp adds, over all supported profiles.</summary>
    public const int MaxRtcpOverhead = SrtcpIndexLength + AeadTagLength;

    internal const int AesKeyLength = 16;
    internal const int AesCmSaltLength = 14;
    internal const int AeadSaltLength = 12;
    internal const int HmacSha1KeyLength = 20;
    internal const int HmacSha1_80TagLength = 10;
    internal const int HmacSha1_32TagLength = 4;
    internal const int AeadTagLength = 16;
    internal const int SrtcpIndexLength = 4;

    /// <summary>True for the profiles this implementation can run.</summary>
    public static bool IsSupported(SrtpProfile profile) => profile is SrtpProfile.AesCm128HmacSha1_80
        or SrtpProfile.AesCm128HmacSha1_32 or SrtpProfile.AeadAes128Gcm;

    /// <summary>Master key length in bytes (16 for every supported profile).</summary>
    public static int GetMasterKeyLength(SrtpProfile profile)
    {
        ThrowIfUnsupported(profile);
        return AesKeyLength;
    }

    /// <summary>Master salt length in bytes: 14 for AES-CM, 12 for AEAD_AES_128_GCM.</summary>
    public static int GetMasterSaltLength(SrtpProfile profile)
    {
        ThrowIfUnsupported(profile);
        return profile == SrtpProfile.AeadAes128Gcm ? AeadSaltLength : AesCmSaltLength;
    }

    /// <summary>Bytes of keying material one DTLS-SRTP export must yield: 2 × (key + salt), RFC 5764 §4.2.</summary>
    public static int GetKeyingMaterialLength(SrtpProfile profile) =>
        2 * (GetMasterKeyLength(profile) + GetMasterSaltLength(profile));

    /// <summary>RTP authentication tag length: 10, 4 or 16 bytes.</summary>
    public static int GetRtpAuthTagLength(SrtpProfile profile)
    {
        ThrowIfUnsupported(profile);
        return profile switch
        {
            SrtpProfile.AesCm128HmacSha1_80 => HmacSha1_80TagLength,
            SrtpProfile.AesCm128HmacSha1_32 => HmacSha1_32TagLength,
            _ => AeadTagLength,
        };
    }

    /// <summary>SRTCP authentication tag length: 10 for both AES-CM profiles, 16 for GCM.</summary>
    public static int GetRtcpAuthTagLength(SrtpProfile profile)
    {
        ThrowIfUnsupported(profile);
        return profile == SrtpProfile.AeadAes128Gcm ? AeadTagLength : HmacSha1_80TagLength;
    }

    /// <summary>Bytes ProtectRtp adds to an RTP packet (the tag; no MKI is used).</summary>
    public static int GetRtpOverhead(SrtpProfile profile) => GetRtpAuthTagLength(profile);

    /// <summary>Bytes ProtectRtcp adds to an RTCP packet (E flag + index word, and the tag).</summary>
    public static int GetRtcpOverhead(SrtpProfile profile) => SrtcpIndexLength + GetRtcpAuthTagLength(profile);

    private static void ThrowIfUnsupported(SrtpProfile profile)
    {
        if (!IsSupported(profile))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP protection profile.");
        }
    }
}
