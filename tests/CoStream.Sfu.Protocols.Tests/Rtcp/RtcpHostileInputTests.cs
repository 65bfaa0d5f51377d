using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

/// <summary>
/// 100 000 random, truncated, oversized and bit-flipped inputs per parser: nothing throws, every refusal
/// has a reason, and whatever is accepted writes back to something that parses again.
/// </summary>
public class RtcpHostileInputTests
{
    private const int Cases = 100_000;
    private static readonly byte[] Scratch = new byte[1 << 16];

    private static byte[][] Seeds =>
    [
        RtcpSamples.ChromeReceiverReport,
        RtcpSamples.ChromeSourceDescription,
        RtcpSamples.ChromeRemb,
        RtcpSamples.ChromeTransportWideFeedback,
        RtcpSamples.PionTransportWideFeedback,
        [0x81, 0xC8, 0x00, 0x0D, 0x90, 0x2F, 0x9E, 0x2E, 0xDA, 0x8B, 0xD1, 0xFC, 0xDD, 0xDD, 0xA0, 0x5A, 0xAA, 0xF4, 0xED, 0xD5,
         0, 0, 0, 1, 0, 0, 0, 2, 0xBC, 0x5E, 0x9A, 0x40, 0x1F, 0xFF, 0xFF, 0xFE, 0, 1, 0x46, 0xE1, 0, 0, 1, 0x11,
         0x09, 0xF3, 0x64, 0x32, 0, 2, 0x4A, 0x79, 0xCA, 0xFE, 0xBA, 0xBE], // SR
        [0x82, 0xCB, 0x00, 0x04, 0x90, 0x2F, 0x9E, 0x2E, 0xBC, 0x5E, 0x9A, 0x40, 0x05, 0x62, 0x79, 0x65, 0x21, 0x21, 0, 0], // BYE
        [0x82, 0xCA, 0x00, 0x07, 0, 0, 0, 1, 0x01, 0x02, 0x61, 0x62, 0x06, 0x03, 0x78, 0x79, 0x7A, 0, 0, 0,
         0, 0, 0, 2, 0x02, 0x00, 0x08, 0x03, 0x01, 0x70, 0x71, 0x00], // SDES, 2 chunks
        [0x81, 0xCD, 0x00, 0x04, 0x90, 0x2F, 0x9E, 0x2E, 0xBC, 0x5E, 0x9A, 0x40, 0xFF, 0xFE, 0x80, 0x05, 0x00, 0x64, 0, 0], // NACK
        [0x81, 0xCE, 0x00, 0x02, 0x90, 0x2F, 0x9E, 0x2E, 0x90, 0x2F, 0x9E, 0x2E], // PLI
        [0x84, 0xCE, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x2A, 0, 0, 0], // FIR
        [0x8F, 0xCD, 0x00, 0x09, 0, 0, 0, 0x0A, 0, 0, 0, 0x0B, 0xFF, 0xFA, 0x00, 0x14, 0, 0, 0x10, 0x05, 0x9F, 0x1C, 0xE4, 0x18,
         1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0x38, 0x10, 0x20, 0x01, 0x00, 0, 0], // TWCC with vectors
    ];

    private static byte[] Mutate(Random random, byte[][] seeds)
    {
        byte[] seed = seeds[random.Next(seeds.Length)];
        switch (random.Next(6))
        {
            case 0: // random bytes, half of them with a plausible first byte
            {
                var data = new byte[random.Next(0, 96)];
                random.NextBytes(data);
                if (data.Length > 0 && random.Next(2) == 0)
                {
                    data[0] = (byte)(0x80 | (data[0] & 0x3F));
                }

                return data;
            }

            case 1: // truncated
                return seed[..random.Next(0, seed.Length)];
            case 2: // oversized: random tail
            {
                var tail = new byte[random.Next(1, 64)];
                random.NextBytes(tail);
                return [.. seed, .. tail];
            }

            case 3: // bit flips
            {
                var data = (byte[])seed.Clone();
                for (int i = random.Next(1, 5); i > 0; i--)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                return data;
            }

            case 4: // length field and count field lies
            {
                var data = (byte[])seed.Clone();
                data[0] = (byte)((data[0] & 0xE0) | random.Next(32));
                data[2] = (byte)random.Next(2);
                data[3] = (byte)random.Next(256);
                return data;
            }

            default: // header kept, body random
            {
                var data = (byte[])seed.Clone();
                for (int i = 4; i < data.Length; i++)
                {
                    if (random.Next(3) == 0)
                    {
                        data[i] = (byte)random.Next(256);
                    }
                }

                return data;
            }
        }
    }

    private delegate RtcpError Parser(byte[] data);

    /// <summary>Parses; when accepted, walks every view, writes it back and parses the result again.</summary>
    private static readonly Dictionary<string, Parser> Parsers = new()
    {
        ["RtcpHeader"] = data => RtcpHeader.TryRead(data, out _, out _),
        ["ReportBlock"] = data =>
        {
            var error = ReportBlock.TryRead(data, out var block, out _);
            return error != RtcpError.None ? error : ReportBlock.TryRead(Scratch.AsSpan(0, block.WriteTo(Scratch)), out _, out _);
        },
        ["SenderReport"] = data =>
        {
            var error = SenderReport.TryRead(data, out var sr, out _);
            if (error != RtcpError.None)
            {
                return error;
            }

            foreach (var block in sr.ReportBlocks)
            {
                _ = block.CumulativeLost;
            }

            return SenderReport.TryRead(Scratch.AsSpan(0, sr.WriteTo(Scratch)), out _, out _);
        },
        ["ReceiverReport"] = data =>
        {
            var error = ReceiverReport.TryRead(data, out var rr, out _);
            if (error != RtcpError.None)
            {
                return error;
            }

            foreach (var block in rr.ReportBlocks)
            {
                _ = block.Jitter;
            }

            return ReceiverReport.TryRead(Scratch.AsSpan(0, rr.WriteTo(Scratch)), out _, out _);
        },
        ["SourceDescription"] = data =>
        {
            var error = SourceDescription.TryRead(data, out var sdes, out _);
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

            Assert.Equal(sdes.ChunkCount, chunks);
            return SourceDescription.TryRead(Scratch.AsSpan(0, sdes.WriteTo(Scratch)), out _, out _);
        },
        ["Goodbye"] = data =>
        {
            var error = Goodbye.TryRead(data, out var bye, out _);
            if (error != RtcpError.None)
            {
                return error;
            }

            foreach (uint ssrc in bye.Sources)
            {
                _ = ssrc;
            }

            return Goodbye.TryRead(Scratch.AsSpan(0, bye.WriteTo(Scratch)), out _, out _);
        },
        ["GenericNack"] = data =>
        {
            var error = GenericNack.TryRead(data, out var nack, out _);
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

            Assert.Equal(expected, lost);
            return GenericNack.TryRead(Scratch.AsSpan(0, nack.WriteTo(Scratch)), out _, out _);
        },
        ["PictureLossIndication"] = data =>
        {
            var error = PictureLossIndication.TryRead(data, out var pli, out _);
            return error != RtcpError.None ? error : PictureLossIndication.TryRead(Scratch.AsSpan(0, pli.WriteTo(Scratch)), out _, out _);
        },
        ["FullIntraRequest"] = data =>
        {
            var error = FullIntraRequest.TryRead(data, out var fir, out _);
            if (error != RtcpError.None)
            {
                return error;
            }

            foreach (var entry in fir.Entries)
            {
                _ = entry.SequenceNumber;
            }

            return FullIntraRequest.TryRead(Scratch.AsSpan(0, fir.WriteTo(Scratch)), out _, out _);
        },
        ["ReceiverEstimatedMaxBitrate"] = data =>
        {
            var error = ReceiverEstimatedMaxBitrate.TryRead(data, out var remb, out _);
            return error != RtcpError.None ? error : ReceiverEstimatedMaxBitrate.TryRead(Scratch.AsSpan(0, remb.WriteTo(Scratch)), out _, out _);
        },
        ["TransportWideFeedback"] = data =>
        {
            var error = TransportWideFeedback.TryRead(data, out var feedback, out _);
            if (error != RtcpError.None)
            {
                return error;
            }

            int packets = 0;
            foreach (var packet in feedback)
            {
                packets++;
            }

            Assert.Equal(feedback.PacketStatusCount, packets);
            return TransportWideFeedback.TryRead(Scratch.AsSpan(0, feedback.WriteTo(Scratch)), out _, out _);
        },
    };

    public static TheoryData<string> ParserNames => new(Parsers.Keys);

    private static void AssertRefusalsCounted(Dictionary<RtcpError, int> refusals, int accepted, int minReasons = 3)
    {
        Assert.True(accepted > 0, "some inputs should still be valid");
        Assert.True(refusals.Count >= minReasons, $"expected several refusal reasons, got {string.Join(", ", refusals.Keys)}");
        Assert.All(refusals, pair => Assert.True(pair.Value > 0));
        Assert.Equal(Cases - accepted, refusals.Values.Sum());
    }

    [Theory]
    [MemberData(nameof(ParserNames))]
    public void Hostile_EveryParserRefusesWithAReason(string parserName)
    {
        var parser = Parsers[parserName];
        var random = new Random(parserName.Length * 7919 + parserName[0]);
        var seeds = Seeds;
        var refusals = new Dictionary<RtcpError, int>();
        int accepted = 0;
        for (int i = 0; i < Cases; i++)
        {
            var error = parser(Mutate(random, seeds));
            if (error == RtcpError.None)
            {
                accepted++;
            }
            else
            {
                refusals[error] = refusals.GetValueOrDefault(error) + 1;
            }
        }

        // A report block can only be too short; a bare header can also have the wrong version.
        int minReasons = parserName switch { "ReportBlock" => 1, "RtcpHeader" => 2, _ => 3 };
        AssertRefusalsCounted(refusals, accepted, minReasons);
    }

    [Fact]
    public void Hostile_CompoundReaderAndDispatch()
    {
        var random = new Random(3550);
        var seeds = Seeds;
        var refusals = new Dictionary<RtcpError, int>();
        int accepted = 0;
        for (int i = 0; i < Cases; i++)
        {
            byte[] datagram = [];
            for (int n = random.Next(1, 4); n > 0; n--)
            {
                datagram = [.. datagram, .. seeds[random.Next(seeds.Length)]];
            }

            if (random.Next(4) != 0)
            {
                datagram = Mutate(random, [datagram]);
            }

            var reader = new RtcpCompoundReader(datagram);
            while (reader.TryNext(out var header, out var packet))
            {
                Assert.Equal(header.PacketSize, packet.Length);
                Dispatch(header, packet.ToArray());
            }

            if (reader.Error == RtcpError.None)
            {
                accepted++;
                Assert.Equal(datagram.Length, reader.Offset);
            }
            else
            {
                refusals[reader.Error] = refusals.GetValueOrDefault(reader.Error) + 1;
            }
        }

        AssertRefusalsCounted(refusals, accepted);
    }

    private static void Dispatch(RtcpHeader header, byte[] packet)
    {
        string? name = (header.PacketType, header.Format) switch
        {
            (RtcpPacketType.SenderReport, _) => "SenderReport",
            (RtcpPacketType.ReceiverReport, _) => "ReceiverReport",
            (RtcpPacketType.SourceDescription, _) => "SourceDescription",
            (RtcpPacketType.Goodbye, _) => "Goodbye",
            (RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack) => "GenericNack",
            (RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc) => "TransportWideFeedback",
            (RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.PictureLossIndication) => "PictureLossIndication",
            (RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest) => "FullIntraRequest",
            (RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.ApplicationLayer) => "ReceiverEstimatedMaxBitrate",
            _ => null,
        };
        if (name is not null)
        {
            _ = Parsers[name](packet);
        }
    }

    [Fact]
    public void Hostile_BuilderAlwaysProducesParsableFeedback()
    {
        var random = new Random(205);
        var builder = new TransportWideFeedbackBuilder(maxPacketSize: 200 + random.Next(1000));
        var buffer = new byte[8192];
        ushort sequence = 60000;
        long now = 1_000_000;
        int packets = 0;
        for (int i = 0; i < Cases; i++)
        {
            switch (random.Next(20))
            {
                case 0: sequence += (ushort)random.Next(1, 40000); break;   // wild jump (any direction mod 2^16)
                case 1: sequence -= (ushort)random.Next(1, 50); break;       // reorder
                case 2: break;                                               // duplicate
                default: sequence += (ushort)random.Next(1, 3); break;      // mostly in order, some loss
            }

            now += random.Next(10) == 0 ? random.Next(0, 20_000_000) : random.Next(0, 5_000);
            builder.OnPacket(sequence, random.Next(50) == 0 ? now - random.Next(0, 10_000_000) : now);
            if (random.Next(100) == 0)
            {
                int written = builder.BuildFeedback(buffer.AsSpan(0, random.Next(0, buffer.Length)), 1, 2);
                var reader = new RtcpCompoundReader(buffer.AsSpan(0, written));
                while (reader.TryNext(out _, out var packet))
                {
                    Assert.Equal(RtcpError.None, TransportWideFeedback.TryRead(packet, out var feedback, out _));
                    int count = 0;
                    foreach (var p in feedback)
                    {
                        count++;
                    }

                    Assert.Equal(feedback.PacketStatusCount, count);
                    packets++;
                }

                Assert.Equal(RtcpError.None, reader.Error);
            }
        }

        Assert.True(packets > 100);
    }

    [Fact]
    public void Hostile_ReceiveStatisticsNeverThrows()
    {
        var random = new Random(3551);
        var stats = new ReceiveStatistics(1);
        for (int i = 0; i < Cases; i++)
        {
            stats.OnPacket((ushort)random.Next(65536), (uint)random.NextInt64(uint.MaxValue), random.NextInt64(-1L << 40, 1L << 50), random.Next(1, 200_000));
            if (random.Next(100) == 0)
            {
                stats.OnSenderReport((ulong)random.NextInt64(), random.NextInt64(-1L << 40, 1L << 50));
                var block = stats.CreateReportBlock(random.NextInt64(-1L << 40, 1L << 50));
                Assert.InRange(block.CumulativeLost, ReportBlock.MinCumulativeLost, ReportBlock.MaxCumulativeLost);
            }
        }

        Assert.True(stats.PacketsReceived > 0);
    }
}
