namespace CoStream.Sfu.Protocols.Ice;

/// <summary>Why <see cref="IceCandidate.TryParse"/> refused a candidate line. <see cref="None"/> is success.</summary>
public enum IceError
{
    None = 0,
    Empty,
    TooLong,
    /// <summary>A control character, non-ASCII character or doubled space.</summary>
    InvalidCharacter,
    /// <summary>Fewer than the eight mandatory fields (foundation .. "typ" type).</summary>
    MissingField,
    BadFoundation,
    BadComponent,
    BadTransport,
    BadPriority,
    BadAddress,
    BadPort,
    /// <summary>The seventh field is not "typ".</summary>
    MissingType,
    BadType,
    BadRelatedAddress,
    BadRelatedPort,
    /// <summary>An extension name without a value, or a name that is not a token.</summary>
    BadExtension,
    TooManyExtensions,
}
