using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// A compound RTCP datagram (RFC 3550 §6.1) split by <see cref="RtcpCompoundReader"/>, each packet
/// dispatched to its parser (SR, RR, SDES, BYE, NACK, TWCC, PLI, FIR, REMB), every view walked and
/// what was accepted written back and parsed again. Every message parser also gets the raw input,
/// bypassing the reader's checks.
/// </summary>
internal sealed class RtcpTarget : FuzzTarget
{
    private readonly byte[] _scratch = new byte[1 << 16];

    public override string Name => "rtcp";

    public override string Folder => "Rtcp";

    public override string EntryPoints => "RtcpCompoundReader + SR/RR/SDES/BYE/NACK/PLI/FIR/REMB/TWCC TryRead, TWCC enumeration, WriteTo round trip";

    public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.Rtcp();

    public override void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields) => LengthFieldWalker.Rtcp(input, fields);

    public override string? Run(byte[] input)
    {
        foreach (Parser parser in AllParsers)
        {
            _ = parser(this, input);
        }

        string? refusal = null;
        var reader = new RtcpCompoundReader(input);
        while (reader.TryNext(out RtcpHeader header, out ReadOnlySpan<byte> packet))
        {
            FuzzInvariant.Check(header.PacketSize == packet.Length, "packet size is not the header's");
            (string stage, Parser? parser) = Dispatch(header);
            if (parser is not null)
            {
                RtcpError error = parser(this, packet);
                refusal ??= error == RtcpError.None ? null : ReasonName<RtcpError>.Of(stage, error);
            }
        }

        if (reader.Error != RtcpError.None)
        {
            return ReasonName<RtcpError>.Of(reader.Error);
        }

        FuzzInvariant.Check(reader.Offset == input.Length, "reader ended early without an error");
        return refusal;
    }

    private delegate RtcpError Parser(RtcpTarget target, ReadOnlySpan<byte> data);

    private static readonly Parser[] AllParsers =
    [
        ReadReportBlock, ReadSenderReport, ReadReceiverReport, ReadSourceDescription, ReadGoodbye, ReadGenericNack,
        ReadPictureLossIndication, ReadFullIntraRequest, ReadRemb, ReadTransportWideFeedback,
    ];

    private static (string Stage, Parser? Parser) Dispatch(RtcpHeader header) => (header.PacketType, header.Format) switch
    {
        (RtcpPacketType.SenderReport, _) => ("SenderReport", ReadSenderReport),
        (RtcpPacketType.ReceiverReport, _) => ("ReceiverReport", ReadReceiverReport),
        (RtcpPacketType.SourceDescription, _) => ("SourceDescription", ReadSourceDescription),
        (RtcpPacketType.Goodbye, _) => ("Goodbye", ReadGoodbye),
        (RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack) => ("GenericNack", ReadGenericNack),
        (RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc) => ("TransportWideFeedback", ReadTransportWideFeedback),
        (RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.PictureLossIndication) => ("PictureLossIndication", ReadPictureLossIndication),
        (RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest) => ("FullIntraRequest", ReadFullIntraRequest),
        (RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.ApplicationLayer) => ("Remb", ReadRemb),
        _ => ("", null),
    };

    /// <summary>What was accepted must write back to bytes that parse again.</summary>
    private static RtcpError RoundTrip(RtcpError again, string what)
    {
        FuzzInvariant.Check(again == RtcpError.None, $"{what}: our own rewrite is refused ({again})");
        return RtcpError.None;
    }

    private static RtcpError ReadReportBlock(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = ReportBlock.TryRead(data, out ReportBlock block, out _);
        return error != RtcpError.None ? error
            : RoundTrip(ReportBlock.TryRead(t._scratch.AsSpan(0, block.WriteTo(t._scratch)), out _, out _), "ReportBlock");
    }

    private static RtcpError ReadSenderReport(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = SenderReport.TryRead(data, out SenderReport report, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        foreach (ReportBlock block in report.ReportBlocks)
        {
            _ = block.CumulativeLost;
        }

        return RoundTrip(SenderReport.TryRead(t._scratch.AsSpan(0, report.WriteTo(t._scratch)), out _, out _), "SenderReport");
    }

    private static RtcpError ReadReceiverReport(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = ReceiverReport.TryRead(data, out ReceiverReport report, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        foreach (ReportBlock block in report.ReportBlocks)
        {
            _ = block.Jitter;
        }

        return RoundTrip(ReceiverReport.TryRead(t._scratch.AsSpan(0, report.WriteTo(t._scratch)), out _, out _), "ReceiverReport");
    }

    private static RtcpError ReadSourceDescription(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = SourceDescription.TryRead(data, out SourceDescription sdes, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        int chunks = 0;
        foreach (var chunk in sdes.Chunks)
        {
            chunks++;
            foreach (var item in chunk)
            {
                _ = item.Text.Length;
            }
        }

        FuzzInvariant.Check(chunks == sdes.ChunkCount, "SDES chunk count");
        return RoundTrip(SourceDescription.TryRead(t._scratch.AsSpan(0, sdes.WriteTo(t._scratch)), out _, out _), "SourceDescription");
    }

    private static RtcpError ReadGoodbye(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = Goodbye.TryRead(data, out Goodbye bye, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        foreach (uint ssrc in bye.Sources)
        {
            _ = ssrc;
        }

        return RoundTrip(Goodbye.TryRead(t._scratch.AsSpan(0, bye.WriteTo(t._scratch)), out _, out _), "Goodbye");
    }

    private static RtcpError ReadGenericNack(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = GenericNack.TryRead(data, out GenericNack nack, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        int lost = 0;
        foreach (ushort sequence in nack.LostSequenceNumbers)
        {
            lost++;
        }

        int expected = 0;
        foreach (var entry in nack.Entries)
        {
            expected += entry.LostCount;
        }

        FuzzInvariant.Check(lost == expected, "NACK lost count");
        return RoundTrip(GenericNack.TryRead(t._scratch.AsSpan(0, nack.WriteTo(t._scratch)), out _, out _), "GenericNack");
    }

    private static RtcpError ReadPictureLossIndication(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = PictureLossIndication.TryRead(data, out PictureLossIndication pli, out _);
        return error != RtcpError.None ? error
            : RoundTrip(PictureLossIndication.TryRead(t._scratch.AsSpan(0, pli.WriteTo(t._scratch)), out _, out _), "PictureLossIndication");
    }

    private static RtcpError ReadFullIntraRequest(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = FullIntraRequest.TryRead(data, out FullIntraRequest fir, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        foreach (var entry in fir.Entries)
        {
            _ = entry.SequenceNumber;
        }

        return RoundTrip(FullIntraRequest.TryRead(t._scratch.AsSpan(0, fir.WriteTo(t._scratch)), out _, out _), "FullIntraRequest");
    }

    private static RtcpError ReadRemb(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = ReceiverEstimatedMaxBitrate.TryRead(data, out ReceiverEstimatedMaxBitrate remb, out _);
        return error != RtcpError.None ? error
            : RoundTrip(ReceiverEstimatedMaxBitrate.TryRead(t._scratch.AsSpan(0, remb.WriteTo(t._scratch)), out _, out _), "Remb");
    }

    private static RtcpError ReadTransportWideFeedback(RtcpTarget t, ReadOnlySpan<byte> data)
    {
        RtcpError error = TransportWideFeedback.TryRead(data, out TransportWideFeedback feedback, out _);
        if (error != RtcpError.None)
        {
            return error;
        }

        int packets = 0;
        foreach (TwccPacketFeedback packet in feedback)
        {
            _ = packet.DeltaUs;
            packets++;
        }

        FuzzInvariant.Check(packets == feedback.PacketStatusCount, $"TWCC enumerated {packets} of {feedback.PacketStatusCount}");
        return RoundTrip(TransportWideFeedback.TryRead(t._scratch.AsSpan(0, feedback.WriteTo(t._scratch)), out _, out _), "TransportWideFeedback");
    }
}
