namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// <c>a=rid:&lt;rid-id&gt; &lt;send|recv&gt; [&lt;restrictions&gt;]</c> (RFC 8851 §4):
/// <code>
/// a=rid:h send pt=96,97;max-width=1280;max-height=720
///       |  |    +-- restrictions: ';'-separated key[=value]
///       |  +------- direction
///       +---------- rid-id: 1*(ALPHA / DIGIT / "-" / "_")
/// </code>
/// </summary>
public sealed record RidDescription(string Id, RidDirection Direction, string? Restrictions = null)
{
    /// <summary>The restrictions as a key → value map (value "" when the key stands alone).</summary>
    public IReadOnlyDictionary<string, string> GetRestrictions() => FmtpParameters.Parse(Restrictions);

    /// <summary>The payload types of a <c>pt=</c> restriction, empty when there is none.</summary>
    public IReadOnlyList<int> GetPayloadTypes()
    {
        if (!GetRestrictions().TryGetValue("pt", out string? list) || list.Length == 0)
            return Array.Empty<int>();
        var result = new List<int>();
        foreach (string item in list.Split(','))
        {
            if (int.TryParse(item, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pt))
                result.Add(pt);
        }
        return result;
    }

    public override string ToString() =>
        string.IsNullOrEmpty(Restrictions) ? $"{Id} {Direction.ToToken()}" : $"{Id} {Direction.ToToken()} {Restrictions}";

    /// <summary>RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_").</summary>
    public static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > 255)
            return false;
        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                return false;
        }
        return true;
    }
}

/// <summary>One rid in an <c>a=simulcast</c> list; <c>~</c> before the id marks it paused (RFC 8853 §5.1).</summary>
public sealed record SimulcastRid(string Id, bool Paused = false)
{
    public override string ToString() => Paused ? "~" + Id : Id;
}

/// <summary>
/// <c>a=simulcast:send &lt;streams&gt; recv &lt;streams&gt;</c> (RFC 8853 §5.1). Streams are separated by
/// <c>;</c>, the alternatives of one stream by <c>,</c>:
/// <code>
/// a=simulcast:send h;m;~l recv 1,2
///             |    | | |       +-- one stream with two alternative rids
///             |    | | +---------- paused rid
///             +----+-+------------ three send streams
/// </code>
/// </summary>
public sealed class SimulcastDescription
{
    /// <summary>Streams the writer of the description sends; each stream lists its alternative rids.</summary>
    public List<List<SimulcastRid>> Send { get; } = new();

    /// <summary>Streams the writer of the description receives.</summary>
    public List<List<SimulcastRid>> Recv { get; } = new();

    public override string ToString()
    {
        var parts = new List<string>(4);
        if (Send.Count > 0)
        {
            parts.Add("send");
            parts.Add(Format(Send));
        }
        if (Recv.Count > 0)
        {
            parts.Add("recv");
            parts.Add(Format(Recv));
        }
        return string.Join(' ', parts);
    }

    private static string Format(List<List<SimulcastRid>> streams) =>
        string.Join(';', streams.Select(alternatives => string.Join(',', alternatives)));

    /// <summary>Parses the value after <c>a=simulcast:</c>; false when it is malformed.</summary>
    internal static bool TryParse(string value, out SimulcastDescription? simulcast)
    {
        simulcast = null;
        string[] tokens = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length != 2 && tokens.Length != 4)
            return false;
        var result = new SimulcastDescription();
        for (int i = 0; i < tokens.Length; i += 2)
        {
            List<List<SimulcastRid>> target;
            if (tokens[i] == "send" && result.Send.Count == 0)
                target = result.Send;
            else if (tokens[i] == "recv" && result.Recv.Count == 0)
                target = result.Recv;
            else
                return false;
            // Early drafts wrote "send rid=a;b"; accept and drop the prefix.
            string list = tokens[i + 1].StartsWith("rid=", StringComparison.Ordinal) ? tokens[i + 1][4..] : tokens[i + 1];
            foreach (string stream in list.Split(';'))
            {
                var alternatives = new List<SimulcastRid>();
                foreach (string alternative in stream.Split(','))
                {
                    bool paused = alternative.StartsWith('~');
                    string id = paused ? alternative[1..] : alternative;
                    if (!RidDescription.IsValidId(id))
                        return false;
                    alternatives.Add(new SimulcastRid(id, paused));
                }
                target.Add(alternatives);
            }
        }
        simulcast = result;
        return true;
    }
}
