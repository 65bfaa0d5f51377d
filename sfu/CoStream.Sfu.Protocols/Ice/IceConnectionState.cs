namespace CoStream.Sfu.Protocols.Ice;

/// <summary>State of the controlling agent (a subset of RTCIceConnectionState).</summary>
public enum IceConnectionState
{
    /// <summary>No check sent yet.</summary>
    New,
    /// <summary>Checks in flight, nothing nominated yet.</summary>
    Checking,
    /// <summary>A pair is nominated; consent checks keep it alive.</summary>
    Connected,
    /// <summary>Every pair failed, or consent expired (RFC 7675). Terminal.</summary>
    Failed,
}

/// <summary>What <see cref="IceControllingAgent.HandleResponse"/> made of a datagram.</summary>
public enum IceCheckOutcome
{
    /// <summary>An ordinary check succeeded; the pair will be nominated.</summary>
    Succeeded,
    /// <summary>The nomination check (USE-CANDIDATE) succeeded: state is now Connected.</summary>
    Nominated,
    /// <summary>A consent check succeeded (RFC 7675).</summary>
    ConsentRefreshed,
    /// <summary>Not a valid STUN message.</summary>
    Malformed,
    /// <summary>A valid STUN message that is not a Binding response.</summary>
    NotAResponse,
    /// <summary>No check of ours has this transaction id (late, duplicate, or forged).</summary>
    UnknownTransaction,
    /// <summary>FINGERPRINT present but wrong.</summary>
    BadFingerprint,
    /// <summary>MESSAGE-INTEGRITY absent or not made with the remote password: ignored, the check keeps retransmitting.</summary>
    BadIntegrity,
    /// <summary>The response came from another address than the check went to (RFC 8445 §7.2.5.2.1): the pair failed.</summary>
    NonSymmetric,
    /// <summary>An authenticated error response: the pair failed.</summary>
    ErrorResponse,
}
