using CoStream.Mixer.Audio;

namespace CoStream.Mixer.Tests.Audio;

public class AudioMixerAacTests
{
    private const int Rate = 48_000;

    /// <summary>A source that produces 20 ms frames of a sine (interleaved stereo 16-bit), as OpusDecoder would.</summary>
    private sealed class SineSource(double frequency, double amplitude)
    {
        private long _sample;
        public short[] Next()
        {
            var pcm = new short[960 * 2];
            for (int i = 0; i < 960; i++, _sample++)
            {
                var v = (short)Math.Round(amplitude * 32767 * Math.Sin(2 * Math.PI * frequency * _sample / Rate));
                pcm[2 * i] = v;
                pcm[2 * i + 1] = v;
            }
            return pcm;
        }
    }

    /// <summary>Amplitude of one frequency in a block (Goertzel / single-bin DFT, Hann-free over whole cycles).</summary>
    internal static double Amplitude(ReadOnlySpan<float> x, double frequency)
    {
        double re = 0, im = 0;
        for (int n = 0; n < x.Length; n++)
        {
            var w = 2 * Math.PI * frequency * n / Rate;
            re += x[n] * Math.Cos(w);
            im -= x[n] * Math.Sin(w);
        }
        return 2 * Math.Sqrt(re * re + im * im) / x.Length;
    }

    [Fact]
    public void TwoSines_MixedEncodedAndDecoded_BothFrequenciesAtTheirLevels_TimestampsContinuous()
    {
        var mixer = new AudioMixer();
        mixer.SetSource("anchor");
        mixer.SetSource("guest");
        var a = new SineSource(440, 0.3);
        var b = new SineSource(1000, 0.2);
        using var encoder = AacEncoder.TryCreate(128_000, out var reason);
        Assert.True(encoder != null, reason);
        using var decoder = AacDecoder.TryCreate(encoder!.AudioSpecificConfig, out reason);
        Assert.True(decoder != null, reason);

        var left = new float[1024];
        var right = new float[1024];
        var aac = new byte[AacEncoder.MaxFrameBytes];
        var outL = new List<float>();
        var outR = new List<float>();
        var mixPts = new List<long>();
        var aacPts = new List<long>();
        const long t0 = 5_000; // the room clock is already 5 s in
        for (int packet = 0; packet < 150; packet++) // 3 s
        {
            var now = t0 + packet * 20;
            Assert.True(mixer.Push("anchor", a.Next(), 2, now));
            // The guest's stamps wander by a millisecond (clock mapping); the mixer joins them seamlessly.
            Assert.True(mixer.Push("guest", b.Next(), 2, now + (packet % 3 == 1 ? 1 : 0)));
            while (mixer.TryMixNext(now + 20, left, right, out var pts))
            {
                mixPts.Add(pts);
                Assert.True(encoder.Encode(left, right, pts, aac, out var n, out var opts).Ok);
                if (n == 0) continue;
                aacPts.Add(opts);
                Assert.True(decoder!.Decode(aac.AsSpan(0, n), outL, outR).Ok, decoder.LastRefusal);
            }
        }

        Assert.Equal(t0 * 48, mixPts[0]);
        for (int i = 1; i < mixPts.Count; i++) Assert.Equal(mixPts[i - 1] + 1024, mixPts[i]);
        Assert.True(aacPts.Count >= mixPts.Count - 2);
        // The encoder's priming (initial_padding, 1024 samples) shows as output stamps one frame early.
        Assert.Equal(mixPts[0] - 1024, aacPts[0]);
        for (int i = 1; i < aacPts.Count; i++) Assert.Equal(aacPts[i - 1] + 1024, aacPts[i]);
        Assert.Equal(0, mixer.LateSamples);

        // Steady state, well past the encoder's priming: one second of whole cycles of both tones.
        var block = outL.Skip(Rate / 2).Take(Rate).ToArray();
        Assert.Equal(Rate, block.Length);
        Assert.InRange(Amplitude(block, 440), 0.3 * 0.85, 0.3 * 1.15);
        Assert.InRange(Amplitude(block, 1000), 0.2 * 0.85, 0.2 * 1.15);
        Assert.True(Amplitude(block, 700) < 0.01, "no energy between the tones");
        var blockR = outR.Skip(Rate / 2).Take(Rate).ToArray();
        Assert.InRange(Amplitude(blockR, 440), 0.3 * 0.85, 0.3 * 1.15);
    }

    [Fact]
    public void MissingSource_ContributesSilence_AndNeverBlocksTheMix()
    {
        var mixer = new AudioMixer();
        mixer.SetSource("anchor");
        mixer.SetSource("silent-guest"); // never sends
        var a = new SineSource(440, 0.3);
        var left = new float[1024];
        var right = new float[1024];
        int frames = 0;
        for (int packet = 0; packet < 50; packet++)
        {
            var now = packet * 20L;
            if (packet is < 20 or >= 30) Assert.True(mixer.Push("anchor", a.Next(), 2, now)); // the anchor drops out 200 ms
            else a.Next();
            while (mixer.TryMixNext(now + 20, left, right, out _)) frames++;
        }
        // (50 × 20 ms − 60 ms margin) of output, in whole 1024-sample frames: nothing waited for the silent source.
        Assert.Equal((int)((1000 - 60 + 20 - 20) * 48 / 1024), frames);
    }

    [Fact]
    public void LoudSources_AreLimitedBelowFullScale()
    {
        var mixer = new AudioMixer();
        mixer.SetSource("a");
        mixer.SetSource("b", gain: 2f);
        var pcm = new short[960 * 2];
        Array.Fill(pcm, (short)30_000);
        var left = new float[1024];
        var right = new float[1024];
        mixer.Push("a", pcm, 2, 0);
        mixer.Push("b", pcm, 2, 0);
        Assert.True(mixer.TryMixNext(1000, left, right, out _));
        Assert.All(left.Take(960), s => Assert.InRange(s, 0.95f, 1.0f));
        Assert.All(left.Skip(960), s => Assert.Equal(0f, s));
    }

    [Fact]
    public void LatePacket_IsDroppedAndCounted_UnknownSourceRefused()
    {
        var mixer = new AudioMixer();
        mixer.SetSource("a");
        var pcm = new short[960];
        Assert.True(mixer.Push("a", pcm, 1, 0));
        var left = new float[1024];
        var right = new float[1024];
        Assert.True(mixer.TryMixNext(200, left, right, out _));
        Assert.True(mixer.Push("a", pcm, 1, 0)); // its span was already mixed
        Assert.Equal(960, mixer.LateSamples);
        Assert.False(mixer.Push("nobody", pcm, 1, 40));
        Assert.False(mixer.Push("a", pcm, 3, 40));
        Assert.Equal(2, mixer.Refused);
    }
}

public class AacHostileAndAllocationTests
{
    [Fact]
    public void AacDecoder_RandomFrames_AreRefusedOrDecoded_NeverThrow()
    {
        using var encoder = AacEncoder.TryCreate(128_000, out var reason);
        Assert.True(encoder != null, reason);
        using var decoder = AacDecoder.TryCreate(encoder!.AudioSpecificConfig, out reason);
        Assert.True(decoder != null, reason);
        var random = new Random(5);
        var l = new List<float>();
        var r = new List<float>();
        var frame = new byte[2000];
        for (int i = 0; i < 5000; i++)
        {
            var n = random.Next(0, frame.Length);
            random.NextBytes(frame.AsSpan(0, n));
            decoder!.Decode(frame.AsSpan(0, n), l, r);
            l.Clear(); r.Clear();
        }
        Assert.True(decoder!.Refused > 0);
        Assert.Null(AacDecoder.TryCreate([0x11], out reason));
    }

    [Fact]
    public void MixAndEncode_AfterWarmUp_AllocateNothing()
    {
        var mixer = new AudioMixer();
        mixer.SetSource("a");
        mixer.SetSource("b", 0.5f);
        using var encoder = AacEncoder.TryCreate(96_000, out var reason);
        Assert.True(encoder != null, reason);
        var pcm = new short[960 * 2];
        for (int i = 0; i < pcm.Length; i++) pcm[i] = (short)(i * 37);
        var left = new float[1024];
        var right = new float[1024];
        var aac = new byte[AacEncoder.MaxFrameBytes];
        void Step(int packet)
        {
            mixer.Push("a", pcm, 2, packet * 20L);
            mixer.Push("b", pcm, 2, packet * 20L);
            while (mixer.TryMixNext(packet * 20L + 20, left, right, out var pts))
                Assert.True(encoder!.Encode(left, right, pts, aac, out _, out _).Ok);
        }
        for (int p = 0; p < 20; p++) Step(p);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (int p = 20; p < 120; p++) Step(p);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
