using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class TimestampMapperTests
{
    [Fact]
    public void FirstSource_KeepsItsTimestamps_ByDefault()
    {
        var mapper = new TimestampMapper(90_000);
        Assert.Equal(123_456u, mapper.Map(123_456, nowUs: 0));
        Assert.Equal(126_456u, mapper.Map(126_456, nowUs: 33_333));
        Assert.Equal(126_456u, mapper.HighestOutput);
    }

    [Fact]
    public void FirstSource_StartsAtGivenOutput()
    {
        var mapper = new TimestampMapper(48_000, firstOutput: 1000);
        Assert.Equal(1000u, mapper.Map(4_000_000_000, 0));
        Assert.Equal(1960u, mapper.Map(4_000_000_960, 20_000));
    }

    [Fact]
    public void Switch_ContinuesFromHighestOutput_PlusElapsedWallClock()
    {
        var mapper = new TimestampMapper(90_000);
        mapper.Map(1_000, nowUs: 1_000_000);
        mapper.Map(4_000, nowUs: 1_033_000); // highest output 4000 seen at 1.033 s
        mapper.Switch(777_777, nowUs: 1_066_000); // 33 ms later → 2970 ticks
        Assert.Equal(4_000u + 2_970u, mapper.Map(777_777, 1_066_000));
        Assert.Equal(4_000u + 2_970u + 3_000u, mapper.Map(780_777, 1_099_000));
    }

    [Fact]
    public void Switch_AtTheSameInstant_StillMovesByMinGap()
    {
        var mapper = new TimestampMapper(90_000, minGapTicks: 3000);
        mapper.Map(50, 10);
        mapper.Switch(9, 10);
        Assert.Equal(3050u, mapper.Map(9, 10));
    }

    [Fact]
    public void Switch_WithClockGoingBackwards_UsesMinGap()
    {
        var mapper = new TimestampMapper(90_000);
        mapper.Map(50, 1_000_000);
        mapper.Switch(9, 0);
        Assert.Equal(51u, mapper.Map(9, 0));
    }

    [Fact]
    public void WrapAround_OfOutputTimestamps()
    {
        var mapper = new TimestampMapper(90_000, firstOutput: uint.MaxValue - 100);
        Assert.Equal(uint.MaxValue - 100, mapper.Map(0, 0));
        Assert.Equal(2899u, mapper.Map(3000, 33_333));
        Assert.Equal(2899u, mapper.HighestOutput);
        Assert.Equal(uint.MaxValue - 100, mapper.Map(0, 40_000)); // a late packet does not lower the highest
        Assert.Equal(2899u, mapper.HighestOutput);
        mapper.Switch(5, 73_333); // 40 ms after the highest was seen = 3600 ticks
        Assert.Equal(2899u + 3600u, mapper.Map(5, 73_333));
    }

    [Fact]
    public void Switch_AfterAnHour_IsClamped_AndDoesNotOverflow()
    {
        var mapper = new TimestampMapper(90_000);
        mapper.Map(0, 0);
        mapper.Switch(0, long.MaxValue);
        Assert.Equal(unchecked((uint)(3_600L * 90_000)), mapper.Map(0, long.MaxValue));
    }

    [Fact]
    public void Constructor_RefusesNonPositiveClockRate()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimestampMapper(0));
    }

    [Fact]
    public void Hostile_RandomCalls_NeverThrow_AndHighestNeverGoesBackwards()
    {
        var random = new Random(42);
        var mapper = new TimestampMapper(90_000);
        long now = 0;
        for (int i = 0; i < 100_000; i++)
        {
            now += random.Next(-1000, 100_000);
            uint input = (uint)random.NextInt64(0, 1L << 32);
            uint before = mapper.HighestOutput;
            bool had = mapper.HasOutput;
            if (random.Next(20) == 0)
            {
                mapper.Switch(input, now);
            }

            mapper.Map(input, now);
            Assert.True(!had || (int)(mapper.HighestOutput - before) >= 0);
        }
    }

    [Fact]
    public void HotPath_DoesNotAllocate()
    {
        var mapper = new TimestampMapper(90_000);
        uint ts = 0;
        long now = 0;
        for (int i = 0; i < 1000; i++)
        {
            mapper.Map(ts += 3000, now += 33_333);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            mapper.Map(ts += 3000, now += 33_333);
            if (i % 1000 == 0)
            {
                mapper.Switch(ts + 12345, now);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
