namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// Which side of the DTLS handshake we play (RFC 5763 §5: "a=setup:passive" is the DTLS server,
/// "a=setup:active" the DTLS client). The SFU is normally the server; the load tester the client.
/// </summary>
public enum DtlsRole
{
    Server = 0,
    Client = 1,
}
