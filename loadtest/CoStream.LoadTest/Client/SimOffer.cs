using CoStream.Sfu.Protocols.Dtls;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.LoadTest.Client;

/// <summary>
/// The SDP offers a <see cref="SimPeer"/> sends, written with <see cref="SdpOfferer"/> and then turned
/// from an SFU's (ice-lite, sendonly) offer into a browser-like one: full ICE, our host candidate,
/// recvonly m-sections for playing.
/// </summary>
public static class SimOffer
{
    public const byte OpusPayloadType = 111;
    public const byte Vp8PayloadType = 96;
    public const byte H264PayloadType = 102;
    public const int MidExtensionId = 1;
    public const int AbsSendTimeExtensionId = 2;
    public const int TransportCcExtensionId = 3;
    public const int AudioLevelExtensionId = 4;

    /// <summary>sendonly audio (Opus) + video (VP8, or H.264 packetization-mode 1 when <paramref name="videoCodec"/> is "H264") with a=ssrc, for WHIP.</summary>
    public static SessionDescription Publish(IceCredentials ice, DtlsCertificate certificate, string candidate, uint audioSsrc, uint videoSsrc, string videoCodec = "VP8")
    {
        var cname = "simpeer-" + videoSsrc.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        var offer = SdpOfferer.CreateOffer(new OfferOptions
        {
            IceUfrag = ice.Ufrag,
            IcePwd = ice.Password,
            Fingerprint = new SdpFingerprint(certificate.FingerprintAlgorithm, certificate.Fingerprint),
            IceLite = false,
            Candidates = [candidate],
            Media =
            [
                new OfferedMedia("0", MediaKind.Audio)
                {
                    Track = new OutgoingTrack(audioSsrc, cname, "simpeer", "audio"),
                    Codecs = [Opus()],
                    Extensions = AudioExtensions(),
                },
                new OfferedMedia("1", MediaKind.Video)
                {
                    Track = new OutgoingTrack(videoSsrc, cname, "simpeer", "video"),
                    Codecs = [videoCodec.Equals("H264", StringComparison.OrdinalIgnoreCase) ? H264() : Vp8()],
                    Extensions = VideoExtensions(),
                },
            ],
        });
        offer.IceLite = false;
        foreach (MediaDescription media in offer.Media)
        {
            media.EndOfCandidates = true;
        }

        return offer;
    }

    /// <summary>recvonly audio + video, for WHEP.</summary>
    public static SessionDescription Play(IceCredentials ice, DtlsCertificate certificate, string candidate)
    {
        var offer = SdpOfferer.CreateOffer(new OfferOptions
        {
            IceUfrag = ice.Ufrag,
            IcePwd = ice.Password,
            Fingerprint = new SdpFingerprint(certificate.FingerprintAlgorithm, certificate.Fingerprint),
            IceLite = false,
            Candidates = [candidate],
            Media =
            [
                new OfferedMedia("0", MediaKind.Audio) { Codecs = [Opus()], Extensions = AudioExtensions() },
                new OfferedMedia("1", MediaKind.Video) { Codecs = [Vp8()], Extensions = VideoExtensions() },
            ],
        });
        offer.IceLite = false;
        foreach (MediaDescription media in offer.Media)
        {
            media.Direction = MediaDirection.RecvOnly;
            media.EndOfCandidates = true;
        }

        return offer;
    }

    public static RtpCodec Opus()
    {
        var codec = new RtpCodec(OpusPayloadType, "opus", 48000, 2) { Fmtp = "minptime=10;useinbandfec=1" };
        codec.RtcpFeedback.Add("transport-cc");
        return codec;
    }

    public static RtpCodec Vp8()
    {
        var codec = new RtpCodec(Vp8PayloadType, "VP8", 90000);
        codec.RtcpFeedback.AddRange(["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]);
        return codec;
    }

    /// <summary>H.264 constrained baseline, packetization-mode 1 (RFC 6184 non-interleaved: single NAL, STAP-A, FU-A).</summary>
    public static RtpCodec H264()
    {
        var codec = new RtpCodec(H264PayloadType, "H264", 90000) { Fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f" };
        codec.RtcpFeedback.AddRange(["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]);
        return codec;
    }

    private static List<HeaderExtension> AudioExtensions() =>
    [
        new(MidExtensionId, RtpExtensionUris.Mid),
        new(AbsSendTimeExtensionId, RtpExtensionUris.AbsSendTime),
        new(TransportCcExtensionId, RtpExtensionUris.TransportSequenceNumber),
        new(AudioLevelExtensionId, RtpExtensionUris.AudioLevel),
    ];

    private static List<HeaderExtension> VideoExtensions() =>
    [
        new(MidExtensionId, RtpExtensionUris.Mid),
        new(AbsSendTimeExtensionId, RtpExtensionUris.AbsSendTime),
        new(TransportCcExtensionId, RtpExtensionUris.TransportSequenceNumber),
    ];
}
