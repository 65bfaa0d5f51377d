using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Sdp;
using SdpMediaCapabilities = CoStream.Sfu.Protocols.Sdp.MediaCapabilities;

namespace CoStream.Sfu.Negotiation;

/// <summary>
/// What the SFU negotiates: Opus, VP8 and H.264 (constrained baseline, packetization-mode 1), with
/// NACK/PLI/FIR and transport-wide congestion control from publishers, REMB from subscribers, and
/// the header extensions the engine reads or writes. No RTX/RED/FEC (see <see cref="SdpAnswerer"/>).
/// </summary>
internal static class MediaProfile
{
    /// <summary>Extension ids the SFU uses in its own offers (one map for the whole BUNDLE).</summary>
    public const int AudioLevelId = 1;
    public const int AbsSendTimeId = 2;
    public const int PlayoutDelayId = 3;

    public static readonly string[] VideoFeedback = ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];
    public static readonly string[] AudioFeedback = ["transport-cc"];
    public static readonly string[] SubscriberVideoFeedback = ["nack", "nack pli", "ccm fir", "goog-remb"];

    public static CodecCapability? VideoCapability(string name) => name.ToUpperInvariant() switch
    {
        "VP8" => CodecCapability.Vp8(),
        "H264" => CodecCapability.H264(),
        _ => null,
    };

    /// <summary>Capabilities for answering a publisher: a single codec per kind, the first in the offer's own order that we support.</summary>
    public static (SdpMediaCapabilities Audio, SdpMediaCapabilities Video) ForPublisher(SessionDescription offer, IReadOnlyList<string> videoCodecs)
    {
        var audio = new SdpMediaCapabilities();
        audio.Codecs.Add(CodecCapability.Opus());
        audio.RtcpFeedback.AddRange(AudioFeedback);
        audio.HeaderExtensions.AddRange([RtpExtensionUris.Mid, RtpExtensionUris.AudioLevel, RtpExtensionUris.TransportSequenceNumber, RtpExtensionUris.AbsSendTime]);

        var video = new SdpMediaCapabilities();
        var supported = videoCodecs.Select(VideoCapability).OfType<CodecCapability>().ToList();
        var firstOffered = offer.Media.Where(m => m.Kind == MediaKind.Video)
            .SelectMany(m => m.Codecs)
            .Select(c => supported.FirstOrDefault(s => s.Matches(c)))
            .FirstOrDefault(s => s is not null);
        if (firstOffered is not null) video.Codecs.Add(firstOffered);
        video.RtcpFeedback.AddRange(VideoFeedback);
        video.HeaderExtensions.AddRange([RtpExtensionUris.Mid, RtpExtensionUris.RtpStreamId, RtpExtensionUris.AbsSendTime, RtpExtensionUris.TransportSequenceNumber]);
        return (audio, video);
    }

    /// <summary>Keeps only the first codec of every accepted m-section, so a producer has exactly one codec.</summary>
    public static void KeepOneCodec(SessionDescription answer)
    {
        foreach (var media in answer.Media)
        {
            if (media.IsRejected || media.Codecs.Count <= 1) continue;
            media.Codecs.RemoveRange(1, media.Codecs.Count - 1);
            media.Formats.Clear();
            media.Formats.Add(media.Codecs[0].PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
