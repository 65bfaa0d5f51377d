namespace CoStream.Sfu.Protocols.Ice;

/// <summary>Candidate types (RFC 8445 §5.1.1, RFC 8839 §5.1 <c>cand-type</c>).</summary>
public enum IceCandidateType
{
    Host,
    ServerReflexive,
    PeerReflexive,
    Relayed,
}

/// <summary>Transport of a candidate. Browsers also offer TCP candidates (RFC 6544); we only check UDP.</summary>
public enum IceTransport
{
    Udp,
    Tcp,
}
