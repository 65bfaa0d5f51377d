using CoStream.Sfu.Streams;

namespace CoStream.Sfu.Tests.Streams;

public sealed class SimulcastLayerSelectorTests
{
    // A typical three-layer publisher: 150 kbps, 500 kbps, 1.5 Mbps.
    private static readonly long[] Layers = [150_000, 500_000, 1_500_000];

    [Fact]
    public void FirstUpdate_PicksHighestLayerThatFits_AndAsksForAKeyFrame()
    {
        var selector = new SimulcastLayerSelector();
        Assert.True(selector.Update(Layers, availableBps: 800_000, nowMs: 0));
        Assert.Equal(1, selector.TargetLayer);
        Assert.Equal(-1, selector.CurrentLayer);
        Assert.True(selector.KeyFrameNeeded);
        Assert.True(selector.TakeKeyFrameRequest());
        Assert.False(selector.TakeKeyFrameRequest());
        Assert.False(selector.ShouldForward(1));

        Assert.False(selector.OnKeyFrame(0)); // not the target
        Assert.True(selector.OnKeyFrame(1));
        Assert.False(selector.OnKeyFrame(1)); // already current
        Assert.Equal(1, selector.CurrentLayer);
        Assert.False(selector.KeyFrameNeeded);
        Assert.True(selector.ShouldForward(1));
    }

    [Fact]
    public void UnknownEstimate_StartsAtTheLowestLayer()
    {
        var selector = new SimulcastLayerSelector();
        Assert.True(selector.Update(Layers, availableBps: 0, nowMs: 0));
        Assert.Equal(0, selector.TargetLayer);
        Assert.False(selector.Update(Layers, availableBps: -5, nowMs: 10_000)); // still unknown: stays
    }

    [Fact]
    public void GoesUp_OnlyAfterTwoSecondsAboveBitrateTimesMargin()
    {
        var selector = new SimulcastLayerSelector(upHoldMs: 2000, upMargin: 1.2);
        selector.Update(Layers, 600_000, 0);
        selector.OnKeyFrame(1);
        selector.TakeKeyFrameRequest();

        Assert.False(selector.Update(Layers, 1_700_000, 1000)); // 1.7M < 1.5M × 1.2 = 1.8M
        Assert.False(selector.Update(Layers, 1_800_000, 2000)); // enough: hold starts
        Assert.False(selector.Update(Layers, 1_900_000, 3000));
        Assert.False(selector.Update(Layers, 1_850_000, 3999));
        Assert.True(selector.Update(Layers, 1_850_000, 4000));
        Assert.Equal(2, selector.TargetLayer);
        Assert.Equal(1, selector.CurrentLayer); // until the key frame of layer 2
        Assert.True(selector.TakeKeyFrameRequest());
        Assert.True(selector.ShouldForward(1));
        Assert.True(selector.OnKeyFrame(2));
        Assert.True(selector.ShouldForward(2));
        Assert.False(selector.ShouldForward(1));
    }

    [Fact]
    public void UpHold_RestartsWhenTheEstimateDipsInBetween()
    {
        var selector = new SimulcastLayerSelector();
        selector.Update(Layers, 600_000, 0);
        Assert.False(selector.Update(Layers, 2_000_000, 1000));
        Assert.False(selector.Update(Layers, 1_000_000, 2500)); // dip: enough for layer 1 only
        Assert.False(selector.Update(Layers, 2_000_000, 3500));
        Assert.False(selector.Update(Layers, 2_000_000, 5499));
        Assert.True(selector.Update(Layers, 2_000_000, 5500));
        Assert.Equal(2, selector.TargetLayer);
    }

    [Fact]
    public void GoesDown_AtOnce_WhenEstimateFallsBelowTargetBitrate()
    {
        var selector = new SimulcastLayerSelector();
        selector.Update(Layers, 5_000_000, 0);
        Assert.Equal(2, selector.TargetLayer);
        selector.OnKeyFrame(2);
        selector.TakeKeyFrameRequest();

        Assert.False(selector.Update(Layers, 1_500_000, 10)); // exactly the bitrate: stays
        Assert.True(selector.Update(Layers, 1_499_999, 20));
        Assert.Equal(1, selector.TargetLayer);
        Assert.True(selector.TakeKeyFrameRequest());
        Assert.True(selector.Update(Layers, 100_000, 30)); // nothing fits: lowest layer
        Assert.Equal(0, selector.TargetLayer);
        Assert.Equal(2, selector.CurrentLayer);
    }

    [Fact]
    public void MaxLayer_CapsTheTarget_AndLoweringItActsAtOnce()
    {
        var selector = new SimulcastLayerSelector();
        selector.MaxLayer = 1;
        selector.Update(Layers, 10_000_000, 0);
        Assert.Equal(1, selector.TargetLayer);
        Assert.False(selector.Update(Layers, 10_000_000, 10_000)); // never above the cap
        selector.MaxLayer = 0;
        Assert.True(selector.Update(Layers, 10_000_000, 10_001));
        Assert.Equal(0, selector.TargetLayer);
    }

    [Fact]
    public void StoppedLayer_IsLeft_AndNeverChosen()
    {
        var selector = new SimulcastLayerSelector();
        selector.Update(Layers, 5_000_000, 0);
        Assert.Equal(2, selector.TargetLayer);
        long[] topStopped = [150_000, 500_000, 0];
        Assert.True(selector.Update(topStopped, 5_000_000, 10));
        Assert.Equal(1, selector.TargetLayer);
        Assert.False(selector.Update(topStopped, 5_000_000, 60_000));

        long[] onlyTop = [0, 0, 1_500_000];
        selector.MaxLayer = 0; // nothing under the cap is sent: show what there is
        Assert.True(selector.Update(onlyTop, 100_000, 60_010));
        Assert.Equal(2, selector.TargetLayer);
    }

    [Fact]
    public void NothingSent_KeepsTheState()
    {
        var selector = new SimulcastLayerSelector();
        Assert.False(selector.Update([0, 0, 0], 1_000_000, 0));
        Assert.False(selector.Update([], 1_000_000, 0));
        Assert.Equal(-1, selector.TargetLayer);
        Assert.False(selector.KeyFrameNeeded);
    }

    [Fact]
    public void BackToCurrentLayer_CancelsTheKeyFrameRequest()
    {
        var selector = new SimulcastLayerSelector(upHoldMs: 0);
        selector.Update(Layers, 5_000_000, 0);
        selector.OnKeyFrame(2);
        selector.TakeKeyFrameRequest();
        selector.Update(Layers, 1_000_000, 10); // down to 1, key frame requested
        selector.Update(Layers, 5_000_000, 20); // back up to 2 before the key frame came
        Assert.Equal(2, selector.TargetLayer);
        Assert.False(selector.KeyFrameNeeded);
        Assert.False(selector.TakeKeyFrameRequest());
    }

    [Fact]
    public void Hostile_RandomInputs_NeverThrow_AndTargetIsASentLayer()
    {
        var random = new Random(11);
        var selector = new SimulcastLayerSelector();
        long[] rates = new long[4];
        long now = 0;
        for (int i = 0; i < 100_000; i++)
        {
            now += random.Next(-100, 500);
            for (int l = 0; l < rates.Length; l++)
            {
                rates[l] = random.Next(4) == 0 ? 0 : random.NextInt64(-1000, 5_000_000);
            }

            if (random.Next(100) == 0)
            {
                selector.MaxLayer = random.Next(-2, 6);
            }

            int length = random.Next(0, rates.Length + 1);
            selector.Update(rates.AsSpan(0, length), random.NextInt64(-1000, 10_000_000), now);
            if (random.Next(5) == 0)
            {
                selector.OnKeyFrame(random.Next(-1, 5));
            }

            Assert.InRange(selector.TargetLayer, -1, rates.Length - 1);
            Assert.True(selector.CurrentLayer == -1 || selector.CurrentLayer <= 3);
        }
    }

    [Fact]
    public void HotPath_DoesNotAllocate()
    {
        var selector = new SimulcastLayerSelector();
        long[] rates = [150_000, 500_000, 1_500_000];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            selector.Update(rates, 400_000 + (i % 100) * 30_000, i * 10L);
            selector.OnKeyFrame(selector.TargetLayer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
