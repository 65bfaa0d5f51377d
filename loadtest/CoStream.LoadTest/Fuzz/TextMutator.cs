using System.Text;

namespace CoStream.LoadTest.Fuzz;

/// <summary>
/// Line- and field-level mutations for text protocols (SDP, ICE candidates): lines removed,
/// repeated, swapped, taken from another seed; one space-separated field (or the value after a
/// colon) replaced by a hostile token; tokens inserted anywhere; line endings changed. Inputs and
/// outputs are UTF-8 bytes, as the crash files store them.
/// </summary>
internal sealed class TextMutator
{
    private static readonly string[] Tokens =
    [
        "", " ", "  ", "0", "-1", "-0", "+1", "1e9", "0x10", "128", "255", "256", "65535", "65536", "2147483647", "2147483648",
        "4294967295", "4294967296", "18446744073709551616", "99999999999999999999", "abc", "~", ";", ",", "/", ":", "=", "*",
        "%", "\"", "\0", "\t", "\r", "\n", "\r\n", "é", "\u00A0", "\uFFFD", "😀", "send", "recv", "sendrecv", "inactive", "actpass",
        "passive", "active", "BUNDLE", "FID", "SIM", "LS", "udp", "tcp", "typ", "host", "srflx", "prflx", "relay", "raddr", "rport",
        "generation", "tcptype", "IN IP4", "IN IP6", "0.0.0.0", "::", "::ffff:1.2.3.4", "256.1.1.1", "a.local", "sha-256", "sha-1",
        "VP8/90000", "opus/48000/2/9", "H264/0", "rtx/90000", "apt=", "apt=999", "rid=a;b", "h;m;~l", "1,2;3", "urn:x",
        "profile-level-id=zz", "packetization-mode=9", "a=", "m=", "c=", "v=0", "o=", "s=", "t=",
    ];

    private readonly IReadOnlyList<string[]> _seeds;
    private readonly Random _random;

    public TextMutator(IReadOnlyList<byte[]> seeds, Random random)
    {
        _seeds = seeds.Select(s => Encoding.UTF8.GetString(s).Split('\n')).ToArray();
        _random = random;
    }

    public byte[] Next()
    {
        var lines = new List<string>(_seeds[_random.Next(_seeds.Count)]);
        for (int n = _random.Next(1, 4); n > 0; n--)
        {
            MutateOnce(lines);
        }

        string separator = _random.Next(6) switch { 0 => "\r\n", 1 => "\r", _ => "\n" };
        // Seeds keep their '\r' at line ends (split on '\n' only), so "\n" reproduces CRLF text.
        return Encoding.UTF8.GetBytes(string.Join(separator, lines));
    }

    private void MutateOnce(List<string> lines)
    {
        if (lines.Count == 0)
        {
            lines.Add(Token());
            return;
        }

        int at = _random.Next(lines.Count);
        switch (_random.Next(10))
        {
            case 0:
                lines.RemoveAt(at);
                break;
            case 1:
                for (int n = _random.Next(1, 4); n > 0; n--)
                {
                    lines.Insert(_random.Next(lines.Count + 1), lines[at]);
                }

                break;
            case 2:
            {
                int other = _random.Next(lines.Count);
                (lines[at], lines[other]) = (lines[other], lines[at]);
                break;
            }

            case 3:
            {
                string[] donor = _seeds[_random.Next(_seeds.Count)];
                lines.Insert(at, donor[_random.Next(donor.Length)]);
                break;
            }

            case 4:
            case 5:
            case 6:
            {
                // One field (or the value after its colon) replaced by a token.
                string[] fields = lines[at].Split(' ');
                int field = _random.Next(fields.Length);
                int colon = fields[field].IndexOf(':');
                fields[field] = colon >= 0 && _random.Next(2) == 0 ? fields[field][..(colon + 1)] + Token() : Token();
                lines[at] = string.Join(' ', fields);
                break;
            }

            case 7:
            {
                int cut = _random.Next(lines[at].Length + 1);
                lines[at] = lines[at][..cut] + Token() + lines[at][cut..];
                break;
            }

            case 8:
                lines[at] = lines[at][.._random.Next(lines[at].Length + 1)];
                break;
            default:
            {
                // A field repeated many times (long lines, many formats, many ssrcs).
                string[] fields = lines[at].Split(' ');
                string repeated = fields[_random.Next(fields.Length)];
                lines[at] += string.Concat(Enumerable.Repeat(" " + repeated, _random.Next(1, 300)));
                break;
            }
        }
    }

    private string Token() => Tokens[_random.Next(Tokens.Length)];
}
