using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Protocols.Tests.Sdp.Resources;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

public sealed class SdpRoundTripTests
{
    [Fact]
    public void Rfc8866_5_ChromeOffer_ParseWriteParse()
    {
        SessionDescription x = SdpAssert.Parse(ChromeOffers.Publisher);
        string written = x.ToString();
        SessionDescription y = SdpAssert.Parse(written);

        SdpAssert.DeepEqual(x, y);
        Assert.Equal(written, y.ToString());
        Assert.All(written.Split("\r\n")[..^1], line => Assert.Matches("^[a-z]=", line));
        Assert.EndsWith("\r\n", written);
        Assert.DoesNotContain("\r\n\r\n", written);
    }

    [Fact]
    public void Rfc8866_5_ChromeOffer_LinesArePreserved()
    {
        // Every line of the Chrome offer survives a round trip (the writer may reorder, never drop).
        string written = SdpAssert.Parse(ChromeOffers.Publisher).ToString();
        var original = ChromeOffers.Publisher.Split("\r\n").Where(l => l.Length > 0).ToList();
        var output = written.Split("\r\n").Where(l => l.Length > 0).ToList();

        Assert.Equal(original.Count, output.Count);
        Assert.Equal(original.OrderBy(l => l, StringComparer.Ordinal), output.OrderBy(l => l, StringComparer.Ordinal));
    }

    [Fact]
    public void Rfc8866_5_WriterUsesRfcLineOrder()
    {
        var d = new SessionDescription { Timing = "0 0", Connection = new SdpConnection("IN", "IP4", "192.0.2.1") };
        d.OtherLines.Add(new SdpLine('b', "AS:256"));
        d.OtherLines.Insert(0, new SdpLine('i', "info")); // the model keeps order of appearance, so write it in RFC order
        d.OtherLines.Add(new SdpLine('k', "prompt"));
        d.Media.Add(new MediaDescription(MediaKind.Audio) { Mid = "0", Formats = { "0" } });

        string text = d.ToString();

        Assert.Equal("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\ni=info\r\nc=IN IP4 192.0.2.1\r\nb=AS:256\r\nt=0 0\r\nk=prompt\r\n" +
                     "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=sendrecv\r\n", text);
        SdpAssert.DeepEqual(d, SdpAssert.Parse(text));
    }

    [Fact]
    public void Rfc8843_HandedDownTransportIsWrittenAtBothLevels()
    {
        // After parsing, session-level ICE/DTLS values live in the session and in every m-section; writing
        // that model and parsing it again gives the same model (a fixed point).
        const string text = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-ufrag:sess\r\na=ice-pwd:sessionpassword1234567\r\n" +
                            "a=fingerprint:sha-256 AA:BB\r\na=setup:actpass\r\nm=audio 9 RTP/SAVPF 0\r\na=mid:0\r\n";
        SessionDescription x = SdpAssert.Parse(text);
        string written = x.ToString();

        Assert.Contains("a=mid:0", written);
        Assert.Contains("m=audio 9 RTP/SAVPF 0\r\na=ice-ufrag:sess\r\n", written);
        SdpAssert.DeepEqual(x, SdpAssert.Parse(written));
    }

    [Fact]
    public void Rfc8829_5_3_Answer_ParseOfToStringEqualsModel()
    {
        var tracks = new Dictionary<string, OutgoingTrack> { ["0"] = new(5, "c", "s", "t") };
        SessionDescription answer = SdpTestOptions.Answer(SdpAssert.Parse(ChromeOffers.Publisher), SdpTestOptions.Create(tracks), out _);

        SdpAssert.DeepEqual(answer, SdpAssert.Parse(answer.ToString()));
    }

    [Fact]
    public void Rfc8829_5_2_Offer_ParseOfToStringEqualsModel()
    {
        var audio = new OfferedMedia("0", MediaKind.Audio) { Track = new(1, "c", "s", "a"), Codecs = { new RtpCodec(111, "opus", 48000, 2) } };
        var video = new OfferedMedia("1", MediaKind.Video) { Stopped = true, Codecs = { new RtpCodec(96, "VP8", 90000) } };
        var options = new OfferOptions
        {
            IceUfrag = "u1", IcePwd = "p1p1p1p1p1p1p1p1p1p1p1", Fingerprint = new SdpFingerprint("sha-256", "AA:BB"),
            SessionId = 5, Media = { audio, video },
        };
        SessionDescription offer = SdpOfferer.CreateOffer(options);

        SdpAssert.DeepEqual(offer, SdpAssert.Parse(offer.ToString()));
    }

    [Fact]
    public void Rfc8866_5_DeepEqualDetectsDifferences()
    {
        // The comparison the round trips rely on must be able to fail.
        SessionDescription x = SdpAssert.Parse(ChromeOffers.Publisher);
        SessionDescription y = SdpAssert.Parse(ChromeOffers.Publisher);
        y.Media[1].Codecs[3].RtcpFeedback.Add("goog-lntf");
        Assert.ThrowsAny<Exception>(() => SdpAssert.DeepEqual(x, y));
        SessionDescription z = SdpAssert.Parse(ChromeOffers.Publisher.Replace("a=rid:m send", "a=rid:m recv"));
        Assert.ThrowsAny<Exception>(() => SdpAssert.DeepEqual(x, z));
    }
}
