namespace CoStream.Sfu.Routing;

/// <summary>The one codec a producer sends on its m-section, as the publisher negotiated it.</summary>
internal sealed record ProducerCodec(byte PayloadType, string Name, int ClockRate, int? Channels, string? Fmtp, IReadOnlyList<string> RtcpFeedback)
{
    public bool IsVp8 => Name.Equals("VP8", StringComparison.OrdinalIgnoreCase);
    public bool IsH264 => Name.Equals("H264", StringComparison.OrdinalIgnoreCase);
    public bool IsOpus => Name.Equals("opus", StringComparison.OrdinalIgnoreCase);
}
