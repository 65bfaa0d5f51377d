namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>Header extension URIs as negotiated in SDP <c>a=extmap</c> lines (RFC 8285 §5).</summary>
public static class RtpExtensionUris
{
    /// <summary>RFC 8843 §15: the media identification (BUNDLE mid).</summary>
    public const string Mid = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>RFC 8852 §3.1: the simulcast stream (rid) of a packet.</summary>
    public const string RtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";

    /// <summary>RFC 8852 §3.2: the rid a retransmission/FEC stream repairs.</summary>
    public const string RepairedRtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    /// <summary>WebRTC abs-send-time: 24-bit 6.18 fixed-point seconds.</summary>
    public const string AbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

    /// <summary>draft-holmer-rmcat-transport-wide-cc-extensions-01: 16-bit transport-wide sequence number.</summary>
    public const string TransportSequenceNumber = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    /// <summary>RFC 6464: client-to-mixer audio level.</summary>
    public const string AudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>libwebrtc's playout-delay extension: the sender bounds the receiver's jitter-buffer delay.</summary>
    public const string PlayoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    /// <summary>The kind an extmap URI names; <see cref="RtpExtensionKind.Unknown"/> for any other URI.</summary>
    public static RtpExtensionKind GetKind(string uri) => uri switch
    {
        Mid => RtpExtensionKind.Mid,
        RtpStreamId => RtpExtensionKind.RtpStreamId,
        RepairedRtpStreamId => RtpExtensionKind.RepairedRtpStreamId,
        AbsSendTime => RtpExtensionKind.AbsSendTime,
        TransportSequenceNumber => RtpExtensionKind.TransportSequenceNumber,
        AudioLevel => RtpExtensionKind.AudioLevel,
        PlayoutDelay => RtpExtensionKind.PlayoutDelay,
        _ => RtpExtensionKind.Unknown,
    };

    /// <summary>The URI of a known kind; null for <see cref="RtpExtensionKind.None"/> and <see cref="RtpExtensionKind.Unknown"/>.</summary>
    public static string? GetUri(RtpExtensionKind kind) => kind switch
    {
        RtpExtensionKind.Mid => Mid,
        RtpExtensionKind.RtpStreamId => RtpStreamId,
        RtpExtensionKind.RepairedRtpStreamId => RepairedRtpStreamId,
        RtpExtensionKind.AbsSendTime => AbsSendTime,
        RtpExtensionKind.TransportSequenceNumber => TransportSequenceNumber,
        RtpExtensionKind.AudioLevel => AudioLevel,
        RtpExtensionKind.PlayoutDelay => PlayoutDelay,
        _ => null,
    };
}
