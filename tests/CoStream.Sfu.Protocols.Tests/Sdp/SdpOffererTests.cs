using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

public sealed class SdpOffererTests
{
    private static RtpCodec Opus()
    {
        var codec = new RtpCodec(111, "opus", 48000, 2) { Fmtp = "minptime=10;useinbandfec=1" };
        codec.RtcpFeedback.Add("transport-cc");
        return codec;
    }

    private static RtpCodec H264()
    {
        var codec = new RtpCodec(106, "H264", 90000) { Fmtp = "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f" };
        codec.RtcpFeedback.AddRange(new[] { "nack", "nack pli", "ccm fir", "transport-cc" });
        return codec;
    }

    private static OfferOptions Options(ulong version, params OfferedMedia[] media) => new()
    {
        IceUfrag = "sfuU",
        IcePwd = "sfupasswordsfupassword",
        Fingerprint = new SdpFingerprint("sha-256", SdpTestOptions.Fingerprint),
        Candidates = { SdpTestOptions.Candidate },
        SessionId = 99,
        SessionVersion = version,
        Media = media.ToList(),
    };

    private static OfferedMedia AudioSlot() => new("0", MediaKind.Audio)
    {
        Track = new OutgoingTrack(1111, "pub-a", "stream-1", "audio-1"),
        Codecs = { Opus() },
        Extensions = { new HeaderExtension(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"), new HeaderExtension(4, "urn:ietf:params:rtp-hdrext:sdes:mid") },
    };

    private static OfferedMedia VideoSlot(string mid, uint ssrc) => new(mid, MediaKind.Video)
    {
        Track = new OutgoingTrack(ssrc, "pub-a", "stream-1", "video-" + mid),
        Codecs = { H264() },
        Extensions = { new HeaderExtension(3, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01") },
    };

    [Fact]
    public void Rfc8829_5_2_1_InitialOffer()
    {
        SessionDescription offer = SdpOfferer.CreateOffer(Options(1, AudioSlot(), VideoSlot("1", 2222)));
        string text = offer.ToString();

        Assert.True(offer.IceLite);
        Assert.Equal(new[] { "0", "1" }, offer.BundleGroup!.Mids);
        Assert.All(offer.Media, m =>
        {
            Assert.Equal(MediaDirection.SendOnly, m.Direction);
            Assert.Equal(DtlsSetup.ActPass, m.Setup);
            Assert.True(m.RtcpMux);
            Assert.Equal("sfuU", m.IceUfrag);
            Assert.Single(m.Candidates);
        });
        Assert.StartsWith("v=0\r\no=- 99 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=ice-lite\r\na=msid-semantic: WMS *\r\n", text);
        Assert.Contains("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n", text);
        Assert.Contains("a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n", text);
        Assert.Contains("a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n", text);
        Assert.Contains("a=msid:stream-1 video-1\r\n", text);
        Assert.Contains("a=ssrc:2222 cname:pub-a\r\na=ssrc:2222 msid:stream-1 video-1\r\n", text);
        Assert.Contains("a=rtcp-fb:106 nack pli\r\n", text);
        Assert.EndsWith("a=end-of-candidates\r\n", text);
    }

    [Fact]
    public void Rfc8829_5_2_2_ReofferKeepsMidsAndStopsRemovedTrack()
    {
        OfferedMedia audio = AudioSlot(), video = VideoSlot("1", 2222), screen = VideoSlot("2", 3333);
        SessionDescription first = SdpOfferer.CreateOffer(Options(1, audio, video, screen));

        video.Stopped = true; // the publisher's camera left
        SessionDescription second = SdpOfferer.CreateOffer(Options(2, audio, video, screen));

        Assert.Equal(2UL, second.Origin.SessionVersion);
        Assert.Equal(first.Origin.SessionId, second.Origin.SessionId);
        Assert.Equal(new[] { "0", "1", "2" }, second.Media.Select(m => m.Mid));
        Assert.Equal(first.Media[0].ToString(), second.Media[0].ToString()); // untouched sections are identical
        Assert.Equal(first.Media[2].ToString(), second.Media[2].ToString());
        MediaDescription stopped = second.Media[1];
        Assert.Equal((0, MediaDirection.Inactive), (stopped.Port, stopped.Direction));
        Assert.Equal("m=video 0 UDP/TLS/RTP/SAVPF 106\r\na=mid:1\r\na=inactive\r\n", stopped.ToString());
        Assert.Equal(new[] { "0", "2" }, second.BundleGroup!.Mids);

        // A new track recycles the stopped slot under a mid never used before.
        int slot = SdpOfferer.FindRecyclableSlot(new[] { audio, video, screen });
        string mid = SdpOfferer.NextMid(new[] { "0", "1", "2" });
        Assert.Equal((1, "3"), (slot, mid));
        SessionDescription third = SdpOfferer.CreateOffer(Options(3, audio, VideoSlot(mid, 4444), screen));
        Assert.Equal(new[] { "0", "3", "2" }, third.Media.Select(m => m.Mid));
        Assert.Equal(new[] { "0", "3", "2" }, third.BundleGroup!.Mids);
        Assert.Equal(new uint[] { 4444 }, third.Media[1].GetSsrcNumbers());
    }

    [Fact]
    public void Rfc8829_5_2_2_SlotWithoutTrackIsInactiveButBundled()
    {
        OfferedMedia idle = VideoSlot("1", 0);
        idle.Track = null;
        SessionDescription offer = SdpOfferer.CreateOffer(Options(1, AudioSlot(), idle));

        Assert.Equal((9, MediaDirection.Inactive), (offer.Media[1].Port, offer.Media[1].Direction));
        Assert.Empty(offer.Media[1].Ssrcs);
        Assert.Null(offer.Media[1].Msid);
        Assert.Equal(new[] { "0", "1" }, offer.BundleGroup!.Mids);
    }

    [Fact]
    public void Rfc8829_5_2_RefusesDuplicateMidsAndSlotsWithoutCodec()
    {
        Assert.Throws<ArgumentException>(() => SdpOfferer.CreateOffer(Options(1, AudioSlot(), AudioSlot())));
        Assert.Throws<ArgumentException>(() => SdpOfferer.CreateOffer(Options(1, new OfferedMedia("0", MediaKind.Audio))));
        Assert.Equal("0", SdpOfferer.NextMid(Array.Empty<string>()));
        Assert.Equal("8", SdpOfferer.NextMid(new[] { "audio", "7", "3" }));
        Assert.Equal(-1, SdpOfferer.FindRecyclableSlot(new[] { AudioSlot() }));
    }

    [Fact]
    public void Rfc8829_5_11_OfferPairedWithBrowserAnswer()
    {
        SessionDescription offer = SdpOfferer.CreateOffer(Options(1, AudioSlot(), VideoSlot("1", 2222)));
        // What a subscribing browser answers: recvonly, setup active, its own ICE credentials.
        string answerText =
            "v=0\r\no=- 55 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:subU\r\na=ice-pwd:subscriberpasswordsub\r\n" +
            "a=fingerprint:sha-256 AA:BB\r\na=setup:active\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n" +
            "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n" +
            "m=video 9 UDP/TLS/RTP/SAVPF 106\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:subU\r\na=ice-pwd:subscriberpasswordsub\r\n" +
            "a=fingerprint:sha-256 AA:BB\r\na=setup:active\r\na=mid:1\r\na=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n" +
            "a=recvonly\r\na=rtcp-mux\r\na=rtpmap:106 H264/90000\r\na=rtcp-fb:106 nack\r\na=rtcp-fb:106 nack pli\r\n" +
            "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
        SessionDescription answer = SdpAssert.Parse(answerText);

        NegotiatedSession negotiated = NegotiatedSession.FromOfferAnswer(offer, answer, localIsOfferer: true);

        Assert.Equal(DtlsRole.Server, negotiated.LocalDtlsRole); // remote answered active
        Assert.Equal(("subU", "subscriberpasswordsub"), (negotiated.RemoteIceUfrag, negotiated.RemoteIcePwd));
        Assert.Equal(new[] { MediaDirection.SendOnly, MediaDirection.SendOnly }, negotiated.Media.Select(m => m.Direction));
        Assert.Equal(new[] { "nack", "nack pli" }, negotiated.FindMedia("1")!.FindCodec(106)!.RtcpFeedback);
        Assert.Equal(3, negotiated.FindMedia("1")!.GetExtensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"));
        Assert.Equal(new uint[] { 2222 }, negotiated.FindMedia("1")!.LocalSsrcs);
        Assert.Empty(negotiated.FindMedia("1")!.RemoteSsrcs);

        answer.Media[0].Setup = DtlsSetup.Passive;
        answer.Media[1].Setup = DtlsSetup.Passive;
        Assert.Equal(DtlsRole.Client, NegotiatedSession.FromOfferAnswer(offer, answer, true).LocalDtlsRole);
    }

    [Fact]
    public void Rfc8829_5_11_PairingRefusals()
    {
        SessionDescription offer = SdpOfferer.CreateOffer(Options(1, AudioSlot(), VideoSlot("1", 2222)));
        SessionDescription oneSection = SdpAssert.Parse(SdpTestOptions.OneSection("audio", "111", "a=rtpmap:111 opus/48000/2\r\n", "recvonly", "active"));
        Assert.Equal(SdpError.MediaMismatch, NegotiatedSession.TryFromOfferAnswer(offer, oneSection, true, out NegotiatedSession? n));
        Assert.Null(n);
        Assert.Throws<ArgumentException>(() => NegotiatedSession.FromOfferAnswer(offer, oneSection, true));

        SessionDescription single = SdpOfferer.CreateOffer(Options(1, AudioSlot()));
        SessionDescription actpassAnswer = SdpAssert.Parse(SdpTestOptions.OneSection("audio", "111", "a=rtpmap:111 opus/48000/2\r\n", "recvonly", "actpass"));
        Assert.Equal(SdpError.BadSetup, NegotiatedSession.TryFromOfferAnswer(single, actpassAnswer, true, out _));

        SessionDescription otherMid = SdpAssert.Parse(SdpTestOptions.OneSection("audio", "111", "a=rtpmap:111 opus/48000/2\r\n", "recvonly", "active").Replace("a=mid:0", "a=mid:9"));
        Assert.Equal(SdpError.MediaMismatch, NegotiatedSession.TryFromOfferAnswer(single, otherMid, true, out _));
    }
}
