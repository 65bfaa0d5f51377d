using System.Text;

namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// Writes a description as CRLF lines in the order of RFC 8866 §5: session lines
/// <c>v o s i u e p c b t r z k a*</c>, then per m-section <c>m i c b k a*</c>. Attributes follow
/// the order JSEP implementations use (transport, mid, extmap, direction, msid, rtcp, codecs, ssrc, rid,
/// simulcast), then uninterpreted attributes, then candidates.
/// </summary>
internal static class SdpWriter
{
    private const string Crlf = "\r\n";

    public static string Write(SessionDescription session)
    {
        var sb = new StringBuilder(2048);
        Line(sb, 'v', "0");
        Line(sb, 'o', session.Origin.ToString());
        Line(sb, 's', session.SessionName);
        OtherLines(sb, session.OtherLines, "iuep");
        if (session.Connection is not null)
            Line(sb, 'c', session.Connection.ToString());
        OtherLines(sb, session.OtherLines, "b");
        Line(sb, 't', session.Timing);
        OtherLines(sb, session.OtherLines, "trzk");

        foreach (SdpGroup group in session.Groups)
            Attribute(sb, "group", group.ToString());
        if (session.IceLite)
            Attribute(sb, "ice-lite");
        Transport(sb, session.IceUfrag, session.IcePwd, session.IceOptions, session.Fingerprint, session.Setup);
        if (session.MsidSemantic is not null)
            Attribute(sb, "msid-semantic", " " + session.MsidSemantic);
        foreach (SdpAttribute attribute in session.OtherAttributes)
            Attribute(sb, attribute.Name, attribute.Value);

        foreach (MediaDescription media in session.Media)
            WriteMedia(sb, media);
        return sb.ToString();
    }

    public static string WriteMedia(MediaDescription media)
    {
        var sb = new StringBuilder(1024);
        WriteMedia(sb, media);
        return sb.ToString();
    }

    private static void WriteMedia(StringBuilder sb, MediaDescription media)
    {
        sb.Append("m=").Append(media.KindToken).Append(' ').Append(media.Port);
        if (media.PortCount is { } count)
            sb.Append('/').Append(count);
        sb.Append(' ').Append(media.Protocol);
        if (media.Formats.Count > 0)
        {
            foreach (string format in media.Formats)
                sb.Append(' ').Append(format);
        }
        else
        {
            foreach (RtpCodec codec in media.Codecs)
                sb.Append(' ').Append(codec.PayloadType);
        }
        sb.Append(Crlf);

        OtherLines(sb, media.OtherLines, "i");
        if (media.Connection is not null)
            Line(sb, 'c', media.Connection.ToString());
        OtherLines(sb, media.OtherLines, "bk");

        Transport(sb, media.IceUfrag, media.IcePwd, media.IceOptions, media.Fingerprint, media.Setup);
        if (media.Mid is not null)
            Attribute(sb, "mid", media.Mid);
        foreach (HeaderExtension extension in media.Extensions)
            Attribute(sb, "extmap", extension.ToString());
        if (media.IsRtp || media.Direction != MediaDirection.SendRecv)
            Attribute(sb, media.Direction.ToToken());
        if (media.Msid is not null)
            Attribute(sb, "msid", media.Msid.ToString());
        if (media.RtcpMux)
            Attribute(sb, "rtcp-mux");
        if (media.RtcpRsize)
            Attribute(sb, "rtcp-rsize");
        foreach (RtpCodec codec in media.Codecs)
        {
            Attribute(sb, "rtpmap", codec.RtpmapValue);
            foreach (string feedback in codec.RtcpFeedback)
                Attribute(sb, "rtcp-fb", $"{codec.PayloadType} {feedback}");
            if (codec.Fmtp is not null)
                Attribute(sb, "fmtp", $"{codec.PayloadType} {codec.Fmtp}");
        }
        foreach (SsrcGroup group in media.SsrcGroups)
            Attribute(sb, "ssrc-group", group.ToString());
        foreach (SsrcAttribute ssrc in media.Ssrcs)
            Attribute(sb, "ssrc", ssrc.ToString());
        foreach (RidDescription rid in media.Rids)
            Attribute(sb, "rid", rid.ToString());
        if (media.Simulcast is not null)
            Attribute(sb, "simulcast", media.Simulcast.ToString());
        foreach (SdpAttribute attribute in media.OtherAttributes)
            Attribute(sb, attribute.Name, attribute.Value);
        foreach (string candidate in media.Candidates)
            Attribute(sb, "candidate", candidate);
        if (media.EndOfCandidates)
            Attribute(sb, "end-of-candidates");
    }

    private static void Transport(StringBuilder sb, string? ufrag, string? pwd, string? options, SdpFingerprint? fingerprint, DtlsSetup? setup)
    {
        if (ufrag is not null)
            Attribute(sb, "ice-ufrag", ufrag);
        if (pwd is not null)
            Attribute(sb, "ice-pwd", pwd);
        if (options is not null)
            Attribute(sb, "ice-options", options);
        if (fingerprint is not null)
            Attribute(sb, "fingerprint", fingerprint.ToString());
        if (setup is { } s)
            Attribute(sb, "setup", s.ToToken());
    }

    private static void OtherLines(StringBuilder sb, List<SdpLine> lines, string types)
    {
        foreach (char type in types)
        {
            foreach (SdpLine line in lines)
            {
                if (line.Type == type)
                    Line(sb, type, line.Value);
            }
        }
    }

    private static void Line(StringBuilder sb, char type, string value) =>
        sb.Append(type).Append('=').Append(value).Append(Crlf);

    private static void Attribute(StringBuilder sb, string name, string? value = null)
    {
        sb.Append("a=").Append(name);
        if (value is not null)
            sb.Append(':').Append(value);
        sb.Append(Crlf);
    }
}
