using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class SequenceMapperTests
{
    private static ushort Map(SequenceMapper mapper, ushort input)
    {
        Assert.True(mapper.TryMap(input, out ushort output), $"input {input} refused");
        return output;
    }

    [Fact]
    public void FirstPacket_GetsFirstOutput_ThenFollowsInput()
    {
        var mapper = new SequenceMapper(firstOutput: 100);
        Assert.False(mapper.HasStarted);
        Assert.Equal(100, Map(mapper, 5000));
        Assert.Equal(101, Map(mapper, 5001));
        Assert.Equal(102, Map(mapper, 5002));
        Assert.True(mapper.HasStarted);
        Assert.Equal(102, mapper.HighestOutput);
        Assert.Equal(5002, mapper.HighestInput);
    }

    [Fact]
    public void WrapAround_InputAndOutput()
    {
        var mapper = new SequenceMapper(firstOutput: 65534);
        Assert.Equal(65534, Map(mapper, 65533));
        Assert.Equal(65535, Map(mapper, 65534));
        Assert.Equal(0, Map(mapper, 65535));
        Assert.Equal(1, Map(mapper, 0));
        Assert.Equal(2, Map(mapper, 1));
        // A late packet from before the wrap still maps to its own slot.
        Assert.Equal(65535, Map(mapper, 65534));
    }

    [Fact]
    public void Loss_KeepsItsOutputSlot_SoTheReceiverCanNackIt()
    {
        var mapper = new SequenceMapper(firstOutput: 10);
        Assert.Equal(10, Map(mapper, 200));
        Assert.Equal(13, Map(mapper, 203)); // 201, 202 lost (for now)
        Assert.Equal(12, Map(mapper, 202)); // arrives late: its own slot
        Assert.Equal(11, Map(mapper, 201)); // retransmitted by the publisher
        Assert.Equal(13, mapper.HighestOutput);
    }

    [Fact]
    public void Drop_ShiftsLaterPacketsDown_WithoutHole()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Assert.Equal(1, Map(mapper, 10));
        Assert.True(mapper.Drop(11)); // padding-only
        Assert.True(mapper.Drop(12));
        Assert.Equal(2, Map(mapper, 13));
        Assert.Equal(3, Map(mapper, 14));
        Assert.False(mapper.TryMap(11, out _)); // a duplicate of a dropped packet stays dropped
        Assert.False(mapper.TryMap(12, out _));
    }

    [Fact]
    public void Drop_AheadOfLatePackets_LatePacketsKeepTheirSlots()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Assert.Equal(1, Map(mapper, 10));
        Assert.True(mapper.Drop(13));        // 11, 12 not here yet
        Assert.Equal(4, Map(mapper, 14));    // 11→2, 12→3 reserved, 13 removed
        Assert.Equal(3, Map(mapper, 12));
        Assert.Equal(2, Map(mapper, 11));
        Assert.True(mapper.Drop(16));
        Assert.Equal(5, Map(mapper, 15));
        Assert.Equal(6, Map(mapper, 17));
    }

    [Fact]
    public void Drop_OfAnOlderPacket_IsRefused_AndTheCallerCanStillMapIt()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Assert.Equal(1, Map(mapper, 10));
        Assert.Equal(3, Map(mapper, 12));
        Assert.False(mapper.Drop(11)); // 12 already sent as 3: removing 11 would leave a hole
        Assert.False(mapper.Drop(12)); // the highest itself has been sent
        Assert.Equal(2, Map(mapper, 11));
    }

    [Fact]
    public void Drop_BeforeAnythingSent_FirstKeptPacketStillGetsFirstOutput()
    {
        var mapper = new SequenceMapper(firstOutput: 7);
        Assert.True(mapper.Drop(300));
        Assert.True(mapper.Drop(301));
        Assert.False(mapper.HasOutput);
        Assert.Equal(7, Map(mapper, 302));
    }

    [Fact]
    public void Switch_ContinuesAfterHighestOutput_AndRefusesOlderInputs()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Assert.Equal(1, Map(mapper, 1000)); // layer 0
        Assert.Equal(2, Map(mapper, 1001));
        Assert.Equal(3, Map(mapper, 1002));

        mapper.Switch(40000);                // layer 1 key frame starts at 40000
        Assert.Equal(4, Map(mapper, 40000));
        Assert.Equal(5, Map(mapper, 40001));
        Assert.False(mapper.TryMap(39999, out _)); // before the switch point: refused
        Assert.False(mapper.TryMap(39000, out _));
        Assert.Equal(7, Map(mapper, 40003));
        Assert.Equal(6, Map(mapper, 40002));
    }

    [Fact]
    public void Switch_AfterDrops_ContinuesAfterLastKeptOutput()
    {
        var mapper = new SequenceMapper(firstOutput: 65535);
        Assert.Equal(65535, Map(mapper, 1));
        Assert.True(mapper.Drop(2));
        Assert.True(mapper.Drop(3));
        mapper.Switch(9);
        Assert.Equal(0, Map(mapper, 9));
    }

    [Fact]
    public void Switch_BackToSameNumbers_IsANewSpace()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Assert.Equal(1, Map(mapper, 500));
        Assert.Equal(2, Map(mapper, 501));
        mapper.Switch(100);
        Assert.Equal(3, Map(mapper, 100));
        mapper.Switch(502); // back to the first layer, which went on counting
        Assert.False(mapper.TryMap(501, out _));
        Assert.Equal(4, Map(mapper, 502));
    }

    [Fact]
    public void LatePacket_OlderThanWindow_IsRefused()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Map(mapper, 0);
        Map(mapper, SequenceMapper.WindowSize + 10);
        Assert.False(mapper.TryMap(5, out _));
        Assert.True(mapper.TryMap(11, out ushort output)); // exactly WindowSize - 1 behind
        Assert.Equal(12, output);
    }

    [Fact]
    public void HalfSpaceJump_IsTreatedAsOld_AndRefused()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Map(mapper, 0);
        Map(mapper, 1);
        Assert.False(mapper.TryMap(0x8001, out _)); // 0x8000 behind: older, far out of window
        Assert.True(mapper.TryMap(0x7FFF, out ushort output)); // largest forward step is followed
        Assert.Equal((ushort)(1 + 0x7FFF), output);
    }

    [Fact]
    public void Duplicates_MapToTheSameOutput()
    {
        var mapper = new SequenceMapper(firstOutput: 1);
        Assert.Equal(1, Map(mapper, 10));
        Assert.Equal(2, Map(mapper, 11));
        Assert.Equal(2, Map(mapper, 11));
        Assert.Equal(1, Map(mapper, 10));
        Assert.Equal(2, mapper.HighestOutput);
    }

    /// <summary>
    /// Model check: a publisher stream with padding to drop, delivered reordered, duplicated and
    /// lossy across several wraps. The kept outputs must be exactly the in-order numbering of the
    /// inputs that were not removed (lost ones keep a slot, dropped ones do not).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Model_ReorderedLossyStreamWithDrops_OutputsAreGapFreeAndOrdered(int seed)
    {
        var random = new Random(seed);
        const int count = 200_000;
        ushort start = (ushort)random.Next(65536);
        bool[] isPadding = new bool[count];
        for (int i = 0; i < count; i++)
        {
            isPadding[i] = random.Next(10) == 0;
        }

        // Delivery order: a mild shuffle (swaps within 20), 2% lost, 2% duplicated.
        int[] order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        for (int i = 0; i < count - 20; i++)
        {
            if (random.Next(4) == 0)
            {
                int j = i + random.Next(1, 20);
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        var mapper = new SequenceMapper(firstOutput: (ushort)random.Next(65536));
        var removed = new bool[count];
        var outputs = new int[count];
        Array.Fill(outputs, -1);
        int firstSeen = -1;
        foreach (int ext in order)
        {
            if (random.Next(50) == 0)
            {
                continue; // lost
            }

            if (firstSeen < 0)
            {
                firstSeen = ext; // the source starts here: anything older is refused by design
            }

            int repeats = random.Next(50) == 0 ? 2 : 1;
            for (int r = 0; r < repeats; r++)
            {
                ushort input = (ushort)(start + ext);
                if (isPadding[ext] && r == 0 && ext >= firstSeen && mapper.Drop(input))
                {
                    removed[ext] = true;
                    continue;
                }

                bool mapped = mapper.TryMap(input, out ushort output);
                if (mapped != (!removed[ext] && ext >= firstSeen))
                {
                    Assert.Fail($"input {ext}: mapped={mapped}, removed={removed[ext]}");
                }

                if (!mapped)
                {
                    continue;
                }

                if (outputs[ext] != -1 && outputs[ext] != output)
                {
                    Assert.Fail($"duplicate {ext} mapped differently");
                }

                outputs[ext] = output;
            }
        }

        int previous = -1;
        int checkedPairs = 0;
        for (int ext = 0; ext < count; ext++)
        {
            if (outputs[ext] < 0)
            {
                continue;
            }

            if (previous >= 0)
            {
                int kept = 0;
                for (int k = previous + 1; k <= ext; k++)
                {
                    kept += removed[k] ? 0 : 1;
                }

                if ((ushort)(outputs[previous] + kept) != (ushort)outputs[ext])
                {
                    Assert.Fail($"inputs {previous}→{ext}: outputs {outputs[previous]}→{outputs[ext]}, expected +{kept}");
                }

                checkedPairs++;
            }

            previous = ext;
        }

        Assert.True(checkedPairs > count / 2);
        Assert.Contains(true, removed);
    }

    [Fact]
    public void Hostile_RandomCalls_NeverThrow_AndMappingIsStableUntilNextChange()
    {
        var random = new Random(1234);
        var mapper = new SequenceMapper();
        int mapped = 0, refused = 0;
        for (int i = 0; i < 200_000; i++)
        {
            ushort input = (ushort)random.Next(65536);
            switch (random.Next(10))
            {
                case 0:
                    mapper.Switch(input);
                    break;
                case 1:
                case 2:
                    mapper.Drop(input);
                    break;
                default:
                    if (mapper.TryMap(input, out ushort first))
                    {
                        mapped++;
                        Assert.True(mapper.TryMap(input, out ushort again));
                        Assert.Equal(first, again);
                    }
                    else
                    {
                        refused++;
                        Assert.False(mapper.TryMap(input, out _));
                    }

                    break;
            }
        }

        Assert.True(mapped > 0);
        Assert.True(refused > 0);
    }

    [Fact]
    public void HotPath_DoesNotAllocate()
    {
        var mapper = new SequenceMapper();
        ushort seq = 65000;
        for (int i = 0; i < 10_000; i++)
        {
            Run(mapper, ref seq, i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200_000; i++)
        {
            Run(mapper, ref seq, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Run(SequenceMapper mapper, ref ushort seq, int i)
        {
            seq++;
            if (i % 7 == 0)
            {
                mapper.Drop(seq);
            }
            else
            {
                mapper.TryMap(seq, out _);
                mapper.TryMap((ushort)(seq - 30), out _); // late
            }

            if (i % 5000 == 0)
            {
                mapper.Switch((ushort)(seq + 1));
            }
        }
    }
}
