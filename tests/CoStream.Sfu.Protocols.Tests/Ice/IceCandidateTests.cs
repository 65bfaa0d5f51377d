using System.Net;
using CoStream.Sfu.Protocols.Ice;

namespace CoStream.Sfu.Protocols.Tests.Ice;

public sealed class IceCandidateTests
{
    [Fact]
    public void Rfc8839_5_1_ChromeMdnsHostCandidate()
    {
        const string line = "candidate:1467250027 1 udp 2122260223 9b36eaac-bb2e-49bb-bb78-21c41c499900.local 56143 typ host generation 0 ufrag 9Hc4 network-id 1";

        Assert.Equal(IceError.None, IceCandidate.TryParse(line, out IceCandidate? candidate));

        Assert.Equal("1467250027", candidate!.Foundation);
        Assert.Equal(1, candidate.Component);
        Assert.Equal(IceTransport.Udp, candidate.Transport);
        Assert.Equal(2122260223u, candidate.Priority);
        Assert.Equal("9b36eaac-bb2e-49bb-bb78-21c41c499900.local", candidate.Address);
        Assert.True(candidate.IsMdns);
        Assert.Null(candidate.EndPoint);
        Assert.Equal(56143, candidate.Port);
        Assert.Equal(IceCandidateType.Host, candidate.Type);
        Assert.Equal(
            new[] { ("generation", "0"), ("ufrag", "9Hc4"), ("network-id", "1") },
            candidate.Extensions.Select(e => (e.Key, e.Value)));
        Assert.Equal(line, candidate.ToString());
    }

    [Fact]
    public void Rfc8839_5_1_ServerReflexiveWithRelatedAddress_WithoutPrefix()
    {
        const string value = "842163049 1 udp 1677729535 203.0.113.7 50123 typ srflx raddr 10.0.0.2 rport 50124 generation 0";

        Assert.Equal(IceError.None, IceCandidate.TryParse(value, out IceCandidate? candidate));

        Assert.Equal(IceCandidateType.ServerReflexive, candidate!.Type);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50123), candidate.EndPoint);
        Assert.Equal("10.0.0.2", candidate.RelatedAddress);
        Assert.Equal(50124, candidate.RelatedPort);
        Assert.Equal("candidate:" + value, candidate.ToString());
    }

    [Theory]
    [InlineData("a=candidate:1 1 UDP 2130706431 2001:db8::1 3478 typ host", IceCandidateType.Host, IceTransport.Udp)]
    [InlineData("candidate:2 1 udp 16777215 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0", IceCandidateType.Relayed, IceTransport.Udp)]
    [InlineData("candidate:3 1 udp 1845501695 192.0.2.4 61665 typ prflx", IceCandidateType.PeerReflexive, IceTransport.Udp)]
    [InlineData("candidate:4 1 tcp 1518280447 192.0.2.5 9 typ host tcptype active", IceCandidateType.Host, IceTransport.Tcp)]
    [InlineData("  candidate:5 2 udp 1 192.0.2.6 1 typ host\r\n", IceCandidateType.Host, IceTransport.Udp)]
    public void Rfc8839_5_1_CandidateKindsParseAndRoundTrip(string line, IceCandidateType type, IceTransport transport)
    {
        Assert.Equal(IceError.None, IceCandidate.TryParse(line, out IceCandidate? candidate));
        Assert.Equal(type, candidate!.Type);
        Assert.Equal(transport, candidate.Transport);

        Assert.Equal(IceError.None, IceCandidate.TryParse(candidate.ToString(), out IceCandidate? again));
        Assert.Equal(candidate.ToString(), again!.ToString());
        Assert.Equal(candidate.Address, again.Address);
        Assert.Equal(candidate.Priority, again.Priority);
    }

    public static TheoryData<string, string, IceError> NegativeRows() => new()
    {
        { "empty", "", IceError.Empty },
        { "blank", "   ", IceError.Empty },
        { "too long", "candidate:1 1 udp 1 192.0.2.1 1 typ host x " + new string('y', 1100), IceError.TooLong },
        { "control char", "candidate:1 1 udp 1 192.0.2.1 1 typ host\u0000", IceError.InvalidCharacter },
        { "non-ascii", "candidate:1 1 udp 1 192.0.2.1 1 typ hóst", IceError.InvalidCharacter },
        { "double space", "candidate:1  1 udp 1 192.0.2.1 1 typ host", IceError.InvalidCharacter },
        { "seven fields", "candidate:1 1 udp 1 192.0.2.1 1 typ", IceError.MissingField },
        { "foundation 33 chars", "candidate:" + new string('a', 33) + " 1 udp 1 192.0.2.1 1 typ host", IceError.BadFoundation },
        { "foundation with '-'", "candidate:a-b 1 udp 1 192.0.2.1 1 typ host", IceError.BadFoundation },
        { "component 0", "candidate:1 0 udp 1 192.0.2.1 1 typ host", IceError.BadComponent },
        { "component 257", "candidate:1 257 udp 1 192.0.2.1 1 typ host", IceError.BadComponent },
        { "component sign", "candidate:1 +1 udp 1 192.0.2.1 1 typ host", IceError.BadComponent },
        { "transport sctp", "candidate:1 1 sctp 1 192.0.2.1 1 typ host", IceError.BadTransport },
        { "priority > 2^32", "candidate:1 1 udp 4294967296 192.0.2.1 1 typ host", IceError.BadPriority },
        { "priority hex", "candidate:1 1 udp 0x10 192.0.2.1 1 typ host", IceError.BadPriority },
        { "address '1'", "candidate:1 1 udp 1 1 1 typ host", IceError.BadAddress },
        { "address 3 octets", "candidate:1 1 udp 1 192.0.2 1 typ host", IceError.BadAddress },
        { "address octet 256", "candidate:1 1 udp 1 192.0.2.256 1 typ host", IceError.BadAddress },
        { "address underscore", "candidate:1 1 udp 1 a_b.local 1 typ host", IceError.BadAddress },
        { "address empty label", "candidate:1 1 udp 1 a..local 1 typ host", IceError.BadAddress },
        { "port 65536", "candidate:1 1 udp 1 192.0.2.1 65536 typ host", IceError.BadPort },
        { "port negative", "candidate:1 1 udp 1 192.0.2.1 -1 typ host", IceError.BadPort },
        { "no typ keyword", "candidate:1 1 udp 1 192.0.2.1 1 type host", IceError.MissingType },
        { "unknown type", "candidate:1 1 udp 1 192.0.2.1 1 typ stun", IceError.BadType },
        { "raddr missing value", "candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr", IceError.BadRelatedAddress },
        { "raddr bad", "candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 999.1.1.1 rport 1", IceError.BadRelatedAddress },
        { "rport bad", "candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 10.0.0.1 rport x", IceError.BadRelatedPort },
        { "rport twice", "candidate:1 1 udp 1 192.0.2.1 1 typ srflx rport 1 rport 2", IceError.BadRelatedPort },
        { "extension without value", "candidate:1 1 udp 1 192.0.2.1 1 typ host generation", IceError.BadExtension },
        { "extension bad name", "candidate:1 1 udp 1 192.0.2.1 1 typ host gen(0) 1", IceError.BadExtension },
        { "17 extensions", "candidate:1 1 udp 1 192.0.2.1 1 typ host" + string.Concat(Enumerable.Repeat(" k v", 17)), IceError.TooManyExtensions },
        { "200 fields", "candidate:1 1 udp 1 192.0.2.1 1 typ host" + string.Concat(Enumerable.Repeat(" k", 200)), IceError.TooManyExtensions },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void Rfc8839_5_1_NegativeRowsAreRefusedWithAReason(string row, string line, IceError expected)
    {
        IceError error = IceCandidate.TryParse(line, out IceCandidate? candidate);

        Assert.True(expected == error, $"{row}: expected {expected}, got {error}");
        Assert.Null(candidate);
    }

    [Theory]
    [InlineData(126, 65535, 1, 2130706431u)]  // host, component 1 (libwebrtc's well-known value)
    [InlineData(126, 65535, 2, 2130706430u)]
    [InlineData(100, 65535, 1, 1694498815u)]  // srflx
    [InlineData(110, 65535, 1, 1862270975u)]  // prflx
    [InlineData(0, 0, 256, 0u)]               // lowest possible
    public void Rfc8445_5_1_2_1_Priority(int type, int local, int component, uint expected)
    {
        Assert.Equal(expected, IceCandidate.ComputePriority(type, local, component));
    }

    [Theory]
    [InlineData(127, 0, 1)]
    [InlineData(0, 65536, 1)]
    [InlineData(0, 0, 0)]
    [InlineData(0, 0, 257)]
    public void Rfc8445_5_1_2_1_PriorityArgumentsOutOfRangeThrow(int type, int local, int component)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IceCandidate.ComputePriority(type, local, component));
    }

    [Fact]
    public void HostileInput_NeverThrows_AndEveryRefusalHasACountedReason()
    {
        string[] seeds =
        {
            "candidate:1467250027 1 udp 2122260223 9b36eaac-bb2e-49bb-bb78-21c41c499900.local 56143 typ host generation 0 ufrag 9Hc4 network-id 1",
            "candidate:842163049 1 udp 1677729535 203.0.113.7 50123 typ srflx raddr 10.0.0.2 rport 50124 generation 0",
            "candidate:1 1 UDP 2130706431 2001:db8::1 3478 typ host",
            "candidate:4 1 tcp 1518280447 192.0.2.5 9 typ host tcptype active",
        };
        const string alphabet = "0123456789abcdefxyz .:-/+typhostrelaysrflxraddrport\t\u0000é";
        var random = new Random(8839);
        var counts = new int[Enum.GetValues<IceError>().Length];
        const int cases = 100_000;
        int accepted = 0;
        for (int i = 0; i < cases; i++)
        {
            char[] text = seeds[random.Next(seeds.Length)].ToCharArray();
            switch (random.Next(4))
            {
                case 0:
                    text = text[..random.Next(text.Length + 1)];
                    break;
                case 1:
                    for (int f = random.Next(1, 4); f > 0; f--)
                    {
                        text[random.Next(text.Length)] = alphabet[random.Next(alphabet.Length)];
                    }

                    break;
                case 2:
                    text = new char[random.Next(0, 120)];
                    for (int c = 0; c < text.Length; c++)
                    {
                        text[c] = alphabet[random.Next(alphabet.Length)];
                    }

                    break;
                default:
                    text = [.. text, ' ', .. new string(alphabet[random.Next(alphabet.Length)], random.Next(1, 1200))];
                    break;
            }

            IceError error = IceCandidate.TryParse(text, out IceCandidate? candidate);
            if (error == IceError.None)
            {
                accepted++;
                Assert.Equal(IceError.None, IceCandidate.TryParse(candidate!.ToString(), out _));
            }
            else
            {
                counts[(int)error]++;
            }
        }

        Assert.Equal(cases - accepted, counts.Sum());
        Assert.True(accepted > 0);
        foreach (IceError reason in new[] { IceError.Empty, IceError.TooLong, IceError.InvalidCharacter, IceError.MissingField, IceError.BadAddress, IceError.BadPriority })
        {
            Assert.True(counts[(int)reason] > 0, $"no input was refused for {reason}");
        }
    }
}
