using System.Buffers.Binary;
using CoStream.Sfu.Protocols.Demux;
using CoStream.Sfu.Tests.Harness;
using Xunit.Abstractions;

namespace CoStream.Sfu.Tests.Transport;

/// <summary>
/// Garbage from a bound peer's own address (so Router finds its WebRtcTransport, the path a spoofing or
/// broken peer takes): random, truncated and bit-flipped datagrams shaped by their first bytes
/// (RFC 7983 §7) as SRTP, SRTCP, STUN and DTLS. Each is refused and counted by its protocol, the loop
/// never throws, and the other players — and the sender's own media — keep flowing.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const int Datagrams = 100_000;
    private const int Batch = 1000;

    private static readonly string[] Families = ["srtp.refused.", "srtcp.refused.", "ice.refused.", "dtls.refused.", "demux.refused."];

    [Fact]
    public async Task HundredThousandMalformedDatagrams_FromABoundPeer_AreRefusedAndCounted_AndMediaKeepsFlowing()
    {
        await using var engine = EngineHarness.Start();
        var publisher = await engine.PublishAsync("hostile", "pub");
        var attacker = await engine.PlayAsync("hostile", "attacker", "pub");
        var players = new[] { await engine.PlayAsync("hostile", "p1", "pub"), await engine.PlayAsync("hostile", "p2", "pub") };
        Assert.True(await EngineHarness.WaitUntilAsync(() => players.All(p => p.Peer.Stats.Snapshot().PacketsReceived > 50)));

        var before = Refusals(engine);
        long allocatedBefore = engine.Sfu.LoopAllocatedBytes;
        var playersBefore = players.Select(p => p.Peer.Stats.Snapshot().PacketsReceived).ToArray();
        var expected = new Dictionary<string, long>(Families.Select(f => new KeyValuePair<string, long>(f, 0)));
        var random = new Random(1234);
        var datagram = new byte[1500];
        for (int sent = 0; sent < Datagrams; sent += Batch)
        {
            for (int i = 0; i < Batch; i++)
            {
                int length = Hostile(random, (sent + i) % 4, datagram);
                expected[FamilyOf(datagram.AsSpan(0, length))]++;
                Assert.True(attacker.Peer.SendRaw(datagram.AsSpan(0, length)));
            }

            // Pace on the SFU's own count, so the kernel's receive buffer does not overflow (a bounded wait).
            long target = sent + Batch - Batch / 2;
            await EngineHarness.WaitUntilAsync(() => Total(Refusals(engine)) - Total(before) >= target, 2_000);
        }

        await EngineHarness.WaitUntilAsync(() => Total(Refusals(engine)) - Total(before) >= Datagrams, 5_000);
        var after = Refusals(engine);
        foreach (string family in Families)
        {
            long counted = after[family] - before[family];
            output.WriteLine($"{family}*: sent {expected[family]}, counted {counted}");
            // Every datagram is counted once by its protocol; a few may be lost in the kernel under the burst.
            Assert.InRange(counted, expected[family] * 95 / 100, expected[family]);
        }

        foreach (var (name, value) in engine.Sfu.Counters.Snapshot().Where(c => c.Key.Contains(".refused.") && c.Value > 0))
            output.WriteLine($"{name} = {value}");
        output.WriteLine($"loop allocated {engine.Sfu.LoopAllocatedBytes - allocatedBefore} bytes during the burst");
        Assert.Equal(0, engine.Sfu.Counters.Read("engine.errors"));
        Assert.Equal("Connected", (await engine.FindTransportAsync("hostile", attacker.TransportId))?.State);

        // Everyone, the sender included, keeps receiving: counts rise during and after the burst.
        for (int i = 0; i < players.Length; i++)
            Assert.True(players[i].Peer.Stats.Snapshot().PacketsReceived > playersBefore[i], $"player {i} received nothing during the burst");
        var afterBurst = new[] { attacker }.Concat(players).Select(p => p.Peer.Stats.Snapshot().PacketsReceived).ToArray();
        Assert.True(await EngineHarness.WaitUntilAsync(() => new[] { attacker }.Concat(players)
            .Select((p, i) => p.Peer.Stats.Snapshot().PacketsReceived > afterBurst[i] + 50).All(x => x)), "media stopped after the burst");
    }

    private static Dictionary<string, long> Refusals(EngineHarness engine)
    {
        var snapshot = engine.Sfu.Counters.Snapshot();
        return Families.ToDictionary(f => f, f => snapshot.Where(c => c.Key.StartsWith(f, StringComparison.Ordinal)).Sum(c => c.Value));
    }

    private static long Total(Dictionary<string, long> refusals) => refusals.Values.Sum();

    /// <summary>Which counter family the engine must charge a datagram to, by the same RFC 7983 demultiplexing.</summary>
    private static string FamilyOf(ReadOnlySpan<byte> datagram) => PacketClassifier.Classify(datagram) switch
    {
        PacketKind.Rtp => "srtp.refused.",
        PacketKind.Rtcp => "srtcp.refused.",
        PacketKind.Stun => "ice.refused.",
        PacketKind.Dtls => "dtls.refused.",
        _ => "demux.refused.",
    };

    /// <summary>One hostile datagram of the given shape (0 SRTP, 1 SRTCP, 2 STUN, 3 DTLS): random, truncated or bit-flipped.</summary>
    private static int Hostile(Random random, int shape, byte[] buffer)
    {
        int variant = random.Next(3); // 0 random body, 1 truncated, 2 plausible header with flipped bits
        int length = variant == 1 ? random.Next(1, 24) : random.Next(24, 1200);
        random.NextBytes(buffer.AsSpan(0, length));
        switch (shape)
        {
            case 0: // SRTP: V=2, payload type outside RTCP's 72..95 (RFC 5761 §4)
                buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
                if (length > 1) buffer[1] = (byte)(random.Next(2) << 7 | random.Next(0, 72));
                if (variant == 2) { buffer[0] = 0x90; BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(12), 0xBEDE); }
                break;
            case 1: // SRTCP: V=2, packet type 200..206 (SR, RR, SDES, BYE, APP, RTPFB, PSFB)
                buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
                if (length > 1) buffer[1] = (byte)random.Next(200, 207);
                if (variant == 2 && length >= 8) BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)(length / 4 - 1));
                break;
            case 2: // STUN: first byte 0..3; the plausible ones are Binding requests with the magic cookie (RFC 5389 §6)
                buffer[0] = (byte)(buffer[0] & 0x03);
                if (variant == 2)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(buffer, 0x0001);
                    BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)((length - 20) & ~3));
                    BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), 0x2112A442);
                }
                break;
            case 3: // DTLS: content type 20..63; the plausible ones are DTLS 1.2 records of type 20..23 (RFC 6347 §4.1)
                buffer[0] = (byte)random.Next(20, 64);
                if (variant == 2)
                {
                    buffer[0] = (byte)random.Next(20, 24);
                    BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(1), 0xFEFD);
                    BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(3), (ushort)random.Next(0, 2)); // epoch
                    BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(11), (ushort)(length - 13));
                }
                break;
        }

        if (variant == 2)
        {
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                int bit = random.Next(16, length * 8); // keep the first two bytes: the shape stays what it is
                buffer[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }

        return length;
    }
}
