namespace CoStream.LoadTest.Client;

/// <summary>
/// Counters of one <see cref="SimPeer"/>. Receive-side fields are written by its receive thread,
/// send-side fields by whichever thread sends (Interlocked). Take a <see cref="Snapshot"/> before and
/// after a measurement window and subtract (<see cref="SimPeerStatsSnapshot.Minus"/>).
/// </summary>
public sealed class SimPeerStats
{
    internal long PacketsReceived;
    internal long BytesReceived;
    internal long UniquePacketsReceived;
    internal long PacketsExpected;
    internal long DuplicatePackets;
    internal long NacksSent;
    internal long NackedSequences;
    internal long ReportsSent;
    internal long PlisReceived;
    internal long NacksReceived;
    internal long RetransmissionsSent;
    internal long RetransmissionMisses;
    internal long PacketsSent;
    internal long BytesSent;
    internal long KeyFramesSent;
    internal long SendSkipped;
    internal long SrtpErrors;
    internal long Malformed;

    public LatencyHistogram Latency { get; } = new();

    public SimPeerStatsSnapshot Snapshot() => new()
    {
        PacketsReceived = Volatile.Read(ref PacketsReceived),
        BytesReceived = Volatile.Read(ref BytesReceived),
        UniquePacketsReceived = Volatile.Read(ref UniquePacketsReceived),
        PacketsExpected = Volatile.Read(ref PacketsExpected),
        DuplicatePackets = Volatile.Read(ref DuplicatePackets),
        NacksSent = Volatile.Read(ref NacksSent),
        NackedSequences = Volatile.Read(ref NackedSequences),
        ReportsSent = Volatile.Read(ref ReportsSent),
        PlisReceived = Volatile.Read(ref PlisReceived),
        NacksReceived = Volatile.Read(ref NacksReceived),
        RetransmissionsSent = Volatile.Read(ref RetransmissionsSent),
        RetransmissionMisses = Volatile.Read(ref RetransmissionMisses),
        PacketsSent = Volatile.Read(ref PacketsSent),
        BytesSent = Volatile.Read(ref BytesSent),
        KeyFramesSent = Volatile.Read(ref KeyFramesSent),
        SendSkipped = Volatile.Read(ref SendSkipped),
        SrtpErrors = Volatile.Read(ref SrtpErrors),
        Malformed = Volatile.Read(ref Malformed),
        LatencyCounts = Latency.Snapshot(),
    };
}

/// <summary>A copy of <see cref="SimPeerStats"/> at one moment.</summary>
public sealed record SimPeerStatsSnapshot
{
    public long PacketsReceived { get; init; }
    public long BytesReceived { get; init; }
    public long UniquePacketsReceived { get; init; }
    public long PacketsExpected { get; init; }
    public long DuplicatePackets { get; init; }
    public long NacksSent { get; init; }
    public long NackedSequences { get; init; }
    public long ReportsSent { get; init; }
    public long PlisReceived { get; init; }
    public long NacksReceived { get; init; }
    public long RetransmissionsSent { get; init; }
    public long RetransmissionMisses { get; init; }
    public long PacketsSent { get; init; }
    public long BytesSent { get; init; }
    public long KeyFramesSent { get; init; }
    public long SendSkipped { get; init; }
    public long SrtpErrors { get; init; }
    public long Malformed { get; init; }
    public long[] LatencyCounts { get; init; } = new long[LatencyHistogram.BucketCount];

    /// <summary>Sequence numbers expected but never received (after NACK recovery).</summary>
    public long PacketsLost => Math.Max(0, PacketsExpected - UniquePacketsReceived);

    public SimPeerStatsSnapshot Minus(SimPeerStatsSnapshot earlier) => new()
    {
        PacketsReceived = PacketsReceived - earlier.PacketsReceived,
        BytesReceived = BytesReceived - earlier.BytesReceived,
        UniquePacketsReceived = UniquePacketsReceived - earlier.UniquePacketsReceived,
        PacketsExpected = PacketsExpected - earlier.PacketsExpected,
        DuplicatePackets = DuplicatePackets - earlier.DuplicatePackets,
        NacksSent = NacksSent - earlier.NacksSent,
        NackedSequences = NackedSequences - earlier.NackedSequences,
        ReportsSent = ReportsSent - earlier.ReportsSent,
        PlisReceived = PlisReceived - earlier.PlisReceived,
        NacksReceived = NacksReceived - earlier.NacksReceived,
        RetransmissionsSent = RetransmissionsSent - earlier.RetransmissionsSent,
        RetransmissionMisses = RetransmissionMisses - earlier.RetransmissionMisses,
        PacketsSent = PacketsSent - earlier.PacketsSent,
        BytesSent = BytesSent - earlier.BytesSent,
        KeyFramesSent = KeyFramesSent - earlier.KeyFramesSent,
        SendSkipped = SendSkipped - earlier.SendSkipped,
        SrtpErrors = SrtpErrors - earlier.SrtpErrors,
        Malformed = Malformed - earlier.Malformed,
        LatencyCounts = LatencyHistogram.Minus(LatencyCounts, earlier.LatencyCounts),
    };
}
