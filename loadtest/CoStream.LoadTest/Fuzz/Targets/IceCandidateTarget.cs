using System.Text;
using CoStream.Sfu.Protocols.Ice;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>SDP / trickled <c>a=candidate</c> values (RFC 8839 §5.1), as UTF-8 text.</summary>
internal sealed class IceCandidateTarget : FuzzTarget
{
    private static readonly string[] Lines =
    [
        "candidate:1467250027 1 udp 2122260223 3c5a8f1e-2b3d-4e5f-9a1b-2c3d4e5f6a7b.local 54321 typ host generation 0 network-id 1 network-cost 10",
        "candidate:842163049 1 udp 1686052607 198.51.100.23 61724 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-id 1 network-cost 10",
        "a=candidate:3 1 udp 41885439 203.0.113.9 3478 typ relay raddr 198.51.100.23 rport 61724",
        "candidate:4 1 tcp 1518280447 192.0.2.10 9 typ host tcptype active generation 0",
        "candidate:5 2 TCP 1518214911 2001:db8::1 50000 typ host tcptype passive",
        "candidate:6 1 udp 1845501695 2001:db8::2 40000 typ prflx raddr :: rport 0 ufrag abcd",
        "1 1 udp 2130706431 192.0.2.10 40000 typ host",
    ];

    public override string Name => "ice-candidate";

    public override string Folder => "Ice";

    public override string EntryPoints => "IceCandidate.TryParse (accepted ones re-parsed from ToString)";

    public override bool IsText => true;

    public override IReadOnlyList<byte[]> Seeds { get; } = Lines.Select(Encoding.UTF8.GetBytes).ToArray();

    public override string? Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        IceError error = IceCandidate.TryParse(text, out IceCandidate? candidate);
        if (error != IceError.None)
        {
            FuzzInvariant.Check(candidate is null, "refused but a candidate was returned");
            return ReasonName<IceError>.Of(error);
        }

        FuzzInvariant.Check(candidate is not null, "accepted without a candidate");
        _ = candidate!.IsMdns;
        string written = candidate.ToString();
        IceError again = IceCandidate.TryParse(written, out _);
        FuzzInvariant.Check(again == IceError.None, $"our own candidate text is refused ({again}): {written}");
        return null;
    }
}
