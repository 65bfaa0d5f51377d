using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Protocols.Tests.Sdp.Resources;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

public sealed class SdpAnswererTests
{
    private static readonly OutgoingTrack s_track = new(0x11223344, "sfu-cname", "stream-a", "track-a");

    [Fact]
    public void Rfc8829_5_3_1_ChromeOffer_AnswerShape()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);
        SessionDescription answer = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out _);

        Assert.True(answer.IceLite);
        Assert.Equal(new[] { "0", "1", "2" }, Assert.Single(answer.Groups).Mids);
        Assert.Equal(1234UL, answer.Origin.SessionId);
        Assert.Equal(3, answer.Media.Count);
        foreach (MediaDescription m in answer.Media)
        {
            Assert.Equal(9, m.Port);
            Assert.True(m.RtcpMux);
            Assert.Equal("sfuU", m.IceUfrag);
            Assert.Equal("sfupasswordsfupassword", m.IcePwd);
            Assert.Equal(SdpTestOptions.Fingerprint, m.Fingerprint!.Value);
            Assert.Equal(DtlsSetup.Passive, m.Setup);
            Assert.Equal(new[] { SdpTestOptions.Candidate }, m.Candidates);
            Assert.True(m.EndOfCandidates);
        }
        Assert.False(answer.Media[0].RtcpRsize);
        Assert.True(answer.Media[1].RtcpRsize);
        string text = answer.ToString();
        Assert.Contains("a=ice-lite\r\n", text);
        Assert.Contains("a=group:BUNDLE 0 1 2\r\n", text);
        Assert.DoesNotContain("rtx", text);
        Assert.DoesNotContain("red/", text);
        Assert.DoesNotContain("ulpfec", text);
    }

    [Fact]
    public void Rfc8829_5_3_1_AudioKeepsOfferPayloadTypeFmtpAndFeedbackIntersection()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);
        MediaDescription audio = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out _).Media[0];

        RtpCodec opus = Assert.Single(audio.Codecs);
        Assert.Equal((111, "opus", 48000, (int?)2), (opus.PayloadType, opus.Name, opus.ClockRate, opus.Channels));
        Assert.Equal("minptime=10;useinbandfec=1", opus.Fmtp);
        Assert.Equal(new[] { "transport-cc" }, opus.RtcpFeedback);
        Assert.Equal(new[] { "111" }, audio.Formats);
        Assert.Equal(new[] { 1, 4 }, audio.Extensions.Select(e => e.Id));
        Assert.Equal(MediaDirection.RecvOnly, audio.Direction); // sendrecv offer, no outgoing track
    }

    [Fact]
    public void Rfc8829_5_3_1_VideoOurPreferenceOrderWithoutRepairFormats()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);
        MediaDescription video = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out _).Media[1];

        // H264 42e01f packetization-mode=1 (PT 106) first, then VP8 (96); 42001f is Baseline, 4d001f Main,
        // 64001f High, 108 has packetization-mode=0: none match. rtx/red/ulpfec/AV1/VP9 are dropped.
        Assert.Equal(new[] { 106, 96 }, video.Codecs.Select(c => c.PayloadType));
        Assert.Equal(new[] { "106", "96" }, video.Formats);
        Assert.Equal("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", video.Codecs[0].Fmtp);
        Assert.Equal(new[] { "transport-cc", "ccm fir", "nack", "nack pli" }, video.Codecs[0].RtcpFeedback); // no goog-remb
        Assert.Equal(new[] { 3, 4, 10 }, video.Extensions.Select(e => e.Id));
        Assert.Equal(MediaDirection.RecvOnly, video.Direction);
    }

    [Fact]
    public void Rfc4588_RtxIsNeverAcceptedEvenWhenListed()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);
        var codecs = new[] { CodecCapability.Vp8(), new CodecCapability("rtx", 90000), new CodecCapability("red", 90000), new CodecCapability("ulpfec", 90000) };
        MediaDescription video = SdpTestOptions.Answer(offer, SdpTestOptions.Create(videoCodecs: codecs), out _).Media[1];

        Assert.Equal(new[] { 96 }, video.Codecs.Select(c => c.PayloadType));
    }

    public static TheoryData<string, string, string, bool> H264Rows => new()
    {
        // offer profile-level-id, offer packetization-mode, our profile-level-id, accepted?
        { "42e01f", "1", "42e01f", true },   // identical Constrained Baseline 3.1
        { "42e034", "1", "42e01f", true },   // same profile, level 5.2: level may differ
        { "42c01f", "1", "42e01f", true },   // constraint_set2 differs, still Constrained Baseline
        { "640c1f", "1", "42e01f", false },  // Constrained High vs Constrained Baseline
        { "42001f", "1", "42e01f", false },  // Baseline (constraint_set1 = 0) vs Constrained Baseline
        { "4d001f", "1", "4d001f", true },   // Main vs Main
        { "64001f", "1", "640c1f", false },  // High vs Constrained High
        { "42e01f", "0", "42e01f", false },  // packetization-mode mismatch
        { "42e01f", "", "42e01f", false },   // packetization-mode absent = 0
        { "", "1", "42e01f", false },        // profile-level-id absent = 42000a Baseline
        { "zz", "1", "42e01f", false },      // unparsable profile-level-id
    };

    [Theory]
    [MemberData(nameof(H264Rows))]
    public void Rfc6184_8_2_2_H264ProfileMatching(string offerProfile, string packetizationMode, string ourProfile, bool accepted)
    {
        var fmtp = new List<string>();
        if (packetizationMode.Length > 0)
            fmtp.Add("packetization-mode=" + packetizationMode);
        if (offerProfile.Length > 0)
            fmtp.Add("profile-level-id=" + offerProfile);
        string body = "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\n" +
                      (fmtp.Count > 0 ? $"a=fmtp:102 {string.Join(';', fmtp)}\r\n" : "");
        SessionDescription offer = SdpAssert.Parse(SdpTestOptions.OneSection("video", "102", body, "sendonly"));
        AnswerOptions options = SdpTestOptions.Create(videoCodecs: new[] { CodecCapability.H264(ourProfile) });

        MediaDescription video = SdpTestOptions.Answer(offer, options, out NegotiatedSession negotiated).Media[0];

        Assert.Equal(accepted, !video.IsRejected);
        Assert.Equal(accepted ? 1 : 0, video.Codecs.Count);
        Assert.Equal(accepted, !negotiated.Media[0].IsRejected);
        if (accepted)
            Assert.Equal(offer.Media[0].Codecs[0].Fmtp, video.Codecs[0].Fmtp); // the offer's fmtp, not ours
    }

    [Fact]
    public void Rfc8829_5_3_1_RejectsSectionWithoutCommonCodecAndKeepsMid()
    {
        string text = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE a v d\r\n" +
            "a=ice-ufrag:brwU\r\na=ice-pwd:browserpasswordbrowser\r\na=fingerprint:sha-256 11:22\r\na=setup:actpass\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n" +
            "m=video 9 UDP/TLS/RTP/SAVPF 98\r\na=mid:v\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:98 VP9/90000\r\na=fmtp:98 profile-id=0\r\n" +
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:d\r\na=sctp-port:5000\r\n";
        SessionDescription offer = SdpAssert.Parse(text);

        SessionDescription answer = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out NegotiatedSession negotiated);

        Assert.Equal(9, answer.Media[0].Port);
        Assert.Equal((0, "v", 0), (answer.Media[1].Port, answer.Media[1].Mid, answer.Media[1].Codecs.Count));
        Assert.Equal((0, "d", MediaKind.Application), (answer.Media[2].Port, answer.Media[2].Mid, answer.Media[2].Kind));
        Assert.Equal(new[] { "a" }, answer.BundleGroup!.Mids);
        Assert.Contains("m=video 0 UDP/TLS/RTP/SAVPF 98\r\na=mid:v\r\na=inactive\r\n", answer.ToString());
        Assert.Contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:d\r\na=inactive\r\n", answer.ToString());
        Assert.Equal(new[] { false, true, true }, negotiated.Media.Select(m => m.IsRejected));
        Assert.Equal(new[] { "a" }, negotiated.BundleMids);
    }

    [Fact]
    public void Rfc8843_RejectsSectionsOutsideTheBundleAndWithoutRtcpMux()
    {
        string text = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE a\r\n" +
            "a=ice-ufrag:brwU\r\na=ice-pwd:browserpasswordbrowser\r\na=fingerprint:sha-256 11:22\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:b\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:c\r\na=rtpmap:111 opus/48000/2\r\n";
        SessionDescription offer = SdpAssert.Parse(text);
        offer.BundleGroup!.Mids.Add("c");

        SessionDescription answer = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out _);

        Assert.Equal(new[] { 9, 0, 0 }, answer.Media.Select(m => m.Port));
        Assert.Equal(new[] { "a" }, answer.BundleGroup!.Mids);
    }

    public static TheoryData<string, bool, MediaDirection> DirectionRows => new()
    {
        { "sendonly", false, MediaDirection.RecvOnly },
        { "sendonly", true, MediaDirection.RecvOnly },
        { "recvonly", true, MediaDirection.SendOnly },
        { "recvonly", false, MediaDirection.Inactive },
        { "sendrecv", true, MediaDirection.SendRecv },
        { "sendrecv", false, MediaDirection.RecvOnly },
        { "inactive", true, MediaDirection.Inactive },
    };

    [Theory]
    [MemberData(nameof(DirectionRows))]
    public void Rfc3264_6_1_DirectionComplement(string offered, bool withTrack, MediaDirection expected)
    {
        SessionDescription offer = SdpAssert.Parse(SdpTestOptions.OneSection("audio", "111", "a=rtpmap:111 opus/48000/2\r\n", offered));
        var tracks = withTrack ? new Dictionary<string, OutgoingTrack> { ["0"] = s_track } : null;

        MediaDescription audio = SdpTestOptions.Answer(offer, SdpTestOptions.Create(tracks), out NegotiatedSession negotiated).Media[0];

        Assert.Equal(expected, audio.Direction);
        Assert.Equal(expected, negotiated.Media[0].Direction); // answer direction is ours
        bool sends = expected.Sends();
        Assert.Equal(sends, audio.Msid is not null);
        Assert.Equal(sends ? "sfu-cname" : null, audio.GetSsrcAttribute(s_track.Ssrc, "cname"));
        Assert.Equal(sends ? new[] { s_track.Ssrc } : Array.Empty<uint>(), negotiated.Media[0].LocalSsrcs);
    }

    [Fact]
    public void Rfc8829_5_3_1_OutgoingTrackWritesMsidAndSsrc()
    {
        SessionDescription offer = SdpAssert.Parse(SdpTestOptions.OneSection("audio", "111", "a=rtpmap:111 opus/48000/2\r\n", "recvonly"));
        var tracks = new Dictionary<string, OutgoingTrack> { ["0"] = s_track };

        string text = SdpTestOptions.Answer(offer, SdpTestOptions.Create(tracks), out _).ToString();

        Assert.Contains("a=sendonly\r\na=msid:stream-a track-a\r\n", text);
        Assert.Contains("a=ssrc:287454020 cname:sfu-cname\r\na=ssrc:287454020 msid:stream-a track-a\r\n", text);
    }

    [Fact]
    public void Rfc8853_5_3_SimulcastSendIsAnsweredWithRecv()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);
        SessionDescription answer = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out NegotiatedSession negotiated);
        MediaDescription video = answer.Media[2];

        Assert.Equal(new[] { new RidDescription("h", RidDirection.Recv), new RidDescription("m", RidDirection.Recv), new RidDescription("l", RidDirection.Recv) }, video.Rids);
        Assert.Empty(video.Simulcast!.Send);
        Assert.Equal(new[] { "h", "m", "~l" }, video.Simulcast.Recv.Select(s => string.Join(',', s)));
        Assert.Contains("a=rid:h recv\r\na=rid:m recv\r\na=rid:l recv\r\na=simulcast:recv h;m;~l\r\n", answer.ToString());
        Assert.Null(answer.Media[1].Simulcast);

        NegotiatedMedia screen = negotiated.FindMedia("2")!;
        Assert.Equal(new[] { "h", "m", "l" }, screen.ReceiveRids.Select(r => r.Id));
        Assert.Equal(3, screen.ReceiveSimulcast.Count);
        Assert.True(screen.ReceiveSimulcast[2][0].Paused);
        Assert.Equal(10, screen.GetExtensionId("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"));
    }

    [Fact]
    public void Rfc8853_RidsMissingFromSimulcastAreDropped()
    {
        string body = "a=rtpmap:96 VP8/90000\r\na=rid:h send\r\na=rid:x send\r\na=simulcast:send h;q\r\n";
        SessionDescription offer = SdpAssert.Parse(SdpTestOptions.OneSection("video", "96", body, "sendonly"));

        MediaDescription video = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out _).Media[0];

        Assert.Equal(new[] { "h" }, video.Rids.Select(r => r.Id));
        Assert.Equal("recv h", video.Simulcast!.ToString());
    }

    public static TheoryData<string, DtlsSetup, DtlsSetup, DtlsRole> SetupRows => new()
    {
        // offer setup, our preference, answer setup, our DTLS role
        { "actpass", DtlsSetup.Passive, DtlsSetup.Passive, DtlsRole.Server },
        { "actpass", DtlsSetup.Active, DtlsSetup.Active, DtlsRole.Client },
        { "active", DtlsSetup.Passive, DtlsSetup.Passive, DtlsRole.Server },
        { "active", DtlsSetup.Active, DtlsSetup.Passive, DtlsRole.Server },
        { "passive", DtlsSetup.Passive, DtlsSetup.Active, DtlsRole.Client },
    };

    [Theory]
    [MemberData(nameof(SetupRows))]
    public void Rfc5763_5_SetupRoles(string offered, DtlsSetup preferred, DtlsSetup expectedSetup, DtlsRole expectedRole)
    {
        SessionDescription offer = SdpAssert.Parse(SdpTestOptions.OneSection("audio", "111", "a=rtpmap:111 opus/48000/2\r\n", setup: offered));

        SessionDescription answer = SdpTestOptions.Answer(offer, SdpTestOptions.Create(setup: preferred), out NegotiatedSession negotiated);

        Assert.Equal(expectedSetup, answer.Media[0].Setup);
        Assert.Equal(expectedRole, negotiated.LocalDtlsRole);
        Assert.Equal("brwU", negotiated.RemoteIceUfrag);
        Assert.Equal("browserpasswordbrowser", negotiated.RemoteIcePwd);
        Assert.Equal(new SdpFingerprint("sha-256", "11:22:33"), negotiated.RemoteFingerprint);
    }

    [Fact]
    public void Rfc8829_5_10_NegotiatedSessionFromChromeOffer()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);
        SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out NegotiatedSession negotiated);

        Assert.Equal(("Xy7q", "9hK3vL0pQ2mN8rT5sW1yZ4bC"), (negotiated.RemoteIceUfrag, negotiated.RemoteIcePwd));
        Assert.Equal(DtlsRole.Server, negotiated.LocalDtlsRole);
        Assert.False(negotiated.RemoteIceLite);
        Assert.Equal(new[] { "0", "1", "2" }, negotiated.BundleMids);

        NegotiatedMedia audio = negotiated.FindMedia("0")!;
        Assert.Equal((MediaKind.Audio, MediaDirection.RecvOnly), (audio.Kind, audio.Direction));
        Assert.Equal("opus", audio.FindCodec(111)!.Name);
        Assert.Equal(1, audio.GetExtensionId("urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
        Assert.Equal(0, audio.GetExtensionId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"));
        RemoteSsrc audioSsrc = Assert.Single(audio.RemoteSsrcs);
        Assert.Equal((1001234567u, "q1Yb3KxT9vZr2mWc"), (audioSsrc.Ssrc, audioSsrc.Cname));

        NegotiatedMedia video = negotiated.FindMedia("1")!;
        Assert.True(video.WeReceive);
        Assert.False(video.WeSend);
        Assert.Equal(new[] { 106, 96 }, video.Codecs.Select(c => c.PayloadType));
        Assert.Equal(new[] { "transport-cc", "ccm fir", "nack", "nack pli" }, video.FindCodec(96)!.RtcpFeedback);
        Assert.Equal(new uint[] { 2231627014, 632943048 }, video.RemoteSsrcs.Select(s => s.Ssrc));
        Assert.Equal("8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d", video.RemoteSsrcs[1].Msid!.TrackId);
        SsrcGroup fid = Assert.Single(video.RemoteSsrcGroups);
        Assert.Equal(("FID", 632943048u), (fid.Semantics, fid.Ssrcs[1]));
        Assert.Equal("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", negotiated.FindMedia("2")!.RemoteMsid!.TrackId);
    }

    private const string Session = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n";
    private const string Transport = "a=ice-ufrag:brwU\r\na=ice-pwd:browserpasswordbrowser\r\na=fingerprint:sha-256 11:22\r\n";
    private const string Opus = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";

    public static TheoryData<string, string, SdpError> NegativeRows => new()
    {
        { "accepted section without mid", Session + Transport + Opus, SdpError.BadMid },
        { "duplicate mid", Session + Transport + Opus + "a=mid:0\r\n" + Opus + "a=mid:0\r\n", SdpError.BadMid },
        { "no ICE credentials", Session + "a=fingerprint:sha-256 11:22\r\n" + Opus + "a=mid:0\r\n", SdpError.MissingIceCredentials },
        { "no fingerprint", Session + "a=ice-ufrag:brwU\r\na=ice-pwd:browserpasswordbrowser\r\n" + Opus + "a=mid:0\r\n", SdpError.MissingFingerprint },
        { "setup holdconn", Session + Transport + "a=setup:holdconn\r\n" + Opus + "a=mid:0\r\n", SdpError.BadSetup },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void Rfc8829_5_3_1_RefusesUnanswerableOffers(string row, string text, SdpError expected)
    {
        SessionDescription offer = SdpAssert.Parse(text);

        SdpError error = SdpAnswerer.TryCreateAnswer(offer, SdpTestOptions.Create(), out SessionDescription? answer, out NegotiatedSession? negotiated);

        Assert.True(expected == error, $"{row}: expected {expected}, got {error}");
        Assert.Null(answer);
        Assert.Null(negotiated);
    }

    [Fact]
    public void Rfc8829_5_3_1_RefusesIncompleteOptions()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);
        var options = new AnswerOptions { IceUfrag = "", IcePwd = "x", Fingerprint = new SdpFingerprint("sha-256", "AA") };
        var actpass = new AnswerOptions { IceUfrag = "u", IcePwd = "x", Fingerprint = new SdpFingerprint("sha-256", "AA"), Setup = DtlsSetup.ActPass };

        Assert.Equal(SdpError.BadOptions, SdpAnswerer.TryCreateAnswer(offer, options, out _, out _));
        Assert.Equal(SdpError.BadOptions, SdpAnswerer.TryCreateAnswer(offer, actpass, out _, out _));
    }

    [Fact]
    public void Rfc8843_WithoutBundleOnlyTheFirstSectionIsAccepted()
    {
        string text = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + Transport +
                      Opus + "a=mid:0\r\n" + Opus + "a=mid:1\r\n";
        SessionDescription answer = SdpTestOptions.Answer(SdpAssert.Parse(text), SdpTestOptions.Create(), out _);

        Assert.Equal(new[] { 9, 0 }, answer.Media.Select(m => m.Port));
        Assert.Empty(answer.Groups);
    }

    [Fact]
    public void Rfc8843_6_BundleOnlySectionIsAccepted()
    {
        string text = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n" +
                      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + Transport + "a=mid:0\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n" +
                      "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=bundle-only\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n";
        SessionDescription offer = SdpAssert.Parse(text);
        Assert.True(offer.Media[1].IsBundleOnly);
        Assert.False(offer.Media[1].IsRejected);

        SessionDescription answer = SdpTestOptions.Answer(offer, SdpTestOptions.Create(), out NegotiatedSession negotiated);

        Assert.Equal(new[] { 9, 9 }, answer.Media.Select(m => m.Port));
        Assert.Equal(new[] { "0", "1" }, answer.BundleGroup!.Mids);
        Assert.Equal(MediaDirection.RecvOnly, negotiated.FindMedia("1")!.Direction);
        Assert.Equal("brwU", negotiated.RemoteIceUfrag);
    }
}
