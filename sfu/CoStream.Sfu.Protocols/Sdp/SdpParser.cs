using System.Globalization;

namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// Line reader for untrusted SDP text (RFC 8866 §5). Every line is <c>&lt;type&gt;=&lt;value&gt;</c>;
/// the session section runs until the first <c>m=</c>, each m-section until the next one:
/// <code>
/// session:  v= o= s= [i= u= e= p=] [c=] [b=]* t=+ [r= z= k=] a=*
/// media:    m= [i=] [c=] [b=]* [k=] a=*
/// </code>
/// Every refusal is an <see cref="SdpError"/>; nothing here throws on hostile input.
/// </summary>
internal static class SdpParser
{
    public static SdpError TryParse(string? text, out SessionDescription? description)
    {
        description = null;
        if (text is null || text.Length == 0)
            return SdpError.Empty;
        if (text.Length > SdpLimits.MaxTextLength)
            return SdpError.TooLarge;
        if (string.IsNullOrWhiteSpace(text))
            return SdpError.Empty;

        var session = new SessionDescription();
        var state = new SectionState();
        MediaDescription? media = null;
        int lineIndex = 0;
        bool sawOrigin = false, sawName = false, sawTiming = false;
        int position = 0;

        while (position < text.Length)
        {
            int newline = text.IndexOf('\n', position);
            int end = newline < 0 ? text.Length : newline;
            ReadOnlySpan<char> line = text.AsSpan(position, end - position);
            position = end + 1;
            if (line.Length > 0 && line[^1] == '\r')
                line = line[..^1];
            if (line.IsEmpty)
                continue; // tolerate blank lines (a trailing CRLF in particular)
            if (line.Length > SdpLimits.MaxLineLength)
                return SdpError.LineTooLong;
            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetterLower(line[0]) || HasControl(line))
                return SdpError.BadLine;

            char type = line[0];
            string value = line[2..].ToString();

            if (lineIndex == 0)
            {
                if (type != 'v')
                    return SdpError.MissingVersion;
                if (value != "0")
                    return SdpError.BadVersion;
                lineIndex++;
                continue;
            }
            if (lineIndex == 1)
            {
                if (type != 'o' || !TryParseOrigin(value, out SdpOrigin? origin))
                    return SdpError.BadOrigin;
                session.Origin = origin!;
                sawOrigin = true;
                lineIndex++;
                continue;
            }
            lineIndex++;

            if (++state.Lines > SdpLimits.MaxLinesPerSection)
                return SdpError.TooManyLines;

            if (type == 'm')
            {
                if (!sawName)
                    return SdpError.MissingSessionName;
                if (media is not null)
                {
                    SdpError done = FinishMedia(media, state);
                    if (done != SdpError.None)
                        return done;
                }
                if (session.Media.Count >= SdpLimits.MaxMediaSections)
                    return SdpError.TooManySections;
                if (!TryParseMediaLine(value, out media))
                    return SdpError.BadMedia;
                session.Media.Add(media!);
                state = new SectionState { Lines = 1 };
                continue;
            }

            SdpError error = media is null
                ? ParseSessionLine(session, type, value, ref sawName, ref sawTiming)
                : ParseMediaLine(media, state, type, value);
            if (error != SdpError.None)
                return error;
        }

        if (!sawOrigin)
            return lineIndex == 0 ? SdpError.MissingVersion : SdpError.BadOrigin;
        if (!sawName)
            return SdpError.MissingSessionName;
        if (media is not null)
        {
            SdpError done = FinishMedia(media, state);
            if (done != SdpError.None)
                return done;
        }

        HandDownSessionAttributes(session);
        description = session;
        return SdpError.None;
    }

    /// <summary>Lines of the current section and the fmtp / rtcp-fb lines kept until all rtpmaps are known.</summary>
    private sealed class SectionState
    {
        public int Lines;
        public bool SawMid;
        public List<SdpAttribute> Deferred = new();
    }

    private static bool HasControl(ReadOnlySpan<char> line)
    {
        foreach (char c in line)
        {
            if (c < 0x20 && c != '\t' || c == 0x7F)
                return true;
        }
        return false;
    }

    private static SdpError ParseSessionLine(SessionDescription session, char type, string value, ref bool sawName, ref bool sawTiming)
    {
        switch (type)
        {
            case 's':
                if (sawName)
                    return SdpError.MisplacedLine;
                session.SessionName = value;
                sawName = true;
                return SdpError.None;
            case 'c':
                if (session.Connection is not null || !TryParseConnection(value, out SdpConnection? connection))
                    return SdpError.BadConnection;
                session.Connection = connection;
                return SdpError.None;
            case 't':
                if (!sawTiming)
                {
                    session.Timing = value;
                    sawTiming = true;
                }
                else
                {
                    session.OtherLines.Add(new SdpLine(type, value));
                }
                return SdpError.None;
            case 'i' or 'u' or 'e' or 'p' or 'b' or 'r' or 'z' or 'k':
                session.OtherLines.Add(new SdpLine(type, value));
                return SdpError.None;
            case 'a':
                if (!sawName)
                    return SdpError.MissingSessionName;
                return SdpAttributeParser.ParseSessionAttribute(session, value);
            case 'v' or 'o' or 'm':
                return SdpError.MisplacedLine;
            default:
                return SdpError.BadLine; // RFC 8866 §5: an unknown type letter voids the description
        }
    }

    private static SdpError ParseMediaLine(MediaDescription media, SectionState state, char type, string value)
    {
        switch (type)
        {
            case 'c':
                if (media.Connection is not null || !TryParseConnection(value, out SdpConnection? connection))
                    return SdpError.BadConnection;
                media.Connection = connection;
                return SdpError.None;
            case 'i' or 'b' or 'k':
                media.OtherLines.Add(new SdpLine(type, value));
                return SdpError.None;
            case 'a':
                return SdpAttributeParser.ParseMediaAttribute(media, value, ref state.SawMid, state.Deferred);
            case 'v' or 'o' or 's' or 't' or 'u' or 'e' or 'p' or 'r' or 'z':
                return SdpError.MisplacedLine;
            default:
                return SdpError.BadLine;
        }
    }

    private static SdpError FinishMedia(MediaDescription media, SectionState state) =>
        SdpAttributeParser.ApplyDeferred(media, state.Deferred);

    /// <summary>RFC 8829 §5.8 / RFC 8843 §7: session-level ICE and DTLS attributes apply to sections without their own.</summary>
    private static void HandDownSessionAttributes(SessionDescription session)
    {
        foreach (MediaDescription media in session.Media)
        {
            media.IceUfrag ??= session.IceUfrag;
            media.IcePwd ??= session.IcePwd;
            media.IceOptions ??= session.IceOptions;
            media.Fingerprint ??= session.Fingerprint;
            media.Setup ??= session.Setup;
        }
    }

    internal static bool TryParseOrigin(string value, out SdpOrigin? origin)
    {
        origin = null;
        string[] parts = value.Split(' ');
        if (parts.Length != 6 || parts.Any(p => p.Length == 0))
            return false;
        if (!ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) ||
            !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong version))
            return false;
        origin = new SdpOrigin(parts[0], id, version, parts[3], parts[4], parts[5]);
        return true;
    }

    internal static bool TryParseConnection(string value, out SdpConnection? connection)
    {
        connection = null;
        string[] parts = value.Split(' ');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
            return false;
        connection = new SdpConnection(parts[0], parts[1], parts[2]);
        return true;
    }

    /// <summary><c>m=&lt;media&gt; &lt;port&gt;[/&lt;number of ports&gt;] &lt;proto&gt; &lt;fmt&gt; ...</c> (RFC 8866 §5.14).</summary>
    internal static bool TryParseMediaLine(string value, out MediaDescription? media)
    {
        media = null;
        string[] parts = value.Split(' ');
        if (parts.Length < 4 || parts.Any(p => p.Length == 0))
            return false;
        if (!IsToken(parts[0]) || !IsToken(parts[2].Replace("/", "")))
            return false;
        string portText = parts[1];
        int? portCount = null;
        int slash = portText.IndexOf('/');
        if (slash >= 0)
        {
            if (!TryParseInt(portText.AsSpan(slash + 1), 1, 65535, out int count))
                return false;
            portCount = count;
            portText = portText[..slash];
        }
        if (!TryParseInt(portText, 0, 65535, out int port))
            return false;

        MediaKind kind = parts[0] switch
        {
            "audio" => MediaKind.Audio,
            "video" => MediaKind.Video,
            "application" => MediaKind.Application,
            _ => MediaKind.Other,
        };
        var result = new MediaDescription(kind, port, parts[2]) { PortCount = portCount };
        if (kind == MediaKind.Other)
            result.KindName = parts[0];
        for (int i = 3; i < parts.Length; i++)
        {
            if (result.IsRtp && !TryParseInt(parts[i], 0, 127, out _))
                return false;
            if (!IsToken(parts[i]))
                return false;
            result.Formats.Add(parts[i]);
        }
        media = result;
        return true;
    }

    internal static bool TryParseInt(ReadOnlySpan<char> text, int min, int max, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 10)
            return false;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
            return false;
        return value >= min && value <= max;
    }

    /// <summary>RFC 8866 §9 token: visible ASCII except the separators.</summary>
    internal static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
            return false;
        foreach (char c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
                continue;
            if ("!#$%&'*+-.^_`{|}~".IndexOf(c) < 0)
                return false;
        }
        return true;
    }
}
