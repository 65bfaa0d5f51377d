namespace CoStream.Sfu.Protocols.Sdp;

/// <summary><c>o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;address&gt;</c> (RFC 8866 §5.2).</summary>
public sealed record SdpOrigin(string Username, ulong SessionId, ulong SessionVersion, string NetworkType, string AddressType, string Address)
{
    /// <summary>The origin JSEP implementations write: <c>o=- id version IN IP4 127.0.0.1</c>.</summary>
    public static SdpOrigin Create(ulong sessionId, ulong sessionVersion) =>
        new("-", sessionId, sessionVersion, "IN", "IP4", "127.0.0.1");

    public override string ToString() =>
        $"{Username} {SessionId} {SessionVersion} {NetworkType} {AddressType} {Address}";
}

/// <summary><c>c=&lt;nettype&gt; &lt;addrtype&gt; &lt;connection-address&gt;</c> (RFC 8866 §5.7).</summary>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    /// <summary>The placeholder JSEP writes (RFC 8829 §5.2.1): <c>c=IN IP4 0.0.0.0</c>.</summary>
    public static SdpConnection Placeholder { get; } = new("IN", "IP4", "0.0.0.0");

    public override string ToString() => $"{NetworkType} {AddressType} {Address}";
}

/// <summary><c>a=fingerprint:&lt;hash-func&gt; &lt;fingerprint&gt;</c> (RFC 8122 §5), e.g. <c>sha-256 AB:CD:...</c>.</summary>
public sealed record SdpFingerprint(string Algorithm, string Value)
{
    public override string ToString() => $"{Algorithm} {Value}";
}

/// <summary>An attribute kept as written: <c>a=name</c> (Value null) or <c>a=name:value</c>.</summary>
public sealed record SdpAttribute(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}

/// <summary>A non-attribute line the model does not interpret (<c>i= u= e= p= b= r= z= k=</c>), kept as written.</summary>
public sealed record SdpLine(char Type, string Value)
{
    public override string ToString() => $"{Type}={Value}";
}

/// <summary><c>a=extmap:&lt;id&gt;[/&lt;direction&gt;] &lt;uri&gt; [&lt;attributes&gt;]</c> (RFC 8285 §8).</summary>
public sealed record HeaderExtension(int Id, string Uri, MediaDirection? Direction = null, string? Attributes = null)
{
    public override string ToString()
    {
        string id = Direction is { } d ? $"{Id}/{d.ToToken()}" : Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Attributes is null ? $"{id} {Uri}" : $"{id} {Uri} {Attributes}";
    }
}

/// <summary><c>a=ssrc:&lt;ssrc&gt; &lt;attribute&gt;[:&lt;value&gt;]</c> (RFC 5576 §4.1), e.g. <c>cname:abc</c>.</summary>
public sealed record SsrcAttribute(uint Ssrc, string Name, string? Value)
{
    public override string ToString() => Value is null ? $"{Ssrc} {Name}" : $"{Ssrc} {Name}:{Value}";
}

/// <summary><c>a=ssrc-group:&lt;semantics&gt; &lt;ssrc&gt;...</c> (RFC 5576 §4.2): FID (RTX), SIM (simulcast), FEC-FR.</summary>
public sealed class SsrcGroup
{
    public SsrcGroup(string semantics, IEnumerable<uint> ssrcs)
    {
        Semantics = semantics;
        Ssrcs = new List<uint>(ssrcs);
    }

    public string Semantics { get; set; }
    public List<uint> Ssrcs { get; }

    public override string ToString() => Ssrcs.Count == 0 ? Semantics : $"{Semantics} {string.Join(' ', Ssrcs)}";
}

/// <summary><c>a=group:&lt;semantics&gt; &lt;mid&gt;...</c> (RFC 5888 §5), e.g. <c>BUNDLE 0 1 2</c> (RFC 8843).</summary>
public sealed class SdpGroup
{
    public SdpGroup(string semantics, IEnumerable<string> mids)
    {
        Semantics = semantics;
        Mids = new List<string>(mids);
    }

    public string Semantics { get; set; }
    public List<string> Mids { get; }

    public bool IsBundle => string.Equals(Semantics, "BUNDLE", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Mids.Count == 0 ? Semantics : $"{Semantics} {string.Join(' ', Mids)}";
}

/// <summary><c>a=msid:&lt;stream id&gt; [&lt;track id&gt;]</c> (RFC 8830 §2).</summary>
public sealed record SdpMsid(string StreamId, string? TrackId)
{
    public override string ToString() => TrackId is null ? StreamId : $"{StreamId} {TrackId}";
}
