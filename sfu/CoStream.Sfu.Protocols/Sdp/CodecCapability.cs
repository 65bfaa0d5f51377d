namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// A codec we support, for matching an offered <see cref="RtpCodec"/>: name (no case), clock rate,
/// channels when set, and fmtp parameters that must match. For H.264 <c>profile-level-id</c> is matched
/// by profile only (RFC 6184 §8.2.2, see <see cref="H264ProfileLevelId"/>); a parameter absent from the
/// offer takes its default (H.264 packetization-mode 0, profile-level-id 42000a; VP9 profile-id 0; AV1 profile 0).
/// </summary>
public sealed class CodecCapability
{
    public CodecCapability(string name, int clockRate, int? channels = null, IEnumerable<KeyValuePair<string, string>>? requiredParameters = null)
    {
        Name = name;
        ClockRate = clockRate;
        Channels = channels;
        if (requiredParameters is not null)
        {
            foreach (var pair in requiredParameters)
                RequiredParameters[pair.Key] = pair.Value;
        }
    }

    public string Name { get; }
    public int ClockRate { get; }

    /// <summary>Channels that must match (an offer without channels counts as 1), or null for any.</summary>
    public int? Channels { get; }

    /// <summary>fmtp parameters the offer must carry with the same value (keys without case).</summary>
    public Dictionary<string, string> RequiredParameters { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static CodecCapability Opus() => new("opus", 48000, 2);
    public static CodecCapability Vp8() => new("VP8", 90000);
    public static CodecCapability Vp9(int profileId = 0) =>
        new("VP9", 90000, null, new[] { KeyValuePair.Create("profile-id", profileId.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
    public static CodecCapability Av1() => new("AV1", 90000);

    /// <summary>H.264 with packetization-mode=1 and the given profile (default Constrained Baseline 3.1).</summary>
    public static CodecCapability H264(string profileLevelId = "42e01f", int packetizationMode = 1) =>
        new("H264", 90000, null, new[]
        {
            KeyValuePair.Create("packetization-mode", packetizationMode.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            KeyValuePair.Create("profile-level-id", profileLevelId),
        });

    /// <summary>True when the offered codec is this capability (RFC 8829 §5.3.1 codec matching).</summary>
    public bool Matches(RtpCodec offered)
    {
        if (!offered.IsNamed(Name) || offered.ClockRate != ClockRate)
            return false;
        if (Channels is { } channels && (offered.Channels ?? 1) != channels)
            return false;
        foreach (var (key, required) in RequiredParameters)
        {
            string? value = offered.Parameters.TryGetValue(key, out string? v) ? v : DefaultParameter(key);
            bool isH264Profile = offered.IsNamed("H264") && key.Equals("profile-level-id", StringComparison.OrdinalIgnoreCase);
            if (isH264Profile)
            {
                if (!H264ProfileLevelId.SameProfile(value, required))
                    return false;
            }
            else if (!string.Equals(value, required, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return true;
    }

    private string? DefaultParameter(string key) => (Name.ToUpperInvariant(), key.ToLowerInvariant()) switch
    {
        ("H264", "packetization-mode") => "0",
        ("H264", "profile-level-id") => H264ProfileLevelId.Default,
        ("VP9", "profile-id") => "0",
        ("AV1", "profile") => "0",
        _ => null,
    };

    public override string ToString() => $"{Name}/{ClockRate}";
}

/// <summary>What we accept for one media kind: codecs in preference order, rtcp-fb values, header extension URIs.</summary>
public sealed class MediaCapabilities
{
    public List<CodecCapability> Codecs { get; } = new();

    /// <summary>rtcp-fb values we understand, e.g. "nack", "nack pli", "ccm fir", "goog-remb", "transport-cc".</summary>
    public List<string> RtcpFeedback { get; } = new();

    /// <summary>RTP header extension URIs we understand (RFC 8285).</summary>
    public List<string> HeaderExtensions { get; } = new();
}

/// <summary>A track we send on an m-section: its SSRC, RTCP CNAME and msid (RFC 8830).</summary>
public sealed record OutgoingTrack(uint Ssrc, string Cname, string StreamId, string TrackId);
