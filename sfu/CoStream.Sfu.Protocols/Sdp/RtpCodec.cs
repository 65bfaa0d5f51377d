namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// One RTP payload format of an m-section, gathered from its lines (RFC 8866 §6.6, §6.15; RFC 4585 §4.2):
/// <code>
/// a=rtpmap:96 VP8/90000          payload type, encoding name / clock rate [/ channels]
/// a=rtcp-fb:96 nack pli          one feedback entry per line, kept as written after the payload type
/// a=fmtp:97 apt=96               format parameters, raw and parsed
/// </code>
/// </summary>
public sealed class RtpCodec
{
    private string? _fmtp;
    private IReadOnlyDictionary<string, string> _parameters = Sdp.FmtpParameters.Parse(null);

    public RtpCodec(int payloadType, string name, int clockRate, int? channels = null)
    {
        PayloadType = payloadType;
        Name = name;
        ClockRate = clockRate;
        Channels = channels;
    }

    /// <summary>0..127.</summary>
    public int PayloadType { get; set; }

    /// <summary>Encoding name as written (compare without case: <c>H264</c>, <c>opus</c>, <c>rtx</c>).</summary>
    public string Name { get; set; }

    public int ClockRate { get; set; }

    /// <summary>Audio channels when the rtpmap gives them (<c>opus/48000/2</c>), else null.</summary>
    public int? Channels { get; set; }

    /// <summary>The raw <c>a=fmtp</c> parameter string, or null when there is no fmtp line.</summary>
    public string? Fmtp
    {
        get => _fmtp;
        set
        {
            _fmtp = value;
            _parameters = Sdp.FmtpParameters.Parse(value);
        }
    }

    /// <summary><see cref="Fmtp"/> split into key → value (keys compare without case).</summary>
    public IReadOnlyDictionary<string, string> Parameters => _parameters;

    /// <summary>rtcp-fb values after the payload type: "nack", "nack pli", "ccm fir", "goog-remb", "transport-cc".</summary>
    public List<string> RtcpFeedback { get; } = new();

    public bool IsNamed(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>RTX (RFC 4588), RED (RFC 2198), ULPFEC (RFC 5109) and FlexFEC are repair formats, not media.</summary>
    public bool IsRepairFormat =>
        IsNamed("rtx") || IsNamed("red") || IsNamed("ulpfec") || Name.StartsWith("flexfec", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value after <c>a=rtpmap:</c>.</summary>
    public string RtpmapValue => Channels is { } c ? $"{PayloadType} {Name}/{ClockRate}/{c}" : $"{PayloadType} {Name}/{ClockRate}";

    public RtpCodec Clone()
    {
        var copy = new RtpCodec(PayloadType, Name, ClockRate, Channels) { Fmtp = Fmtp };
        copy.RtcpFeedback.AddRange(RtcpFeedback);
        return copy;
    }

    public override string ToString() => Fmtp is null ? RtpmapValue : $"{RtpmapValue} ({Fmtp})";
}
