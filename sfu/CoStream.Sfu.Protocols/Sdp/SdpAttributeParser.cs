using System.Globalization;

namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// Interprets <c>a=&lt;name&gt;[:&lt;value&gt;]</c> lines (RFC 8866 §5.13, §6) at session and media level.
/// Known attributes with malformed values are refused with <see cref="SdpError.BadAttribute"/>;
/// unknown attributes are kept in <c>OtherAttributes</c>.
/// </summary>
internal static class SdpAttributeParser
{
    private static bool TrySplit(string line, out string name, out string? value)
    {
        int colon = line.IndexOf(':');
        name = colon < 0 ? line : line[..colon];
        value = colon < 0 ? null : line[(colon + 1)..];
        return SdpParser.IsToken(name);
    }

    public static SdpError ParseSessionAttribute(SessionDescription session, string line)
    {
        if (!TrySplit(line, out string name, out string? value))
            return SdpError.BadAttribute;
        string v = value?.Trim() ?? "";
        switch (name)
        {
            case "group":
            {
                string[] parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0 || !SdpParser.IsToken(parts[0]) || parts.Skip(1).Any(m => !SdpParser.IsToken(m)))
                    return SdpError.BadAttribute;
                session.Groups.Add(new SdpGroup(parts[0], parts.Skip(1)));
                return SdpError.None;
            }
            case "ice-lite":
                session.IceLite = true;
                return SdpError.None;
            case "msid-semantic":
                if (v.Length == 0)
                    return SdpError.BadAttribute;
                session.MsidSemantic = v;
                return SdpError.None;
            case "ice-ufrag":
                if (!IsWord(v) || session.IceUfrag is not null)
                    return SdpError.BadAttribute;
                session.IceUfrag = v;
                return SdpError.None;
            case "ice-pwd":
                if (!IsWord(v) || session.IcePwd is not null)
                    return SdpError.BadAttribute;
                session.IcePwd = v;
                return SdpError.None;
            case "ice-options":
                if (v.Length == 0)
                    return SdpError.BadAttribute;
                session.IceOptions = v;
                return SdpError.None;
            case "fingerprint":
            {
                if (!TryParseFingerprint(v, out SdpFingerprint? fingerprint))
                    return SdpError.BadAttribute;
                if (session.Fingerprint is null)
                    session.Fingerprint = fingerprint;
                else
                    session.OtherAttributes.Add(new SdpAttribute(name, value));
                return SdpError.None;
            }
            case "setup":
                if (!SdpTokens.TryParseSetup(v, out DtlsSetup setup))
                    return SdpError.BadAttribute;
                session.Setup = setup;
                return SdpError.None;
            default:
                session.OtherAttributes.Add(new SdpAttribute(name, value));
                return SdpError.None;
        }
    }

    public static SdpError ParseMediaAttribute(MediaDescription media, string line, ref bool sawMid, List<SdpAttribute> deferred)
    {
        if (!TrySplit(line, out string name, out string? value))
            return SdpError.BadAttribute;
        string v = value?.Trim() ?? "";
        switch (name)
        {
            case "mid":
                if (sawMid || !IsWord(v))
                    return SdpError.BadAttribute;
                media.Mid = v;
                sawMid = true;
                return SdpError.None;
            case "sendrecv" or "sendonly" or "recvonly" or "inactive":
                SdpTokens.TryParseDirection(name, out MediaDirection direction);
                media.Direction = direction;
                return SdpError.None;
            case "rtcp-mux":
                media.RtcpMux = true;
                return SdpError.None;
            case "rtcp-rsize":
                media.RtcpRsize = true;
                return SdpError.None;
            case "ice-ufrag":
                if (!IsWord(v) || media.IceUfrag is not null)
                    return SdpError.BadAttribute;
                media.IceUfrag = v;
                return SdpError.None;
            case "ice-pwd":
                if (!IsWord(v) || media.IcePwd is not null)
                    return SdpError.BadAttribute;
                media.IcePwd = v;
                return SdpError.None;
            case "ice-options":
                if (v.Length == 0)
                    return SdpError.BadAttribute;
                media.IceOptions = v;
                return SdpError.None;
            case "fingerprint":
            {
                if (!TryParseFingerprint(v, out SdpFingerprint? fingerprint))
                    return SdpError.BadAttribute;
                if (media.Fingerprint is null)
                    media.Fingerprint = fingerprint;
                else
                    media.OtherAttributes.Add(new SdpAttribute(name, value));
                return SdpError.None;
            }
            case "setup":
                if (!SdpTokens.TryParseSetup(v, out DtlsSetup setup))
                    return SdpError.BadAttribute;
                media.Setup = setup;
                return SdpError.None;
            case "candidate":
                if (v.Length == 0)
                    return SdpError.BadAttribute;
                media.Candidates.Add(v);
                return SdpError.None;
            case "end-of-candidates":
                media.EndOfCandidates = true;
                return SdpError.None;
            case "rtpmap":
                return ParseRtpmap(media, v);
            case "fmtp" or "rtcp-fb":
                deferred.Add(new SdpAttribute(name, value ?? ""));
                return SdpError.None;
            case "extmap":
                return ParseExtmap(media, v);
            case "ssrc":
                return ParseSsrc(media, v);
            case "ssrc-group":
            {
                string[] parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0 || !SdpParser.IsToken(parts[0]))
                    return SdpError.BadAttribute;
                var ssrcs = new List<uint>(parts.Length - 1);
                for (int i = 1; i < parts.Length; i++)
                {
                    if (!TryParseSsrc(parts[i], out uint ssrc))
                        return SdpError.BadAttribute;
                    ssrcs.Add(ssrc);
                }
                media.SsrcGroups.Add(new SsrcGroup(parts[0], ssrcs));
                return SdpError.None;
            }
            case "msid":
            {
                string[] parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length is 0 or > 2)
                    return SdpError.BadAttribute;
                if (media.Msid is null)
                    media.Msid = new SdpMsid(parts[0], parts.Length == 2 ? parts[1] : null);
                else
                    media.OtherAttributes.Add(new SdpAttribute(name, value));
                return SdpError.None;
            }
            case "rid":
                return ParseRid(media, v);
            case "simulcast":
                if (media.Simulcast is not null || !SimulcastDescription.TryParse(v, out SimulcastDescription? simulcast))
                    return SdpError.BadAttribute;
                media.Simulcast = simulcast;
                return SdpError.None;
            default:
                media.OtherAttributes.Add(new SdpAttribute(name, value));
                return SdpError.None;
        }
    }

    /// <summary>Attaches fmtp and rtcp-fb lines to the codecs once every rtpmap of the section is known.</summary>
    public static SdpError ApplyDeferred(MediaDescription media, List<SdpAttribute> deferred)
    {
        foreach (SdpAttribute attribute in deferred)
        {
            string value = attribute.Value ?? "";
            int space = value.IndexOf(' ');
            string ptText = space < 0 ? value : value[..space];
            string rest = space < 0 ? "" : value[(space + 1)..].Trim();
            RtpCodec? codec = null;
            if (SdpParser.TryParseInt(ptText, 0, 127, out int pt))
                codec = media.FindCodec(pt);
            else if (ptText != "*" || attribute.Name != "rtcp-fb")
                return SdpError.BadAttribute;

            if (codec is null)
            {
                // rtcp-fb:* or a format without rtpmap: keep the line as written.
                media.OtherAttributes.Add(attribute);
                continue;
            }
            if (rest.Length == 0)
                return SdpError.BadAttribute;
            if (attribute.Name == "fmtp")
            {
                if (codec.Fmtp is not null)
                    return SdpError.BadAttribute;
                codec.Fmtp = rest;
            }
            else
            {
                codec.RtcpFeedback.Add(rest);
            }
        }
        return SdpError.None;
    }

    /// <summary><c>a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;channels&gt;]</c>.</summary>
    private static SdpError ParseRtpmap(MediaDescription media, string v)
    {
        int space = v.IndexOf(' ');
        if (space < 0 || !SdpParser.TryParseInt(v.AsSpan(0, space), 0, 127, out int pt))
            return SdpError.BadAttribute;
        string[] parts = v[(space + 1)..].Split('/');
        if (parts.Length is < 2 or > 3 || !SdpParser.IsToken(parts[0]) ||
            !SdpParser.TryParseInt(parts[1], 1, int.MaxValue, out int clockRate))
            return SdpError.BadAttribute;
        int? channels = null;
        if (parts.Length == 3)
        {
            if (!SdpParser.TryParseInt(parts[2], 1, 255, out int c))
                return SdpError.BadAttribute;
            channels = c;
        }
        if (media.FindCodec(pt) is not null)
            return SdpError.BadAttribute;
        media.Codecs.Add(new RtpCodec(pt, parts[0], clockRate, channels));
        return SdpError.None;
    }

    /// <summary><c>a=extmap:&lt;value&gt;["/"&lt;direction&gt;] &lt;URI&gt; [&lt;extension attributes&gt;]</c> (RFC 8285 §8).</summary>
    private static SdpError ParseExtmap(MediaDescription media, string v)
    {
        string[] parts = v.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
            return SdpError.BadAttribute;
        string idText = parts[0];
        MediaDirection? direction = null;
        int slash = idText.IndexOf('/');
        if (slash >= 0)
        {
            if (!SdpTokens.TryParseDirection(idText[(slash + 1)..], out MediaDirection d))
                return SdpError.BadAttribute;
            direction = d;
            idText = idText[..slash];
        }
        if (!SdpParser.TryParseInt(idText, 1, 255, out int id))
            return SdpError.BadAttribute;
        media.Extensions.Add(new HeaderExtension(id, parts[1], direction, parts.Length == 3 ? parts[2].Trim() : null));
        return SdpError.None;
    }

    /// <summary><c>a=ssrc:&lt;ssrc-id&gt; &lt;attribute&gt;[:&lt;value&gt;]</c> (RFC 5576 §4.1).</summary>
    private static SdpError ParseSsrc(MediaDescription media, string v)
    {
        int space = v.IndexOf(' ');
        if (space < 0 || !TryParseSsrc(v.AsSpan(0, space), out uint ssrc))
            return SdpError.BadAttribute;
        string attribute = v[(space + 1)..];
        int colon = attribute.IndexOf(':');
        string name = colon < 0 ? attribute : attribute[..colon];
        if (!SdpParser.IsToken(name))
            return SdpError.BadAttribute;
        media.Ssrcs.Add(new SsrcAttribute(ssrc, name, colon < 0 ? null : attribute[(colon + 1)..]));
        return SdpError.None;
    }

    private static SdpError ParseRid(MediaDescription media, string v)
    {
        string[] parts = v.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !RidDescription.IsValidId(parts[0]))
            return SdpError.BadAttribute;
        RidDirection direction;
        if (parts[1] == "send")
            direction = RidDirection.Send;
        else if (parts[1] == "recv")
            direction = RidDirection.Recv;
        else
            return SdpError.BadAttribute;
        media.Rids.Add(new RidDescription(parts[0], direction, parts.Length == 3 ? parts[2].Trim() : null));
        return SdpError.None;
    }

    private static bool TryParseSsrc(ReadOnlySpan<char> text, out uint ssrc) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ssrc);

    private static bool TryParseFingerprint(string v, out SdpFingerprint? fingerprint)
    {
        fingerprint = null;
        string[] parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !SdpParser.IsToken(parts[0]))
            return false;
        foreach (char c in parts[1])
        {
            if (!(char.IsAsciiHexDigit(c) || c == ':'))
                return false;
        }
        fingerprint = new SdpFingerprint(parts[0], parts[1]);
        return true;
    }

    /// <summary>A non-empty value without spaces (mid, ice-ufrag, ice-pwd).</summary>
    private static bool IsWord(string v)
    {
        if (v.Length == 0)
            return false;
        foreach (char c in v)
        {
            if (c <= ' ')
                return false;
        }
        return true;
    }
}
