namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>What <see cref="SdpAnswerer"/> needs to answer an offer on behalf of the SFU.</summary>
public sealed class AnswerOptions
{
    public required string IceUfrag { get; init; }
    public required string IcePwd { get; init; }
    public required SdpFingerprint Fingerprint { get; init; }

    /// <summary>
    /// Our <c>a=setup</c> when the offer says actpass: <see cref="DtlsSetup.Passive"/> (the SFU is the DTLS
    /// server) or <see cref="DtlsSetup.Active"/>. An offer that says active gets passive and one that says
    /// passive gets active, whatever this is; <see cref="NegotiatedSession.LocalDtlsRole"/> tells the outcome.
    /// </summary>
    public DtlsSetup Setup { get; init; } = DtlsSetup.Passive;

    /// <summary>Writes <c>a=ice-lite</c> at session level and <c>a=end-of-candidates</c> (a lite agent knows all its candidates).</summary>
    public bool IceLite { get; init; } = true;

    /// <summary>Raw candidate values (after <c>a=candidate:</c>) written in every accepted m-section.</summary>
    public List<string> Candidates { get; init; } = new();

    public MediaCapabilities Audio { get; init; } = new();
    public MediaCapabilities Video { get; init; } = new();

    /// <summary>What we send on each m-section, keyed by mid; a mid without an entry gets no sending track.</summary>
    public Dictionary<string, OutgoingTrack> OutgoingTracks { get; init; } = new();

    public ulong SessionId { get; init; } = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
    public ulong SessionVersion { get; init; } = 1;

    internal MediaCapabilities? For(MediaKind kind) => kind switch
    {
        MediaKind.Audio => Audio,
        MediaKind.Video => Video,
        _ => null,
    };
}
