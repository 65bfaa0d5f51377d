using System.Net;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// Connectivity checks into an ice-lite agent whose credentials make the seeds authenticate
/// (RFC 5769 §2.1 "evtj:h6vY" included), from IPv4 and IPv6 sources.
/// </summary>
internal sealed class IceBindingTarget : FuzzTarget
{
    private static readonly IPEndPoint[] Remotes =
    [
        new(IPAddress.Parse("192.0.2.7"), 50000), new(IPAddress.Parse("2001:db8::7"), 65535),
    ];

    private readonly IceLiteAgent _agent = new(new IceCredentials(FuzzSeeds.LocalUfrag, FuzzSeeds.Password), FuzzSeeds.RemoteUfrag);
    private readonly byte[] _response = new byte[IceLiteAgent.MaxResponseLength];
    private long _now;

    public override string Name => "ice-binding";

    public override string Folder => "Ice";

    public override string EntryPoints => "IceLiteAgent.HandleBindingRequest (response re-parsed)";

    public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.Stun();

    public override void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields) => LengthFieldWalker.Stun(input, fields);

    /// <summary>Fresh, valid checks (new transaction ids) so that the accepted path runs as often as mutated ones.</summary>
    public override byte[]? NextFreshSeed(Random random) =>
        random.Next(4) == 0 ? FuzzSeeds.BindingRequest(random.Next(2) == 0, random.Next(8) == 0) : null;

    public override string? Run(byte[] input)
    {
        IPEndPoint remote = Remotes[input.Length & 1];
        IceLiteOutcome outcome = _agent.HandleBindingRequest(input, remote, _now += 10, _response, out int length);
        FuzzInvariant.Check((uint)length <= IceLiteAgent.MaxResponseLength, $"response length {length}");
        if (length > 0)
        {
            // What we answer must itself be a valid STUN message with a correct FINGERPRINT.
            ReadOnlySpan<byte> response = _response.AsSpan(0, length);
            FuzzInvariant.Check(StunMessage.TryRead(response, out StunMessage message, out _) == StunError.None, "our response does not parse");
            FuzzInvariant.Check(message.CheckFingerprint(), "our response has a bad FINGERPRINT");
        }

        return outcome is IceLiteOutcome.Responded or IceLiteOutcome.Nominated ? null : ReasonName<IceLiteOutcome>.Of(outcome);
    }
}
