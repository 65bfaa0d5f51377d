namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>What <see cref="SdpOfferer"/> needs to write a (re)offer to a subscriber.</summary>
public sealed class OfferOptions
{
    public required string IceUfrag { get; init; }
    public required string IcePwd { get; init; }
    public required SdpFingerprint Fingerprint { get; init; }
    public bool IceLite { get; init; } = true;

    /// <summary>Raw candidate values written in every active m-section.</summary>
    public List<string> Candidates { get; init; } = new();

    public ulong SessionId { get; init; } = (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>Must grow by one with every re-offer of the same session (RFC 8866 §5.2).</summary>
    public ulong SessionVersion { get; init; } = 1;

    /// <summary>The m-sections in order. Keep each one's index and mid from offer to offer (RFC 8829 §5.2.2).</summary>
    public List<OfferedMedia> Media { get; init; } = new();
}

/// <summary>One m-section of an offer we write: a sendonly track, an idle slot, or a stopped (port 0) slot.</summary>
public sealed class OfferedMedia
{
    public OfferedMedia(string mid, MediaKind kind)
    {
        Mid = mid;
        Kind = kind;
    }

    public string Mid { get; }
    public MediaKind Kind { get; }

    /// <summary>The track sent here; null writes <c>a=inactive</c> (the slot stays in the BUNDLE).</summary>
    public OutgoingTrack? Track { get; set; }

    /// <summary>A stopped slot is written with port 0 (RFC 8829 §5.2.2) and may later be recycled with a new mid.</summary>
    public bool Stopped { get; set; }

    /// <summary>Codecs chosen for the track (payload type, rtpmap, fmtp, rtcp-fb), preferred first.</summary>
    public List<RtpCodec> Codecs { get; init; } = new();

    public List<HeaderExtension> Extensions { get; init; } = new();
}
