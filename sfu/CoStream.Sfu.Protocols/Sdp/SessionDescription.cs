namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// A whole SDP description (RFC 8866 §5) as JSEP (RFC 8829) writes it:
/// <code>
/// v=0
/// o=- 4611731400430051336 2 IN IP4 127.0.0.1
/// s=-
/// t=0 0
/// a=group:BUNDLE 0 1                       (RFC 8843)
/// a=ice-lite                               (RFC 8839 §5.3)
/// a=msid-semantic: WMS *
/// [session-level ice-ufrag / ice-pwd / ice-options / fingerprint / setup]
/// m=... (one <see cref="MediaDescription"/> per m-section)
/// </code>
/// Parsing never throws: <see cref="TryParse"/> returns an <see cref="SdpError"/>.
/// <see cref="ToString"/> writes CRLF-terminated lines in RFC order.
/// </summary>
public sealed class SessionDescription
{
    public SdpOrigin Origin { get; set; } = SdpOrigin.Create(0, 0);
    public string SessionName { get; set; } = "-";

    /// <summary>The <c>t=</c> value; JSEP always writes <c>0 0</c>.</summary>
    public string Timing { get; set; } = "0 0";

    public SdpConnection? Connection { get; set; }

    /// <summary><c>i= u= e= p= b= r= z= k=</c> lines kept as written.</summary>
    public List<SdpLine> OtherLines { get; } = new();

    public List<SdpGroup> Groups { get; } = new();
    public bool IceLite { get; set; }

    /// <summary>The value of <c>a=msid-semantic:</c> without the leading space, e.g. "WMS" or "WMS *".</summary>
    public string? MsidSemantic { get; set; }

    public string? IceUfrag { get; set; }
    public string? IcePwd { get; set; }
    public string? IceOptions { get; set; }
    public SdpFingerprint? Fingerprint { get; set; }
    public DtlsSetup? Setup { get; set; }

    public List<MediaDescription> Media { get; } = new();

    /// <summary>Session attributes the model does not interpret, in the order they appeared.</summary>
    public List<SdpAttribute> OtherAttributes { get; } = new();

    /// <summary>The first <c>a=group:BUNDLE</c>, or null.</summary>
    public SdpGroup? BundleGroup => Groups.FirstOrDefault(g => g.IsBundle);

    public MediaDescription? FindMedia(string mid) => Media.FirstOrDefault(m => m.Mid == mid);

    /// <summary>
    /// Parses untrusted SDP text. Never throws; returns <see cref="SdpError.None"/> and a description,
    /// or a reason and null. Accepts CRLF or bare LF line endings. Enforces <see cref="SdpLimits"/>.
    /// </summary>
    public static SdpError TryParse(string? text, out SessionDescription? description) =>
        SdpParser.TryParse(text, out description);

    /// <summary>The description as SDP text: CRLF lines in RFC 8866 order.</summary>
    public override string ToString() => SdpWriter.Write(this);
}
