using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Protocols.Tests.Sdp.Resources;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

public sealed class SdpParserTests
{
    [Fact]
    public void Rfc8866_5_ChromeOffer_SessionLevel()
    {
        SessionDescription offer = SdpAssert.Parse(ChromeOffers.Publisher);

        Assert.Equal(new SdpOrigin("-", 4611731400430051336, 2, "IN", "IP4", "127.0.0.1"), offer.Origin);
        Assert.Equal("-", offer.SessionName);
        Assert.Equal("0 0", offer.Timing);
        SdpGroup bundle = Assert.Single(offer.Groups);
        Assert.True(bundle.IsBundle);
        Assert.Equal(new[] { "0", "1", "2" }, bundle.Mids);
        Assert.False(offer.IceLite);
        Assert.Equal("WMS 5f0c2a4e-9a51-4bb8-b3a1-6e0a1f1c6d2b", offer.MsidSemantic);
        Assert.Equal(new SdpAttribute("extmap-allow-mixed", null), Assert.Single(offer.OtherAttributes));
        Assert.Equal(3, offer.Media.Count);
    }

    [Fact]
    public void Rfc8829_5_2_ChromeOffer_AudioSection()
    {
        MediaDescription audio = SdpAssert.Parse(ChromeOffers.Publisher).Media[0];

        Assert.Equal(MediaKind.Audio, audio.Kind);
        Assert.Equal(9, audio.Port);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Protocol);
        Assert.Equal(new[] { "111", "63", "9", "0", "8", "13", "110", "126" }, audio.Formats);
        Assert.Equal(SdpConnection.Placeholder, audio.Connection);
        Assert.Equal("0", audio.Mid);
        Assert.Equal(MediaDirection.SendRecv, audio.Direction);
        Assert.True(audio.RtcpMux);
        Assert.False(audio.RtcpRsize);
        Assert.Equal("Xy7q", audio.IceUfrag);
        Assert.Equal("9hK3vL0pQ2mN8rT5sW1yZ4bC", audio.IcePwd);
        Assert.Equal("trickle", audio.IceOptions);
        Assert.Equal("sha-256", audio.Fingerprint!.Algorithm);
        Assert.StartsWith("8C:71:B3", audio.Fingerprint.Value);
        Assert.Equal(DtlsSetup.ActPass, audio.Setup);

        Assert.Equal(3, audio.Candidates.Count);
        Assert.Contains(".local 54321 typ host", audio.Candidates[0]);
        Assert.Contains("typ srflx", audio.Candidates[2]);
        Assert.False(audio.EndOfCandidates);

        Assert.Equal(8, audio.Codecs.Count);
        RtpCodec opus = audio.Codecs[0];
        Assert.Equal((111, "opus", 48000, (int?)2), (opus.PayloadType, opus.Name, opus.ClockRate, opus.Channels));
        Assert.Equal("minptime=10;useinbandfec=1", opus.Fmtp);
        Assert.Equal("1", opus.Parameters["useinbandfec"]);
        Assert.Equal(new[] { "transport-cc" }, opus.RtcpFeedback);
        RtpCodec red = audio.FindCodec(63)!;
        Assert.True(red.IsRepairFormat);
        Assert.Equal("", red.Parameters["111/111"]);
        Assert.Null(audio.FindCodec(0)!.Channels);
        Assert.Equal("telephone-event", audio.FindCodec(126)!.Name);

        Assert.Equal(4, audio.Extensions.Count);
        Assert.Equal(new HeaderExtension(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"), audio.Extensions[0]);
        Assert.Equal(new SdpMsid("5f0c2a4e-9a51-4bb8-b3a1-6e0a1f1c6d2b", "0b6e2a1c-4d3f-4a5b-9c8d-7e6f5a4b3c2d"), audio.Msid);
        Assert.Equal("q1Yb3KxT9vZr2mWc", audio.GetSsrcAttribute(1001234567, "cname"));
        Assert.Equal(new SdpAttribute("rtcp", "9 IN IP4 0.0.0.0"), Assert.Single(audio.OtherAttributes));
    }

    [Fact]
    public void Rfc8829_5_2_ChromeOffer_VideoSectionWithRtxAndFid()
    {
        MediaDescription video = SdpAssert.Parse(ChromeOffers.Publisher).Media[1];

        Assert.Equal(MediaKind.Video, video.Kind);
        Assert.Equal("1", video.Mid);
        Assert.Equal(MediaDirection.SendOnly, video.Direction);
        Assert.True(video.RtcpRsize);
        Assert.Equal(25, video.Formats.Count);
        Assert.Equal(25, video.Codecs.Count);

        RtpCodec vp8 = video.FindCodec(96)!;
        Assert.Equal(("VP8", 90000), (vp8.Name, vp8.ClockRate));
        Assert.Equal(new[] { "goog-remb", "transport-cc", "ccm fir", "nack", "nack pli" }, vp8.RtcpFeedback);
        Assert.Equal("96", video.FindCodec(97)!.Parameters["apt"]);
        Assert.True(video.FindCodec(97)!.IsRepairFormat);

        Assert.Equal("42e01f", video.FindCodec(106)!.Parameters["profile-level-id"]);
        Assert.Equal("1", video.FindCodec(106)!.Parameters["packetization-mode"]);
        Assert.Equal("0", video.FindCodec(108)!.Parameters["packetization-mode"]);
        Assert.Equal("4d001f", video.FindCodec(127)!.Parameters["profile-level-id"]);
        Assert.Equal("64001f", video.FindCodec(112)!.Parameters["profile-level-id"]);
        Assert.Equal("AV1", video.FindCodec(45)!.Name);
        Assert.Equal("2", video.FindCodec(100)!.Parameters["profile-id"]);
        Assert.Equal("ulpfec", video.FindCodec(118)!.Name);

        Assert.Equal(11, video.Extensions.Count);
        Assert.Equal(14, video.Extensions[0].Id);
        Assert.Equal("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", video.Extensions[9].Uri);

        SsrcGroup fid = Assert.Single(video.SsrcGroups);
        Assert.Equal("FID", fid.Semantics);
        Assert.Equal(new uint[] { 2231627014, 632943048 }, fid.Ssrcs);
        Assert.Equal(new uint[] { 2231627014, 632943048 }, video.GetSsrcNumbers());
        Assert.Equal("5f0c2a4e-9a51-4bb8-b3a1-6e0a1f1c6d2b 8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d", video.GetSsrcAttribute(632943048, "msid"));
        Assert.Empty(video.Candidates);
    }

    [Fact]
    public void Rfc8853_ChromeOffer_SimulcastWithRids()
    {
        MediaDescription video = SdpAssert.Parse(ChromeOffers.Publisher).Media[2];

        Assert.Equal(new[] { "h", "m", "l" }, video.Rids.Select(r => r.Id));
        Assert.All(video.Rids, r => Assert.Equal(RidDirection.Send, r.Direction));
        Assert.NotNull(video.Simulcast);
        Assert.Equal(3, video.Simulcast!.Send.Count);
        Assert.Empty(video.Simulcast.Recv);
        Assert.Equal(new SimulcastRid("h"), Assert.Single(video.Simulcast.Send[0]));
        Assert.Equal(new SimulcastRid("l", Paused: true), Assert.Single(video.Simulcast.Send[2]));
        Assert.Empty(video.Ssrcs);
        Assert.Equal(new[] { "transport-cc", "nack", "nack pli" }, video.FindCodec(45)!.RtcpFeedback);
    }

    [Fact]
    public void Rfc8866_5_AcceptsBareLineFeeds()
    {
        SessionDescription crlf = SdpAssert.Parse(ChromeOffers.Publisher);
        SessionDescription lf = SdpAssert.Parse(ChromeOffers.Publisher.Replace("\r\n", "\n"));
        SdpAssert.DeepEqual(crlf, lf);
    }

    [Fact]
    public void Rfc8843_SessionLevelTransportIsHandedDown()
    {
        const string text =
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" +
            "a=ice-ufrag:sess\r\na=ice-pwd:sessionpassword1234567\r\na=ice-options:trickle\r\n" +
            "a=fingerprint:sha-256 AA:BB\r\na=setup:actpass\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\na=rtpmap:111 opus/48000/2\r\n" +
            "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\na=ice-ufrag:own\r\na=ice-pwd:ownpasswordownpassword\r\na=setup:active\r\na=rtpmap:96 VP8/90000\r\n";
        SessionDescription d = SdpAssert.Parse(text);

        Assert.Equal("sess", d.IceUfrag);
        Assert.Equal(("sess", "sessionpassword1234567", "trickle"), (d.Media[0].IceUfrag, d.Media[0].IcePwd, d.Media[0].IceOptions));
        Assert.Equal(new SdpFingerprint("sha-256", "AA:BB"), d.Media[0].Fingerprint);
        Assert.Equal(DtlsSetup.ActPass, d.Media[0].Setup);
        Assert.Equal(("own", "ownpasswordownpassword"), (d.Media[1].IceUfrag, d.Media[1].IcePwd));
        Assert.Equal(DtlsSetup.Active, d.Media[1].Setup);
        Assert.Equal(new SdpFingerprint("sha-256", "AA:BB"), d.Media[1].Fingerprint);
    }

    [Fact]
    public void Rfc4585_RtcpFbWildcardAndOrphanFmtpAreKept()
    {
        const string text =
            "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n" +
            "m=video 9 RTP/AVPF 96 97\na=rtcp-fb:* nack\na=fmtp:97 apt=96\na=rtpmap:96 VP8/90000\n";
        MediaDescription m = SdpAssert.Parse(text).Media[0];

        Assert.Single(m.Codecs);
        Assert.Equal(new[] { new SdpAttribute("rtcp-fb", "* nack"), new SdpAttribute("fmtp", "97 apt=96") }, m.OtherAttributes);
    }

    private const string Head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private const string Audio = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

    public static TheoryData<string, string, SdpError> NegativeRows => new()
    {
        { "empty", "", SdpError.Empty },
        { "only whitespace", " \r\n \r\n", SdpError.Empty },
        { "too large", Head + new string('a', SdpLimits.MaxTextLength), SdpError.TooLarge },
        { "line too long", Head + "a=x:" + new string('y', SdpLimits.MaxLineLength) + "\r\n", SdpError.LineTooLong },
        { "no equals sign", Head + "a\r\n", SdpError.BadLine },
        { "upper-case type", Head + "A=foo\r\n", SdpError.BadLine },
        { "unknown type letter", Head + "x=foo\r\n", SdpError.BadLine },
        { "control character", Head + "a=mid:\u00010\r\n", SdpError.BadLine },
        { "no version line", "o=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n", SdpError.MissingVersion },
        { "version 1", "v=1\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n", SdpError.BadVersion },
        { "version only", "v=0\r\n", SdpError.BadOrigin },
        { "origin with five fields", "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n", SdpError.BadOrigin },
        { "origin id not numeric", "v=0\r\no=- abc 1 IN IP4 127.0.0.1\r\ns=-\r\n", SdpError.BadOrigin },
        { "origin id overflows 64 bits", "v=0\r\no=- 99999999999999999999 1 IN IP4 1.2.3.4\r\ns=-\r\n", SdpError.BadOrigin },
        { "no session name", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nt=0 0\r\n", SdpError.MissingSessionName },
        { "attribute before s=", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\na=ice-lite\r\ns=-\r\n", SdpError.MissingSessionName },
        { "second s=", Head + "s=again\r\n", SdpError.MisplacedLine },
        { "t= inside m-section", Head + Audio + "t=0 0\r\n", SdpError.MisplacedLine },
        { "c= with two fields", Head + "c=IN IP4\r\n", SdpError.BadConnection },
        { "m= without formats", Head + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", SdpError.BadMedia },
        { "m= port out of range", Head + "m=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n", SdpError.BadMedia },
        { "m= payload type 128", Head + "m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n", SdpError.BadMedia },
        { "m= payload type not a number", Head + "m=audio 9 UDP/TLS/RTP/SAVPF opus\r\n", SdpError.BadMedia },
        { "rtpmap without clock rate", Head + Audio + "a=rtpmap:111 opus\r\n", SdpError.BadAttribute },
        { "rtpmap twice", Head + Audio + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:111 opus/48000/2\r\n", SdpError.BadAttribute },
        { "fmtp without parameters", Head + Audio + "a=rtpmap:111 opus/48000/2\r\na=fmtp:111\r\n", SdpError.BadAttribute },
        { "fmtp payload type garbage", Head + Audio + "a=fmtp:x1 a=b\r\n", SdpError.BadAttribute },
        { "extmap id 0", Head + Audio + "a=extmap:0 urn:x\r\n", SdpError.BadAttribute },
        { "extmap bad direction", Head + Audio + "a=extmap:1/sideways urn:x\r\n", SdpError.BadAttribute },
        { "ssrc not a number", Head + Audio + "a=ssrc:abc cname:x\r\n", SdpError.BadAttribute },
        { "ssrc-group member overflows", Head + Audio + "a=ssrc-group:FID 1 4294967296\r\n", SdpError.BadAttribute },
        { "rid with bad direction", Head + Audio + "a=rid:h sendrecv\r\n", SdpError.BadAttribute },
        { "simulcast with bad rid", Head + Audio + "a=simulcast:send h;m!\r\n", SdpError.BadAttribute },
        { "simulcast without list", Head + Audio + "a=simulcast:send\r\n", SdpError.BadAttribute },
        { "setup unknown", Head + Audio + "a=setup:both\r\n", SdpError.BadAttribute },
        { "fingerprint not hex", Head + Audio + "a=fingerprint:sha-256 ZZ:11\r\n", SdpError.BadAttribute },
        { "two mids", Head + Audio + "a=mid:0\r\na=mid:1\r\n", SdpError.BadAttribute },
        { "attribute name with space", Head + "a=bad name:1\r\n", SdpError.BadAttribute },
        { "too many m-sections", Head + string.Concat(Enumerable.Repeat(Audio, SdpLimits.MaxMediaSections + 1)), SdpError.TooManySections },
        { "too many lines in a section", Head + Audio + string.Concat(Enumerable.Repeat("a=x\r\n", SdpLimits.MaxLinesPerSection)), SdpError.TooManyLines },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void Rfc8866_5_RefusesMalformedText(string row, string text, SdpError expected)
    {
        SdpError error = SessionDescription.TryParse(text, out SessionDescription? description);
        Assert.True(expected == error, $"{row}: expected {expected}, got {error}");
        Assert.Null(description);
    }

    [Fact]
    public void Rfc8866_5_NullIsEmpty()
    {
        Assert.Equal(SdpError.Empty, SessionDescription.TryParse(null, out _));
    }

    [Fact]
    public void Rfc8866_5_AcceptsExactlyTheLimits()
    {
        string text = Head + string.Concat(Enumerable.Repeat(Audio, SdpLimits.MaxMediaSections));
        Assert.Equal(SdpLimits.MaxMediaSections, SdpAssert.Parse(text).Media.Count);
        string lines = Head + Audio + string.Concat(Enumerable.Repeat("a=x\r\n", SdpLimits.MaxLinesPerSection - 1));
        Assert.Equal(SdpLimits.MaxLinesPerSection - 1, SdpAssert.Parse(lines).Media[0].OtherAttributes.Count);
    }
}
