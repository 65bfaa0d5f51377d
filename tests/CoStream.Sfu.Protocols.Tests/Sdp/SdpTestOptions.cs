using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

/// <summary>The SFU's answer options used across the SDP tests.</summary>
internal static class SdpTestOptions
{
    public const string Fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
    public const string Candidate = "1 1 udp 2130706431 192.0.2.10 40000 typ host";

    public static AnswerOptions Create(Dictionary<string, OutgoingTrack>? tracks = null, DtlsSetup setup = DtlsSetup.Passive,
        IEnumerable<CodecCapability>? videoCodecs = null)
    {
        var options = new AnswerOptions
        {
            IceUfrag = "sfuU",
            IcePwd = "sfupasswordsfupassword",
            Fingerprint = new SdpFingerprint("sha-256", Fingerprint),
            Setup = setup,
            Candidates = { Candidate },
            OutgoingTracks = tracks ?? new Dictionary<string, OutgoingTrack>(),
            SessionId = 1234,
            SessionVersion = 1,
        };
        options.Audio.Codecs.Add(CodecCapability.Opus());
        options.Audio.RtcpFeedback.Add("transport-cc");
        options.Audio.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:ssrc-audio-level");
        options.Audio.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:sdes:mid");
        options.Video.Codecs.AddRange(videoCodecs ?? new[] { CodecCapability.H264("42e01f"), CodecCapability.Vp8() });
        options.Video.RtcpFeedback.AddRange(new[] { "nack", "nack pli", "ccm fir", "transport-cc" });
        options.Video.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:sdes:mid");
        options.Video.HeaderExtensions.Add("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
        options.Video.HeaderExtensions.Add("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01");
        return options;
    }

    /// <summary>A minimal browser-like offer with one m-section, for the rule tables.</summary>
    public static string OneSection(string kind, string formats, string body, string direction = "sendrecv", string setup = "actpass") =>
        "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
        $"m={kind} 9 UDP/TLS/RTP/SAVPF {formats}\r\nc=IN IP4 0.0.0.0\r\n" +
        "a=ice-ufrag:brwU\r\na=ice-pwd:browserpasswordbrowser\r\n" +
        $"a=fingerprint:sha-256 11:22:33\r\na=setup:{setup}\r\na=mid:0\r\na={direction}\r\na=rtcp-mux\r\n" + body;

    public static SessionDescription Answer(SessionDescription offer, AnswerOptions options, out NegotiatedSession negotiated)
    {
        SdpError error = SdpAnswerer.TryCreateAnswer(offer, options, out SessionDescription? answer, out NegotiatedSession? n);
        Assert.Equal(SdpError.None, error);
        negotiated = n!;
        return answer!;
    }
}
