namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// One m-section (RFC 8866 §5.14) as WebRTC Unified Plan uses it (RFC 8829 §5.2):
/// <code>
/// m=video 9 UDP/TLS/RTP/SAVPF 96 97        kind, port (0 = rejected), protocol, formats
/// c=IN IP4 0.0.0.0
/// a=ice-ufrag / ice-pwd / ice-options / fingerprint / setup / candidate* / end-of-candidates
/// a=mid:1
/// a=extmap:&lt;id&gt; &lt;uri&gt;*
/// a=sendrecv | sendonly | recvonly | inactive
/// a=msid:&lt;stream&gt; &lt;track&gt;
/// a=rtcp-mux, a=rtcp-rsize
/// a=rtpmap / rtcp-fb / fmtp per payload type
/// a=ssrc-group:FID ..., a=ssrc:&lt;n&gt; cname:...
/// a=rid:&lt;id&gt; send ..., a=simulcast:send ...
/// </code>
/// Session-level ICE/DTLS attributes are copied here by the parser when the section has none.
/// </summary>
public sealed class MediaDescription
{
    public MediaDescription(MediaKind kind, int port = 9, string protocol = "UDP/TLS/RTP/SAVPF")
    {
        Kind = kind;
        Port = port;
        Protocol = protocol;
    }

    public MediaKind Kind { get; set; }

    /// <summary>The media token when <see cref="Kind"/> is <see cref="MediaKind.Other"/> (e.g. "text").</summary>
    public string? KindName { get; set; }

    /// <summary>0 means the section is rejected / stopped (RFC 3264 §6, RFC 8829 §5.3.1), unless it is bundle-only.</summary>
    public int Port { get; set; }

    /// <summary>Number of ports after a slash (<c>m=audio 49170/2 ...</c>), or null.</summary>
    public int? PortCount { get; set; }

    public string Protocol { get; set; }

    /// <summary>The formats of the m-line in order (payload type numbers for RTP, tokens otherwise).</summary>
    public List<string> Formats { get; } = new();

    public SdpConnection? Connection { get; set; }

    /// <summary><c>i=</c>, <c>b=</c>, <c>k=</c> lines kept as written.</summary>
    public List<SdpLine> OtherLines { get; } = new();

    public string? Mid { get; set; }
    public MediaDirection Direction { get; set; } = MediaDirection.SendRecv;
    public bool RtcpMux { get; set; }
    public bool RtcpRsize { get; set; }
    public string? IceUfrag { get; set; }
    public string? IcePwd { get; set; }
    public string? IceOptions { get; set; }
    public SdpFingerprint? Fingerprint { get; set; }
    public DtlsSetup? Setup { get; set; }

    /// <summary>Raw values after <c>a=candidate:</c> (RFC 8839 §5.1); the ICE code parses them.</summary>
    public List<string> Candidates { get; } = new();
    public bool EndOfCandidates { get; set; }

    public List<RtpCodec> Codecs { get; } = new();
    public List<HeaderExtension> Extensions { get; } = new();
    public List<SsrcAttribute> Ssrcs { get; } = new();
    public List<SsrcGroup> SsrcGroups { get; } = new();
    public SdpMsid? Msid { get; set; }
    public List<RidDescription> Rids { get; } = new();
    public SimulcastDescription? Simulcast { get; set; }

    /// <summary>Attributes the model does not interpret, in the order they appeared.</summary>
    public List<SdpAttribute> OtherAttributes { get; } = new();

    public bool IsRejected => Port == 0 && !IsBundleOnly;

    /// <summary>
    /// <c>a=bundle-only</c> (RFC 8843 §6): port 0 in an offer that still asks to join the BUNDLE transport,
    /// so the section is not rejected.
    /// </summary>
    public bool IsBundleOnly => OtherAttributes.Exists(a => a.Name == "bundle-only" && a.Value is null);

    /// <summary>True for RTP profiles (<c>RTP/AVP</c>, <c>UDP/TLS/RTP/SAVPF</c>...), whose formats are payload types.</summary>
    public bool IsRtp => Protocol.Contains("RTP/", StringComparison.OrdinalIgnoreCase);

    public RtpCodec? FindCodec(int payloadType)
    {
        foreach (RtpCodec codec in Codecs)
        {
            if (codec.PayloadType == payloadType)
                return codec;
        }
        return null;
    }

    /// <summary>The value of <c>a=ssrc:&lt;ssrc&gt; &lt;name&gt;:value</c>, or null.</summary>
    public string? GetSsrcAttribute(uint ssrc, string name)
    {
        foreach (SsrcAttribute attribute in Ssrcs)
        {
            if (attribute.Ssrc == ssrc && attribute.Name == name)
                return attribute.Value;
        }
        return null;
    }

    /// <summary>Distinct SSRCs named by <c>a=ssrc</c> lines, in order of appearance.</summary>
    public IReadOnlyList<uint> GetSsrcNumbers()
    {
        var result = new List<uint>();
        foreach (SsrcAttribute attribute in Ssrcs)
        {
            if (!result.Contains(attribute.Ssrc))
                result.Add(attribute.Ssrc);
        }
        return result;
    }

    public string KindToken => Kind == MediaKind.Other ? KindName ?? "other" : Kind.ToToken();

    public override string ToString() => SdpWriter.WriteMedia(this);
}
