using System.Text;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Protocols.Tests.Sdp.Resources;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// Offers from the network (RFC 8866 text, JSEP shape): parsed, written back and parsed again,
/// answered with the SFU's options (the answer must parse), and paired as the tests do.
/// </summary>
internal sealed class SdpTarget : FuzzTarget
{
    private const string SmallOffer =
        "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=msid-semantic: WMS s\r\n" +
        "a=ice-ufrag:brwU\r\na=ice-pwd:browserpasswordbrowser\r\na=fingerprint:sha-256 11:22:33\r\na=setup:actpass\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n" +
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\na=ssrc:1 cname:c\r\n" +
        "a=candidate:1 1 udp 2122260223 abc.local 5000 typ host\r\n" +
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n" +
        "a=extmap:4/sendonly urn:ietf:params:rtp-hdrext:sdes:mid\r\na=msid:s t\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n" +
        "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=rtpmap:102 H264/90000\r\n" +
        "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f\r\na=ssrc-group:FID 2 3\r\na=ssrc:2 cname:c\r\n" +
        "a=rid:h send max-width=1280\r\na=rid:l send\r\na=simulcast:send h;~l\r\n";

    private readonly AnswerOptions _options = CreateOptions();

    public override string Name => "sdp";

    public override string Folder => "Sdp";

    public override string EntryPoints => "SessionDescription.TryParse, ToString round trip, SdpAnswerer.TryCreateAnswer, NegotiatedSession.TryFromOfferAnswer";

    public override bool IsText => true;

    // The small offer three times for each Chrome offer (seven times larger, slower to parse).
    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Encoding.UTF8.GetBytes(SmallOffer), Encoding.UTF8.GetBytes(SmallOffer), Encoding.UTF8.GetBytes(SmallOffer),
        Encoding.UTF8.GetBytes(ChromeOffers.Publisher),
    ];

    public override string? Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        SdpError error = SessionDescription.TryParse(text, out SessionDescription? offer);
        if (error != SdpError.None)
        {
            FuzzInvariant.Check(offer is null, "refused but a description was returned");
            return ReasonName<SdpError>.Of(error);
        }

        // The writer may exceed the parser's limits (it normalises), nothing else.
        SdpError again = SessionDescription.TryParse(offer!.ToString(), out _);
        FuzzInvariant.Check(again is SdpError.None or SdpError.TooLarge or SdpError.TooManyLines, $"our rewrite is refused ({again})");
        _ = NegotiatedSession.TryFromOfferAnswer(offer, offer, localIsOfferer: true, out _);
        error = SdpAnswerer.TryCreateAnswer(offer, _options, out SessionDescription? answer, out _);
        if (error != SdpError.None)
        {
            return ReasonName<SdpError>.Of("Answer", error);
        }

        SdpError answerParsed = SessionDescription.TryParse(answer!.ToString(), out _);
        FuzzInvariant.Check(answerParsed == SdpError.None, $"our answer is refused ({answerParsed})");
        return null;
    }

    /// <summary>The SFU's answer options as the SDP tests set them up.</summary>
    private static AnswerOptions CreateOptions()
    {
        var options = new AnswerOptions
        {
            IceUfrag = "sfuU",
            IcePwd = "sfupasswordsfupassword",
            Fingerprint = new SdpFingerprint("sha-256", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"),
            Candidates = { "1 1 udp 2130706431 192.0.2.10 40000 typ host" },
            OutgoingTracks = new Dictionary<string, OutgoingTrack> { ["0"] = new(9, "c", "s", "t") },
            SessionId = 1234,
            SessionVersion = 1,
        };
        options.Audio.Codecs.Add(CodecCapability.Opus());
        options.Audio.RtcpFeedback.Add("transport-cc");
        options.Audio.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:ssrc-audio-level");
        options.Audio.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:sdes:mid");
        options.Video.Codecs.AddRange([CodecCapability.H264("42e01f"), CodecCapability.Vp8()]);
        options.Video.RtcpFeedback.AddRange(["nack", "nack pli", "ccm fir", "transport-cc"]);
        options.Video.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:sdes:mid");
        options.Video.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
        options.Video.HeaderExtensions.Add("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
        return options;
    }
}
