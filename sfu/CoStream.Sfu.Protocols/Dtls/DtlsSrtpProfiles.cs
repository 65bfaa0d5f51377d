namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// SRTP protection profile ids as carried in the use_srtp extension (RFC 5764 §4.1.2, RFC 7714 §14.2)
/// and the master key / salt lengths that go with them. Plain <see cref="ushort"/> ids so this folder
/// does not depend on the SRTP helper.
/// </summary>
public static class DtlsSrtpProfiles
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 {0x00, 0x01}: 128-bit key, 112-bit salt.</summary>
    public const ushort AesCm128HmacSha1_80 = 0x0001;

    /// <summary>SRTP_AEAD_AES_128_GCM {0x00, 0x07}: 128-bit key, 96-bit salt.</summary>
    public const ushort AeadAes128Gcm = 0x0007;

    /// <summary>What we offer/accept by default, most preferred first: GCM, then CM-80.</summary>
    public static IReadOnlyList<ushort> Default { get; } = new[] { AeadAes128Gcm, AesCm128HmacSha1_80 };

    public static bool IsSupported(ushort profile) => profile is AeadAes128Gcm or AesCm128HmacSha1_80;

    /// <summary>SRTP master key length in bytes, or 0 for a profile we do not implement.</summary>
    public static int GetMasterKeyLength(ushort profile) => profile switch
    {
        AesCm128HmacSha1_80 => 16,
        AeadAes128Gcm => 16,
        _ => 0,
    };

    /// <summary>SRTP master salt length in bytes, or 0 for a profile we do not implement.</summary>
    public static int GetMasterSaltLength(ushort profile) => profile switch
    {
        AesCm128HmacSha1_80 => 14,
        AeadAes128Gcm => 12,
        _ => 0,
    };
}
