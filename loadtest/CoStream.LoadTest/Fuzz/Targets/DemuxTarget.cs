using CoStream.Sfu.Protocols.Demux;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>RFC 7983 first-byte demultiplexing of every kind of datagram the socket sees.</summary>
internal sealed class DemuxTarget : FuzzTarget
{
    public override string Name => "demux";

    public override string Folder => "Demux";

    public override string EntryPoints => "PacketClassifier.Classify";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        .. FuzzSeeds.Stun(), .. FuzzSeeds.Rtp(8), .. FuzzSeeds.Rtcp(),
        FuzzSeeds.DtlsRecord(22), FuzzSeeds.DtlsRecord(23), FuzzSeeds.DtlsRecord(21), FuzzSeeds.DtlsRecord(20),
    ];

    public override string? Run(byte[] input)
    {
        PacketKind kind = PacketClassifier.Classify(input);
        FuzzInvariant.Check(input.Length > 0 || kind == PacketKind.Unknown, "an empty datagram was classified");
        return kind == PacketKind.Unknown ? "Unknown" : null;
    }
}
