namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>Why <see cref="DtlsSrtpTransport.ReceiveDatagram"/> dropped a datagram (each one is counted).</summary>
public enum DtlsDropReason
{
    /// <summary>Zero-length datagram.</summary>
    Empty = 0,

    /// <summary>Larger than <see cref="DtlsSrtpTransport.MaxDatagramSize"/>.</summary>
    Oversized,

    /// <summary>The bounded receive queue was full (the handshake thread is not keeping up).</summary>
    QueueFull,

    /// <summary>After the handshake: no record in the datagram has a plausible DTLS record header.</summary>
    NotDtlsRecord,

    /// <summary>After the handshake: only application_data records (SCTP is not used here).</summary>
    ApplicationData,

    /// <summary>After the handshake: the DTLS record layer rejected a record (bad MAC, decode error).</summary>
    RejectedRecord,

    /// <summary>
    /// After the handshake: the record layer took the datagram without effect (replayed record,
    /// unknown epoch, stale handshake retransmission that may have made us resend our last flight).
    /// </summary>
    DiscardedByRecordLayer,

    /// <summary>The transport was already closed or failed.</summary>
    AfterClose,
}
