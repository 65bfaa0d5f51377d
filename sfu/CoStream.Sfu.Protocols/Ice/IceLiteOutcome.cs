namespace CoStream.Sfu.Protocols.Ice;

/// <summary>
/// What <see cref="IceLiteAgent.HandleBindingRequest"/> did. Whenever a response must be sent
/// (success or error), <c>responseLength</c> is above zero; the refusals without a response
/// (Malformed, NotARequest, BadFingerprint, ResponseBufferTooSmall) leave it at zero.
/// </summary>
public enum IceLiteOutcome
{
    /// <summary>Valid check answered with a success response (the pair may now be selected).</summary>
    Responded,
    /// <summary>Valid check with USE-CANDIDATE: answered, and its pair is now the selected one.</summary>
    Nominated,
    /// <summary>Not a valid STUN message: dropped silently.</summary>
    Malformed,
    /// <summary>A STUN message other than a Binding request (indication, response, other method): dropped.</summary>
    NotARequest,
    /// <summary>FINGERPRINT present but wrong: dropped silently (RFC 5389 §7.3).</summary>
    BadFingerprint,
    /// <summary>USERNAME or MESSAGE-INTEGRITY missing: answered 400 Bad Request (RFC 5389 §10.1.2).</summary>
    MissingCredentials,
    /// <summary>USERNAME is not "ourUfrag:theirUfrag": answered 401 Unauthorized.</summary>
    BadUsername,
    /// <summary>MESSAGE-INTEGRITY does not match our password: answered 401 Unauthorized.</summary>
    BadIntegrity,
    /// <summary>The peer claims the controlled role too: answered 487 Role Conflict (a lite agent never controls).</summary>
    RoleConflict,
    /// <summary>The caller's response buffer cannot hold the response: nothing sent, no state changed.</summary>
    ResponseBufferTooSmall,
}
