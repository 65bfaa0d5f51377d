namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// Splits the DTLS-SRTP exporter output into master keys and salts and builds the two
/// <see cref="SrtpContext"/>s of an endpoint (RFC 5764 §4.2).
/// </summary>
/// <remarks>
/// The exporter ("EXTRACTOR-dtls_srtp", <see cref="SrtpProfileInfo.GetKeyingMaterialLength"/> bytes) is laid out as
/// <code>
/// | client_write_SRTP_master_key | server_write_SRTP_master_key |
/// | client_write_SRTP_master_salt | server_write_SRTP_master_salt |
/// </code>
/// An endpoint protects (outbound) with its own write key and unprotects (inbound) with the peer's.
/// </remarks>
public static class SrtpKeyingMaterial
{
    /// <summary>
    /// The context for one direction: <paramref name="outbound"/> true for the one this endpoint
    /// protects with, false for the one it unprotects the peer's packets with.
    /// </summary>
    /// <exception cref="ArgumentException">The material is not exactly the profile's length.</exception>
    public static SrtpContext CreateContext(SrtpProfile profile, ReadOnlySpan<byte> keyingMaterial, bool isDtlsClient,
        bool outbound, int replayWindowSize = SrtpContext.DefaultReplayWindowSize)
    {
        int keyLength = SrtpProfileInfo.GetMasterKeyLength(profile);
        int saltLength = SrtpProfileInfo.GetMasterSaltLength(profile);
        if (keyingMaterial.Length != SrtpProfileInfo.GetKeyingMaterialLength(profile))
        {
            throw new ArgumentException(
                $"{profile} needs {SrtpProfileInfo.GetKeyingMaterialLength(profile)} bytes of keying material.",
                nameof(keyingMaterial));
        }

        // The client's write keys are the first of each pair.
        bool useClientKeys = isDtlsClient == outbound;
        int keyOffset = useClientKeys ? 0 : keyLength;
        int saltOffset = (2 * keyLength) + (useClientKeys ? 0 : saltLength);
        return new SrtpContext(profile, keyingMaterial.Slice(keyOffset, keyLength),
            keyingMaterial.Slice(saltOffset, saltLength), replayWindowSize);
    }
}
