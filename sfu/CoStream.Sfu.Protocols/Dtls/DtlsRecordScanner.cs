using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>What a cheap header walk says about a datagram before it is handed to the DTLS record layer.</summary>
internal enum DtlsRecordScan
{
    /// <summary>Every record header is well formed and at least one record is not application_data.</summary>
    Plausible = 0,

    /// <summary>Too short, unknown content type, not a DTLS version, or a length that runs past the datagram.</summary>
    NotDtlsRecord,

    /// <summary>Well formed, but only application_data records.</summary>
    ApplicationDataOnly,
}

/// <summary>
/// Walks the DTLS record headers of a datagram (a datagram may carry several records) without
/// decrypting anything, so that obvious junk after the handshake is dropped without touching the
/// record layer.
/// <code>
/// RFC 6347 §4.1 DTLSPlaintext / DTLSCiphertext header (13 bytes):
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ContentType  |   ProtocolVersion (0xFEFD 1.2) |    epoch ...   |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | ... epoch     |            sequence_number (48 bits) ...        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  ... sequence_number          |            length             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  fragment (length bytes) ...
/// </code>
/// </summary>
internal static class DtlsRecordScanner
{
    internal const int HeaderLength = 13;
    internal const int ContentTypeOffset = 0;
    internal const int VersionOffset = 1;
    internal const int EpochOffset = 3;
    internal const int SequenceNumberOffset = 5;
    internal const int LengthOffset = 11;

    internal const byte ChangeCipherSpec = 20;
    internal const byte Alert = 21;
    internal const byte Handshake = 22;
    internal const byte ApplicationData = 23;
    internal const byte Heartbeat = 24;

    /// <summary>DTLS 1.0 on the wire (RFC 4347).</summary>
    internal const ushort Dtls10 = 0xFEFF;

    /// <summary>DTLS 1.2 on the wire (RFC 6347).</summary>
    internal const ushort Dtls12 = 0xFEFD;

    /// <summary>Largest record fragment a DTLS 1.2 peer may send: 2^14 plus 2048 bytes of expansion.</summary>
    internal const int MaxFragmentLength = (1 << 14) + 2048;

    internal static DtlsRecordScan Scan(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderLength)
        {
            return DtlsRecordScan.NotDtlsRecord;
        }

        bool anyNonApplicationData = false;
        int offset = 0;
        while (offset < datagram.Length)
        {
            ReadOnlySpan<byte> rest = datagram[offset..];
            if (rest.Length < HeaderLength)
            {
                return DtlsRecordScan.NotDtlsRecord;
            }

            byte contentType = rest[ContentTypeOffset];
            if (contentType is < ChangeCipherSpec or > Heartbeat)
            {
                return DtlsRecordScan.NotDtlsRecord;
            }

            ushort version = BinaryPrimitives.ReadUInt16BigEndian(rest[VersionOffset..]);
            if (version is not (Dtls12 or Dtls10))
            {
                return DtlsRecordScan.NotDtlsRecord;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(rest[LengthOffset..]);
            if (length > MaxFragmentLength || (uint)(HeaderLength + length) > (uint)rest.Length)
            {
                return DtlsRecordScan.NotDtlsRecord;
            }

            anyNonApplicationData |= contentType != ApplicationData;
            offset += HeaderLength + length;
        }

        return anyNonApplicationData ? DtlsRecordScan.Plausible : DtlsRecordScan.ApplicationDataOnly;
    }
}
