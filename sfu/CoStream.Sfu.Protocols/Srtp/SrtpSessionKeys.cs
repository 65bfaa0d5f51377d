namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// The session keys of one direction of one protocol (SRTP or SRTCP): encryption key k_e,
/// salt k_s and, for AES-CM, authentication key k_a (RFC 3711 §4.3).
/// </summary>
internal sealed class SrtpSessionKeys
{
    public SrtpSessionKeys(byte[] encryptionKey, byte[] salt, byte[] authenticationKey)
    {
        EncryptionKey = encryptionKey;
        Salt = salt;
        AuthenticationKey = authenticationKey;
    }

    public byte[] EncryptionKey { get; }

    public byte[] Salt { get; }

    /// <summary>Empty for AEAD profiles, which authenticate with the GCM tag.</summary>
    public byte[] AuthenticationKey { get; }
}
