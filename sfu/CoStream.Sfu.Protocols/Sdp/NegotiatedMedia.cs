namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>An SSRC the remote side announced with <c>a=ssrc</c> (RFC 5576), with its CNAME and msid.</summary>
public sealed record RemoteSsrc(uint Ssrc, string? Cname, SdpMsid? Msid);

/// <summary>
/// The outcome of one m-section after offer/answer, seen from our side. Codecs, payload types and
/// header extension ids are the answer's (which keeps the offer's numbers).
/// </summary>
public sealed class NegotiatedMedia
{
    internal NegotiatedMedia(int index, string? mid, MediaKind kind)
    {
        Index = index;
        Mid = mid;
        Kind = kind;
    }

    /// <summary>Position of the m-section in both descriptions.</summary>
    public int Index { get; }
    public string? Mid { get; }
    public MediaKind Kind { get; }

    /// <summary>True when either side put port 0: nothing flows.</summary>
    public bool IsRejected { get; internal set; }

    /// <summary>Our direction: SendOnly means we send and do not receive on this m-section.</summary>
    public MediaDirection Direction { get; internal set; } = MediaDirection.Inactive;

    public bool WeSend => Direction.Sends();
    public bool WeReceive => Direction.Receives();

    /// <summary>Accepted codecs in the answer's order (the first is the preferred one).</summary>
    public IReadOnlyList<RtpCodec> Codecs { get; internal set; } = Array.Empty<RtpCodec>();

    /// <summary>Header extension URI → id.</summary>
    public IReadOnlyDictionary<string, int> Extensions { get; internal set; } = new Dictionary<string, int>();

    /// <summary>SSRCs the remote side will send, in order of appearance.</summary>
    public IReadOnlyList<RemoteSsrc> RemoteSsrcs { get; internal set; } = Array.Empty<RemoteSsrc>();

    /// <summary>Remote ssrc-groups: FID (RTX pairs), SIM (simulcast layers).</summary>
    public IReadOnlyList<SsrcGroup> RemoteSsrcGroups { get; internal set; } = Array.Empty<SsrcGroup>();

    /// <summary>The remote <c>a=msid</c>, or null.</summary>
    public SdpMsid? RemoteMsid { get; internal set; }

    /// <summary>The rids the remote side sends (its <c>a=rid:X send</c> lines).</summary>
    public IReadOnlyList<RidDescription> ReceiveRids { get; internal set; } = Array.Empty<RidDescription>();

    /// <summary>The simulcast streams the remote side sends (its <c>a=simulcast:send</c> list), each with alternatives.</summary>
    public IReadOnlyList<IReadOnlyList<SimulcastRid>> ReceiveSimulcast { get; internal set; } = Array.Empty<IReadOnlyList<SimulcastRid>>();

    /// <summary>SSRCs we announced in our own description (what we send).</summary>
    public IReadOnlyList<uint> LocalSsrcs { get; internal set; } = Array.Empty<uint>();

    public RtpCodec? FindCodec(int payloadType) => Codecs.FirstOrDefault(c => c.PayloadType == payloadType);

    /// <summary>The id of a header extension, or 0 when it was not negotiated.</summary>
    public int GetExtensionId(string uri) => Extensions.TryGetValue(uri, out int id) ? id : 0;
}
