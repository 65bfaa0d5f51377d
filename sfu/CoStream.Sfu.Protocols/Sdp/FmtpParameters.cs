namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// Splits an <c>a=fmtp</c> parameter string (RFC 8866 §6.15) such as
/// <c>level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f</c> into a map.
/// Keys compare without case (RFC 6184 §8.1); a bare item (RED's <c>111/111</c>) maps to "".
/// </summary>
public static class FmtpParameters
{
    private static readonly IReadOnlyDictionary<string, string> s_empty =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyDictionary<string, string> Parse(string? fmtp)
    {
        if (string.IsNullOrWhiteSpace(fmtp))
            return s_empty;
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string raw in fmtp.Split(';'))
        {
            string item = raw.Trim();
            if (item.Length == 0)
                continue;
            int eq = item.IndexOf('=');
            string key = eq < 0 ? item : item[..eq].Trim();
            string value = eq < 0 ? "" : item[(eq + 1)..].Trim();
            if (key.Length > 0)
                result.TryAdd(key, value);
        }
        return result;
    }
}
