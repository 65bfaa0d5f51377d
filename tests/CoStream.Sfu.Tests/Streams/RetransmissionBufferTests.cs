using System.Buffers.Binary;
using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class RetransmissionBufferTests
{
    // A fake "packet": its first two bytes carry the sequence number, then a filler byte pattern.
    private static byte[] Packet(ushort seq, int length = 100)
    {
        var packet = new byte[length];
        BinaryPrimitives.WriteUInt16BigEndian(packet, seq);
        for (int i = 2; i < length; i++)
        {
            packet[i] = (byte)(seq + i);
        }

        return packet;
    }

    [Fact]
    public void Store_ThenTryGet_ReturnsAnExactCopy()
    {
        using var buffer = new RetransmissionBuffer();
        byte[] original = Packet(42, 1200);
        Assert.True(buffer.Store(42, original, nowMs: 0));
        original[5] ^= 0xFF; // the buffer holds a copy, not the caller's array
        Assert.True(buffer.TryGet(42, 10, out ReadOnlySpan<byte> packet));
        Assert.Equal(Packet(42, 1200), packet.ToArray());
        Assert.Equal(1, buffer.Hits);
        Assert.Equal(1, buffer.Count);
    }

    [Fact]
    public void TryGet_UnknownSequence_IsAMiss()
    {
        using var buffer = new RetransmissionBuffer();
        Assert.False(buffer.TryGet(1, 0, out _)); // nothing stored at all
        buffer.Store(2, Packet(2), 0);
        Assert.False(buffer.TryGet(3, 0, out _));
        Assert.Equal(2, buffer.MissesNotFound);
        Assert.Equal(0, buffer.Hits);
    }

    [Fact]
    public void CapacityRoundsUpToPowerOfTwo_AndANewLapOverwrites()
    {
        using var buffer = new RetransmissionBuffer(capacity: 1000);
        Assert.Equal(1024, buffer.SlotCount);
        for (int i = 0; i <= 1024; i++)
        {
            buffer.Store((ushort)i, Packet((ushort)i), 0);
        }

        Assert.False(buffer.TryGet(0, 0, out _)); // slot reused by 1024
        Assert.True(buffer.TryGet(1, 0, out _));
        Assert.True(buffer.TryGet(1024, 0, out ReadOnlySpan<byte> packet));
        Assert.Equal(1024, BinaryPrimitives.ReadUInt16BigEndian(packet));
        Assert.Equal(1024, buffer.Count);
    }

    [Fact]
    public void WrapAround_OfSequenceNumbers()
    {
        using var buffer = new RetransmissionBuffer(capacity: 64);
        for (ushort seq = 65500; seq != 20; seq++)
        {
            buffer.Store(seq, Packet(seq), 0);
        }

        foreach (ushort seq in new ushort[] { 65500, 65535, 0, 19 })
        {
            Assert.True(buffer.TryGet(seq, 1, out ReadOnlySpan<byte> packet));
            Assert.Equal(seq, BinaryPrimitives.ReadUInt16BigEndian(packet));
        }

        Assert.False(buffer.TryGet(65499, 1, out _));
    }

    [Fact]
    public void Entries_OlderThanMaxAge_AreRefused_AndEvicted()
    {
        using var buffer = new RetransmissionBuffer(maxAgeMs: 2000);
        buffer.Store(1, Packet(1), nowMs: 1000);
        buffer.Store(2, Packet(2), nowMs: 2000);
        Assert.True(buffer.TryGet(1, 3000, out _));   // exactly max age: still served
        Assert.False(buffer.TryGet(1, 3001, out _));  // one ms too old
        Assert.Equal(1, buffer.MissesExpired);

        buffer.EvictExpired(3500);
        Assert.Equal(1, buffer.Count);                // 1 returned to the pool, 2 still young
        Assert.False(buffer.TryGet(1, 3500, out _));
        Assert.Equal(1, buffer.MissesNotFound);
        buffer.EvictExpired(4001);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void Store_EvictsExpiredEntries_SoASteadyStreamHoldsAboutMaxAge()
    {
        using var buffer = new RetransmissionBuffer(capacity: 4096, maxAgeMs: 1000);
        for (int i = 0; i < 3000; i++)
        {
            buffer.Store((ushort)i, Packet((ushort)i), nowMs: i * 2); // 500 packets/s
        }

        Assert.InRange(buffer.Count, 500, 502);
    }

    [Fact]
    public void Resend_OfTheSamePacket_IsLimitedToOncePerInterval()
    {
        using var buffer = new RetransmissionBuffer(minResendIntervalMs: 10);
        buffer.Store(7, Packet(7), 0);
        Assert.True(buffer.TryGet(7, 1, out _));   // the first resend goes at once
        Assert.False(buffer.TryGet(7, 10, out _)); // 9 ms later
        Assert.True(buffer.TryGet(7, 11, out _));  // 10 ms later
        Assert.Equal(1, buffer.MissesRateLimited);

        buffer.UpdateRtt(80);
        Assert.Equal(80, buffer.ResendIntervalMs);
        Assert.False(buffer.TryGet(7, 90, out _));
        Assert.True(buffer.TryGet(7, 91, out _));
        buffer.UpdateRtt(-5); // hostile RTT falls back to the minimum
        Assert.Equal(10, buffer.ResendIntervalMs);
    }

    [Fact]
    public void Store_AgainWithTheSameSequence_ResetsTheResendLimit()
    {
        using var buffer = new RetransmissionBuffer(minResendIntervalMs: 100);
        buffer.Store(7, Packet(7, 50), 0);
        Assert.True(buffer.TryGet(7, 1, out _));
        buffer.Store(7, Packet(7, 60), 2);
        Assert.True(buffer.TryGet(7, 3, out ReadOnlySpan<byte> packet));
        Assert.Equal(60, packet.Length);
        Assert.Equal(1, buffer.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1501)]
    [InlineData(65536)]
    public void Store_RefusesEmptyAndOversizedPackets(int length)
    {
        using var buffer = new RetransmissionBuffer(maxPacketSize: 1500);
        Assert.False(buffer.Store(1, new byte[length], 0));
        Assert.Equal(1, buffer.StoresRefused);
        Assert.Equal(0, buffer.Count);
    }

    [Fact]
    public void Store_OlderThanTheWindow_IsRefused_LateWithinWindow_IsKept()
    {
        using var buffer = new RetransmissionBuffer(capacity: 128);
        buffer.Store(1000, Packet(1000), 0);
        Assert.False(buffer.Store(1000 - 128, Packet(1000 - 128), 0));
        Assert.True(buffer.Store(1000 - 127, Packet(1000 - 127), 0));
        Assert.True(buffer.TryGet(1000 - 127, 0, out _));
        Assert.True(buffer.TryGet(1000, 0, out _));
        Assert.Equal(1, buffer.StoresRefused);
    }

    [Fact]
    public void Dispose_ReturnsEverything_AndServesNothing()
    {
        var buffer = new RetransmissionBuffer();
        for (ushort seq = 0; seq < 100; seq++)
        {
            buffer.Store(seq, Packet(seq), 0);
        }

        buffer.Dispose();
        Assert.Equal(0, buffer.Count);
        Assert.False(buffer.TryGet(5, 0, out _));
        Assert.False(buffer.Store(101, Packet(101), 0));
        buffer.Dispose(); // twice is harmless
    }

    [Fact]
    public void Hostile_RandomStoresAndGets_BoundedAndNeverWrongPacket()
    {
        var random = new Random(77);
        using var buffer = new RetransmissionBuffer(capacity: 256, maxAgeMs: 500, minResendIntervalMs: 0, maxPacketSize: 1500);
        byte[] scratch = new byte[2000];
        long now = 0;
        int served = 0;
        for (int i = 0; i < 200_000; i++)
        {
            now += random.Next(-5, 20); // even a clock going backwards
            ushort seq = (ushort)random.Next(65536);
            if (random.Next(3) == 0)
            {
                seq = (ushort)(i + random.Next(-300, 300)); // near the stream's head
            }

            if (random.Next(2) == 0)
            {
                int length = random.Next(0, scratch.Length);
                BinaryPrimitives.WriteUInt16BigEndian(scratch, seq);
                buffer.Store(seq, scratch.AsSpan(0, length), now);
            }
            else if (buffer.TryGet(seq, now, out ReadOnlySpan<byte> packet))
            {
                served++;
                Assert.True(packet.Length >= 2);
                Assert.Equal(seq, BinaryPrimitives.ReadUInt16BigEndian(packet));
            }

            Assert.InRange(buffer.Count, 0, buffer.SlotCount);
        }

        Assert.True(served > 0);
        Assert.True(buffer.StoresRefused > 0);
        Assert.Equal(buffer.Hits, served);
    }

    [Fact]
    public void HotPath_DoesNotAllocate()
    {
        using var buffer = new RetransmissionBuffer(capacity: 1000, maxAgeMs: 2000);
        byte[] packet = Packet(0, 1200);
        ushort seq = 60000;
        long now = 0;
        for (int i = 0; i < 5000; i++)
        {
            Step(buffer, packet, ref seq, ref now);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            Step(buffer, packet, ref seq, ref now);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Step(RetransmissionBuffer buffer, byte[] packet, ref ushort seq, ref long now)
        {
            seq++;
            now += 4; // 250 packets/s: entries expire by age before a lap
            buffer.Store(seq, packet, now);
            buffer.TryGet((ushort)(seq - 50), now, out _);
            buffer.TryGet((ushort)(seq - 1500), now, out _);
        }
    }
}
