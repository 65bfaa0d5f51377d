using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// Datagrams into the server side of an established DTLS-SRTP association (RFC 6347 record layer
/// through BouncyCastle). Seeds are the client's real flights (ClientHello, its last flight with
/// the epoch-1 Finished). The outcome is the drop counter that moved; the association must stay up.
/// </summary>
internal sealed class DtlsTarget : FuzzTarget, IDisposable
{
    private static readonly DtlsDropReason[] Reasons = Enum.GetValues<DtlsDropReason>();
    private readonly long[] _before = new long[Reasons.Length];
    private DtlsLoopback _pair;

    public DtlsTarget()
    {
        _pair = DtlsLoopback.Establish();
        Seeds = _pair.ClientFlights.ToArray();
    }

    public override string Name => "dtls";

    public override string Folder => "Dtls";

    public override string EntryPoints => "DtlsSrtpTransport.ReceiveDatagram (established server)";

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields) => LengthFieldWalker.Dtls(input, fields);

    public override string? Run(byte[] input)
    {
        if (!_pair.Server.IsEstablished)
        {
            _pair.Dispose(); // the previous input ended it; that was reported, start again
            _pair = DtlsLoopback.Establish();
        }

        DtlsSrtpTransport server = _pair.Server;
        for (int i = 0; i < Reasons.Length; i++)
        {
            _before[i] = server.GetDropCount(Reasons[i]);
        }

        server.ReceiveDatagram(input);
        FuzzInvariant.Check(server.IsEstablished, "the association ended on a datagram from an unauthenticated source");
        for (int i = 0; i < Reasons.Length; i++)
        {
            if (server.GetDropCount(Reasons[i]) != _before[i])
            {
                return ReasonName<DtlsDropReason>.Of(Reasons[i]);
            }
        }

        return null;
    }

    public void Dispose() => _pair.Dispose();
}
