using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class NackGeneratorTests
{
    private static ushort[] Collect(NackGenerator generator, long nowMs, int room = 64)
    {
        Span<ushort> lost = stackalloc ushort[room];
        int count = generator.CollectNacks(nowMs, lost);
        return lost[..count].ToArray();
    }

    [Fact]
    public void Rfc4585_6_2_1_GapIsNackedAfterReorderDelay_ThenOncePerRtt()
    {
        var generator = new NackGenerator(reorderDelayMs: 20);
        generator.OnPacket(1, 0, false);
        generator.OnPacket(2, 0, false);
        generator.OnPacket(4, 5, false); // 3 missing since t=5
        Assert.Equal(1, generator.MissingCount);
        Assert.Empty(Collect(generator, 24));
        Assert.Equal(new ushort[] { 3 }, Collect(generator, 25));
        Assert.Empty(Collect(generator, 124)); // RTT 100 ms by default
        Assert.Equal(new ushort[] { 3 }, Collect(generator, 125));
        Assert.Equal(2, generator.NacksSent);
    }

    [Fact]
    public void LatePacket_BeforeNack_IsNotNacked()
    {
        var generator = new NackGenerator(reorderDelayMs: 20);
        generator.OnPacket(10, 0, false);
        generator.OnPacket(12, 1, false);
        generator.OnPacket(11, 3, false); // reordered, healed
        Assert.Equal(0, generator.MissingCount);
        Assert.Empty(Collect(generator, 100));
        Assert.Equal(1, generator.ArrivedLateBeforeNack);
        Assert.Equal(0, generator.RecoveredAfterNack);
    }

    [Fact]
    public void Retransmission_AfterNack_StopsRetries()
    {
        var generator = new NackGenerator(reorderDelayMs: 0);
        generator.OnPacket(10, 0, false);
        generator.OnPacket(13, 0, false);
        Assert.Equal(new ushort[] { 11, 12 }, Collect(generator, 0));
        generator.OnPacket(12, 30, false);
        generator.OnPacket(12, 31, false); // duplicate retransmission
        Assert.Equal(new ushort[] { 11 }, Collect(generator, 100));
        Assert.Equal(1, generator.RecoveredAfterNack);
        Assert.Equal(1, generator.Duplicates);
    }

    [Fact]
    public void WrapAround_GapAcrossZero()
    {
        var generator = new NackGenerator(reorderDelayMs: 0);
        generator.OnPacket(65533, 0, false);
        generator.OnPacket(1, 0, false); // 65534, 65535, 0 missing
        Assert.Equal(new ushort[] { 65534, 65535, 0 }, Collect(generator, 0));
        generator.OnPacket(65535, 1, false);
        Assert.Equal(2, generator.MissingCount);
        generator.OnPacket(0, 1, false);
        generator.OnPacket(65534, 1, false);
        Assert.Equal(0, generator.MissingCount);
    }

    [Fact]
    public void Retries_StopAtMax_ThenGivesUp()
    {
        var generator = new NackGenerator(reorderDelayMs: 0, maxRetries: 3, maxAgeMs: 10_000);
        generator.OnPacket(1, 0, false);
        generator.OnPacket(3, 0, false);
        int sent = 0;
        for (long now = 0; now <= 1000; now += 10)
        {
            sent += Collect(generator, now).Length;
        }

        Assert.Equal(3, sent);
        Assert.Equal(0, generator.MissingCount);
        Assert.Equal(1, generator.GaveUp);
    }

    [Fact]
    public void MaxAge_GivesUp_EvenWithRetriesLeft()
    {
        var generator = new NackGenerator(reorderDelayMs: 0, maxRetries: 100, maxAgeMs: 250);
        generator.OnPacket(1, 0, false);
        generator.OnPacket(3, 0, false);
        Assert.Single(Collect(generator, 0));
        Assert.Single(Collect(generator, 100));
        Assert.Single(Collect(generator, 200));
        Assert.Empty(Collect(generator, 251));
        Assert.Equal(1, generator.GaveUp);
        Assert.Equal(0, generator.MissingCount);
    }

    [Fact]
    public void UpdateRtt_SpacesRetries_AndIsClamped()
    {
        var generator = new NackGenerator(reorderDelayMs: 0);
        generator.UpdateRtt(40);
        generator.OnPacket(1, 0, false);
        generator.OnPacket(3, 0, false);
        Assert.Single(Collect(generator, 0));
        Assert.Empty(Collect(generator, 39));
        Assert.Single(Collect(generator, 40));
        generator.UpdateRtt(0);
        Assert.Equal(10, generator.RttMs);
        generator.UpdateRtt(int.MaxValue);
        Assert.Equal(5000, generator.RttMs);
    }

    [Fact]
    public void SmallSpan_OldestFirst_RestOnNextTick()
    {
        var generator = new NackGenerator(reorderDelayMs: 0);
        generator.OnPacket(100, 0, false);
        generator.OnPacket(106, 0, false); // 101..105 missing
        Assert.Equal(new ushort[] { 101, 102 }, Collect(generator, 0, room: 2));
        Assert.Equal(new ushort[] { 103, 104 }, Collect(generator, 1, room: 2));
        Assert.Equal(new ushort[] { 105 }, Collect(generator, 2, room: 2));
    }

    [Fact]
    public void BurstPastLimit_ClearsAndRequestsKeyFrame()
    {
        var generator = new NackGenerator(maxMissing: 100, reorderDelayMs: 0);
        generator.OnPacket(0, 0, false);
        generator.OnPacket(50, 0, false);  // 49 missing
        Assert.Equal(49, generator.MissingCount);
        generator.OnPacket(110, 0, false); // +59 > 100
        Assert.Equal(0, generator.MissingCount);
        Assert.True(generator.ShouldRequestKeyFrame);
        Assert.Empty(Collect(generator, 10));
        Assert.True(generator.TakeKeyFrameRequest());
        Assert.False(generator.ShouldRequestKeyFrame);
        Assert.False(generator.TakeKeyFrameRequest());
        Assert.Equal(1, generator.KeyFrameRequests);
    }

    [Fact]
    public void HugeJump_RequestsKeyFrame_AndKeyFrameArrivalClearsIt()
    {
        var generator = new NackGenerator();
        generator.OnPacket(1000, 0, false);
        generator.OnPacket(31000, 0, false); // 29,999 "missing": hostile or a reset
        Assert.True(generator.ShouldRequestKeyFrame);
        Assert.Equal(0, generator.MissingCount);
        generator.OnPacket(31001, 10, isKeyFrameStart: true);
        Assert.False(generator.ShouldRequestKeyFrame);
    }

    [Fact]
    public void Overflow_DropsPacketsBeforeLastKeyFrameFirst()
    {
        var generator = new NackGenerator(maxMissing: 100, reorderDelayMs: 0);
        generator.OnPacket(0, 0, false);
        generator.OnPacket(60, 0, false);                     // 1..59 missing
        generator.OnPacket(70, 0, isKeyFrameStart: true);      // 61..69 missing, key frame at 70
        generator.OnPacket(120, 0, false);                    // 71..119 missing: 49 + 68 > 100
        Assert.False(generator.ShouldRequestKeyFrame);
        Assert.Equal(49, generator.MissingCount);             // only the numbers after the key frame remain
        ushort[] nacks = Collect(generator, 0);
        Assert.Equal(49, generator.MissingCount);
        Assert.Equal(71, nacks[0]);
    }

    [Fact]
    public void Overflow_WhenThisPacketStartsAKeyFrame_TheGapIsNotTracked()
    {
        var generator = new NackGenerator(maxMissing: 10, reorderDelayMs: 0);
        generator.OnPacket(0, 0, false);
        generator.OnPacket(500, 0, isKeyFrameStart: true);
        Assert.False(generator.ShouldRequestKeyFrame);
        Assert.Equal(0, generator.MissingCount);
    }

    /// <summary>
    /// Model: a lossy, reordered stream with retransmissions answering some NACKs. Every NACKed
    /// number must be really missing at the time, and every never-delivered one must be NACKed.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void Model_NacksOnlyMissingPackets_AndEveryLossIsNacked(int seed)
    {
        var random = new Random(seed);
        const int count = 100_000;
        ushort start = (ushort)random.Next(65536);
        var received = new bool[count];
        var nacked = new int[count];
        var lost = new bool[count];
        var generator = new NackGenerator(reorderDelayMs: 20);
        Span<ushort> buffer = stackalloc ushort[256];
        long now = 0;
        long highest = 0;
        int held = -1; // one packet held back to reorder
        for (int ext = 0; ext < count; ext++)
        {
            now += 2;
            if (ext > 0 && random.Next(30) == 0)
            {
                lost[ext] = true;
            }
            else if (held < 0 && random.Next(20) == 0 && ext > 0)
            {
                held = ext;
            }
            else
            {
                Deliver(ext);
            }

            if (held >= 0 && held != ext && random.Next(3) == 0)
            {
                Deliver(held);
                held = -1;
            }

            if (ext % 10 == 0)
            {
                int n = generator.CollectNacks(now, buffer);
                for (int i = 0; i < n; i++)
                {
                    int back = (ushort)((ushort)(start + highest) - buffer[i]);
                    long nackExt = highest - back;
                    Assert.False(received[nackExt], $"NACK for received {nackExt}");
                    nacked[nackExt]++;
                    if (random.Next(2) == 0)
                    {
                        Deliver((int)nackExt); // the publisher answers
                    }
                }
            }
        }

        int lossesChecked = 0;
        for (int ext = 0; ext < count - 100; ext++)
        {
            if (lost[ext])
            {
                Assert.True(nacked[ext] > 0, $"loss {ext} never NACKed");
                lossesChecked++;
            }
        }

        Assert.True(lossesChecked > 1000);
        Assert.True(generator.RecoveredAfterNack > 0);
        Assert.True(generator.ArrivedLateBeforeNack > 0);
        Assert.False(generator.ShouldRequestKeyFrame);

        void Deliver(int ext)
        {
            received[ext] = true;
            highest = Math.Max(highest, ext);
            generator.OnPacket((ushort)(start + ext), now, false);
        }
    }

    [Fact]
    public void Hostile_RandomSequences_NeverThrow_AndStayBounded()
    {
        var random = new Random(99);
        var generator = new NackGenerator(maxMissing: 500);
        Span<ushort> buffer = stackalloc ushort[64];
        long now = 0;
        for (int i = 0; i < 200_000; i++)
        {
            now += random.Next(-3, 10);
            generator.OnPacket((ushort)random.Next(65536), now, random.Next(100) == 0);
            Assert.InRange(generator.MissingCount, 0, 500);
            if (i % 7 == 0)
            {
                int n = generator.CollectNacks(now, buffer);
                Assert.InRange(n, 0, buffer.Length);
            }
        }

        Assert.True(generator.KeyFrameRequests > 0);
        Assert.True(generator.Duplicates > 0);
    }

    [Fact]
    public void HotPath_DoesNotAllocate()
    {
        var generator = new NackGenerator();
        ushort seq = 60000;
        long now = 0;
        Span<ushort> buffer = stackalloc ushort[64];
        for (int i = 0; i < 5000; i++)
        {
            Step(generator, ref seq, ref now, i, buffer);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            Step(generator, ref seq, ref now, i, buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Step(NackGenerator generator, ref ushort seq, ref long now, int i, Span<ushort> buffer)
        {
            now += 2;
            seq += (ushort)(i % 13 == 0 ? 3 : 1);
            generator.OnPacket(seq, now, i % 500 == 0);
            if (i % 17 == 0)
            {
                generator.OnPacket((ushort)(seq - 20), now, false); // a late one
            }

            if (i % 10 == 0)
            {
                generator.CollectNacks(now, buffer);
            }
        }
    }
}
