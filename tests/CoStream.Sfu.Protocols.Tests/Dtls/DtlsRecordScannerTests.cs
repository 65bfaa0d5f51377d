using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.Sfu.Protocols.Tests.Dtls;

public sealed class DtlsRecordScannerTests
{
    public static TheoryData<string, byte[], int> Rows => new()
    {
        {
            "alert record, DTLS 1.2",
            new byte[]
            {
                0x15,                               // type: alert (21)
                0xFE, 0xFD,                         // version: DTLS 1.2
                0x00, 0x01,                         // epoch 1
                0x00, 0x00, 0x00, 0x00, 0x00, 0x05, // sequence_number 5
                0x00, 0x02,                         // length 2
                0x01, 0x00,                         // fragment: warning, close_notify
            },
            (int)DtlsRecordScan.Plausible
        },
        {
            "handshake record, DTLS 1.0 version",
            new byte[] { 0x16, 0xFE, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01, 0xAA },
            (int)DtlsRecordScan.Plausible
        },
        {
            "two records: application_data then change_cipher_spec",
            new byte[]
            {
                0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0x00, 0x01, 0xAA, // application_data, 1 byte
                0x14, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 2, 0x00, 0x01, 0x01, // change_cipher_spec
            },
            (int)DtlsRecordScan.Plausible
        },
        {
            "application_data only",
            new byte[] { 0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0x00, 0x02, 0xAA, 0xBB },
            (int)DtlsRecordScan.ApplicationDataOnly
        },
        { "too short for a header", new byte[] { 0x16, 0xFE, 0xFD, 0, 0 }, (int)DtlsRecordScan.NotDtlsRecord },
        {
            "unknown content type 25",
            new byte[] { 0x19, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00 },
            (int)DtlsRecordScan.NotDtlsRecord
        },
        {
            "TLS 1.2 version, not DTLS",
            new byte[] { 0x16, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00 },
            (int)DtlsRecordScan.NotDtlsRecord
        },
        {
            "length runs past the datagram",
            new byte[] { 0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x05, 0xAA },
            (int)DtlsRecordScan.NotDtlsRecord
        },
        {
            "valid record followed by a truncated header",
            new byte[] { 0x15, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 5, 0x00, 0x02, 0x01, 0x00, 0x16, 0xFE },
            (int)DtlsRecordScan.NotDtlsRecord
        },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Rfc6347_4_1_RecordHeaderWalk(string name, byte[] datagram, int expected)
    {
        Assert.True((DtlsRecordScan)expected == DtlsRecordScanner.Scan(datagram), name);
    }
}
