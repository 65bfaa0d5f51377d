namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// SRTP protection profiles, numbered as the IANA "DTLS-SRTP Protection Profiles" registry
/// (RFC 5764 §4.1.2, RFC 7714 §14.2), so the DTLS use_srtp extension can carry the value as is.
/// </summary>
public enum SrtpProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80: AES-128 counter mode, 80-bit HMAC-SHA1 tag (RTP and RTCP).</summary>
    AesCm128HmacSha1_80 = 0x0001,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_32: as above with a 32-bit RTP tag; SRTCP keeps the 80-bit tag (RFC 5764 §4.1.2).</summary>
    AesCm128HmacSha1_32 = 0x0002,

    /// <summary>SRTP_AEAD_AES_128_GCM: AES-128 in GCM with a 16-octet tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}
