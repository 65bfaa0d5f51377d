using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Protocols.Tests.Sdp.Resources;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

/// <summary>
/// RFC 8866 text from the network is hostile: 100,000 random, truncated, oversized and mutated SDP texts
/// (seeded, deterministic) must never make the parser, the writer, the answerer or the pairing throw, and
/// every refusal must carry a reason.
/// </summary>
public sealed class SdpHostileInputTests
{
    private const int Inputs = 100_000;

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

    private static readonly string[] s_tokens =
    {
        "", " ", "0", "-1", "128", "65536", "4294967296", "99999999999999999999", "abc", "~", ";", ",", "/", ":", "=",
        "send", "recv", "sendrecv", "actpass", "passive", "active", "holdconn", "BUNDLE", "FID", "SIM", "*", "é", "\t",
        "urn:x", "IN IP4", "sha-256", "VP8/90000", "opus/48000/2/9", "H264/0", "rid=a;b", "h;m;~l", "1,2;3",
    };

    private const string Head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

    // Texts around the section and line limits (a few below, at and above each).
    private static readonly string[] s_manySections = Enumerable.Range(SdpLimits.MaxMediaSections - 2, 5)
        .Select(n => Head + string.Concat(Enumerable.Repeat("m=audio 9 RTP/AVP 0\r\n", n))).ToArray();
    private static readonly string[] s_manyLines = Enumerable.Range(SdpLimits.MaxLinesPerSection - 3, 6)
        .Select(n => Head + "m=audio 9 RTP/AVP 0\r\n" + string.Concat(Enumerable.Repeat("a=x\r\n", n))).ToArray();

    [Fact]
    public void Rfc8866_HostileText_NeverThrowsAndRefusalsHaveReasons()
    {
        var random = new Random(8866);
        string chrome = ChromeOffers.Publisher;
        // Mostly the small offer (cheap to parse), one time in sixteen the full Chrome offer (seven times larger).
        string[] small = SmallOffer.Split("\r\n");
        string[][] bases = Enumerable.Repeat(small, 15).Append(chrome.Split("\r\n")).ToArray();
        string oversized = SmallOffer + new string('a', SdpLimits.MaxTextLength);
        string longLine = "a=x:" + new string('y', SdpLimits.MaxLineLength + 1);
        AnswerOptions options = SdpTestOptions.Create(new Dictionary<string, OutgoingTrack> { ["0"] = new(9, "c", "s", "t") });

        var refusals = new Dictionary<SdpError, int>();
        int refused = 0, accepted = 0, rewrittenAccepted = 0, answered = 0;
        for (int i = 0; i < Inputs; i++)
        {
            string input = Mutate(random, bases, oversized, longLine);
            SdpError error = SessionDescription.TryParse(input, out SessionDescription? description);
            if (error != SdpError.None)
            {
                Assert.Null(description);
                refused++;
                refusals[error] = refusals.GetValueOrDefault(error) + 1;
                continue;
            }
            accepted++;
            if (accepted % 4 != 1)
                continue; // the heavier invariants below run on every fourth accepted input
            // What we accepted we can write, and what we write parses again (the writer may exceed the limits).
            SdpError again = SessionDescription.TryParse(description!.ToString(), out _);
            Assert.True(again is SdpError.None or SdpError.TooLarge or SdpError.TooManyLines, $"rewrite refused: {again}\n{input}");
            if (again == SdpError.None)
                rewrittenAccepted++;
            if (SdpAnswerer.TryCreateAnswer(description, options, out SessionDescription? answer, out _) == SdpError.None)
            {
                answered++;
                Assert.Equal(SdpError.None, SessionDescription.TryParse(answer!.ToString(), out _));
            }
            NegotiatedSession.TryFromOfferAnswer(description, description, localIsOfferer: true, out _);
        }

        Assert.Equal(Inputs, refused + accepted);
        Assert.Equal(refused, refusals.Values.Sum());
        Assert.True(accepted > 0 && rewrittenAccepted > 0 && answered > 0, $"accepted {accepted}, answered {answered}");
        SdpError[] expected =
        {
            SdpError.Empty, SdpError.TooLarge, SdpError.LineTooLong, SdpError.BadLine, SdpError.MissingVersion,
            SdpError.BadOrigin, SdpError.MissingSessionName, SdpError.BadMedia, SdpError.BadAttribute,
            SdpError.TooManySections, SdpError.TooManyLines, SdpError.MisplacedLine, SdpError.BadConnection,
        };
        foreach (SdpError reason in expected)
            Assert.True(refusals.GetValueOrDefault(reason) > 0, $"no refusal counted as {reason}: " + string.Join(", ", refusals));
    }

    private static string Mutate(Random random, string[][] bases, string oversized, string longLine)
    {
        string[] source = bases[random.Next(bases.Length)];
        var lines = new List<string>(source);
        switch (random.Next(14))
        {
            case 0:
                return RandomText(random, random.Next(0, 300), printable: true);
            case 1:
                return RandomText(random, random.Next(0, 200), printable: false);
            case 2:
            {
                string text = string.Join("\r\n", source);
                return text[..random.Next(text.Length + 1)];
            }
            case 3:
            {
                var chars = string.Join(random.Next(2) == 0 ? "\r\n" : "\n", source).ToCharArray();
                for (int flips = random.Next(1, 6); flips > 0; flips--)
                    chars[random.Next(chars.Length)] = random.Next(3) == 0 ? (char)random.Next(0, 0x80) : (char)(chars[random.Next(chars.Length)] ^ (1 << random.Next(7)));
                return new string(chars);
            }
            case 4:
                for (int n = random.Next(1, 4); n > 0 && lines.Count > 0; n--)
                    lines.RemoveAt(random.Next(lines.Count));
                break;
            case 5:
            {
                string line = lines[random.Next(lines.Count)];
                int at = random.Next(lines.Count);
                for (int n = random.Next(1, 4); n > 0; n--)
                    lines.Insert(at, line);
                break;
            }
            case 6:
                lines.Insert(random.Next(lines.Count + 1), $"{(char)('a' + random.Next(26))}={RandomText(random, random.Next(0, 40), printable: true)}");
                break;
            case 7:
            {
                int a = random.Next(lines.Count), b = random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            }
            case 8:
            case 9:
            {
                // Replace one field of an attribute or m-line with a suspicious token.
                int at = random.Next(lines.Count);
                string[] fields = lines[at].Split(' ');
                int field = random.Next(fields.Length);
                int colon = fields[field].IndexOf(':');
                string token = s_tokens[random.Next(s_tokens.Length)];
                fields[field] = colon >= 0 && random.Next(2) == 0 ? fields[field][..(colon + 1)] + token : token;
                lines[at] = string.Join(' ', fields);
                break;
            }
            case 10:
                return random.Next(2) == 0 ? oversized : string.Join("\r\n", source.Take(4)) + "\r\n" + longLine;
            case 11:
                return s_manySections[random.Next(s_manySections.Length)];
            case 12:
                return s_manyLines[random.Next(s_manyLines.Length)];
            default:
            {
                // Several field-level mutations at once.
                for (int n = random.Next(2, 6); n > 0; n--)
                {
                    int at = random.Next(lines.Count);
                    int cut = random.Next(lines[at].Length + 1);
                    lines[at] = lines[at][..cut] + s_tokens[random.Next(s_tokens.Length)] + lines[at][cut..];
                }
                break;
            }
        }
        return string.Join(random.Next(4) == 0 ? "\n" : "\r\n", lines);
    }

    private static string RandomText(Random random, int length, bool printable)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = printable
                ? (random.Next(12) == 0 ? '\n' : (char)random.Next(0x20, 0x7F))
                : (char)random.Next(0, random.Next(2) == 0 ? 0x80 : 0xFFFF);
        }
        return new string(chars);
    }
}
