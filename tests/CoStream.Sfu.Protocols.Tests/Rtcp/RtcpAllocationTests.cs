using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

/// <summary>The per-packet paths allocate nothing (measured with the thread's allocation counter, not timing).</summary>
public class RtcpAllocationTests
{
    private static long ReadEverything(byte[] datagram)
    {
        long sum = 0;
        var reader = new RtcpCompoundReader(datagram);
        while (reader.TryNext(out var header, out var packet))
        {
            switch (header.PacketType)
            {
                case RtcpPacketType.ReceiverReport when ReceiverReport.TryRead(packet, out var rr, out _) == RtcpError.None:
                    foreach (var block in rr.ReportBlocks)
                    {
                        sum += block.Jitter;
                    }

                    break;
                case RtcpPacketType.SourceDescription when SourceDescription.TryRead(packet, out var sdes, out _) == RtcpError.None:
                    foreach (var chunk in sdes.Chunks)
                    {
                        foreach (var item in chunk)
                        {
                            sum += item.Text.Length;
                        }
                    }

                    break;
                case RtcpPacketType.PayloadFeedback when ReceiverEstimatedMaxBitrate.TryRead(packet, out var remb, out _) == RtcpError.None:
                    sum += (long)remb.Bitrate;
                    foreach (uint ssrc in remb.Ssrcs)
                    {
                        sum += ssrc;
                    }

                    break;
                case RtcpPacketType.TransportFeedback when TransportWideFeedback.TryRead(packet, out var twcc, out _) == RtcpError.None:
                    foreach (var p in twcc)
                    {
                        sum += p.DeltaTicks;
                    }

                    break;
            }
        }

        return sum;
    }

    [Fact]
    public void ReadingCompoundAndFeedbackAllocatesNothing()
    {
        byte[] datagram = [.. RtcpSamples.ChromeCompound, .. RtcpSamples.ChromeTransportWideFeedback];
        long expected = ReadEverything(datagram); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            sum += ReadEverything(datagram);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(expected * 1000, sum);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void BuilderAndStatisticsAllocateNothingPerPacket()
    {
        var builder = new TransportWideFeedbackBuilder();
        var stats = new ReceiveStatistics(1);
        var buffer = new byte[4096];
        void Run(int rounds)
        {
            for (int i = 0; i < rounds; i++)
            {
                if (i % 5 != 2)
                {
                    builder.OnPacket((ushort)i, 1_000_000 + (i * 3_000L));
                    stats.OnPacket((ushort)i, (uint)(i * 270), 1_000_000 + (i * 3_000L), 90_000);
                }

                if (i % 50 == 49)
                {
                    builder.BuildFeedback(buffer, 1, 2);
                    stats.CreateReportBlock(1_000_000 + (i * 3_000L));
                }
            }
        }

        Run(200); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(20_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(stats.PacketsReceived > 0);
    }
}
