using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

public class OpusCodecTests
{
    private const int FrameSamples = 960; // 20 ms at 48 kHz

    private static short[] Sine(int channels, int frames, double hz, double amplitude)
    {
        var pcm = new short[frames * FrameSamples * channels];
        for (int i = 0; i < frames * FrameSamples; i++)
            for (int c = 0; c < channels; c++)
                pcm[i * channels + c] = (short)Math.Round(amplitude * Math.Sin(2 * Math.PI * hz * i / 48_000.0));
        return pcm;
    }

    private static short[] RoundTrip(int channels, short[] pcm, OpusDecoder? reuse = null)
    {
        using var encoder = OpusEncoder.TryCreate(channels, 64_000, out var reason);
        Assert.True(encoder != null, reason);
        var decoder = reuse ?? OpusDecoder.TryCreate(channels, out reason);
        Assert.True(decoder != null, reason);
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var decoded = new List<short>();
        var buffer = new short[OpusDecoder.MaxSamplesPerChannel * channels];
        for (int offset = 0; offset < pcm.Length; offset += FrameSamples * channels)
        {
            var r = encoder!.Encode(pcm.AsSpan(offset, FrameSamples * channels), packet, out var written);
            Assert.True(r.Ok, r.Reason);
            Assert.InRange(written, 1, OpusEncoder.MaxPacketSize);
            r = decoder!.Decode(packet.AsSpan(0, written), buffer, out var samples);
            Assert.True(r.Ok, r.Reason);
            Assert.Equal(FrameSamples, samples);
            decoded.AddRange(buffer.AsSpan(0, samples * channels).ToArray());
        }
        if (reuse == null) decoder!.Dispose();
        return decoded.ToArray();
    }

    private static (int crossings, double rms) Measure(short[] pcm, int channels, int channel, int skipSamples)
    {
        int crossings = 0; double sum = 0; int n = 0;
        short previous = pcm[skipSamples * channels + channel];
        for (int i = skipSamples + 1; i < pcm.Length / channels; i++)
        {
            var s = pcm[i * channels + channel];
            if ((previous < 0) != (s < 0)) crossings++;
            previous = s;
            sum += (double)s * s; n++;
        }
        return (crossings, Math.Sqrt(sum / n));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void OneKilohertzSine_KeepsItsFrequencyAndLevel(int channels)
    {
        const double amplitude = 10_000;
        var decoded = RoundTrip(channels, Sine(channels, frames: 50, hz: 1000, amplitude));
        const int skip = 4800; // 100 ms: the encoder's lookahead and the decoder's warm-up
        for (int c = 0; c < channels; c++)
        {
            var (crossings, rms) = Measure(decoded, channels, c, skip);
            var seconds = (decoded.Length / channels - skip) / 48_000.0;
            var expected = 2 * 1000 * seconds; // two zero crossings per cycle
            Assert.InRange(crossings, expected * 0.98, expected * 1.02);
            var expectedRms = amplitude / Math.Sqrt(2);
            Assert.InRange(20 * Math.Log10(rms / expectedRms), -1.0, 1.0); // within 1 dB
        }
    }

    public static TheoryData<string, byte[]> MalformedPackets => new()
    {
        { "empty (would mean 'conceal a loss')", [] },
        { "code 3, zero frames (RFC 6716 §3.2.5)", [0x03, 0x00] },
        { "code 3, 63 × 20 ms frames > 120 ms", [0xFB, 0x3F] },
        { "code 2, first frame longer than the packet", [0x02, 0xFB, 0x01] },
        { "code 3 CBR, bytes not divisible by the frame count", [0x03, 0x03, 0x01, 0x02] },
    };

    [Theory]
    [MemberData(nameof(MalformedPackets))]
    public void MalformedPacket_IsRefusedWithAReason(string name, byte[] packet)
    {
        using var decoder = OpusDecoder.TryCreate(2, out _)!;
        var result = decoder.Decode(packet, new short[OpusDecoder.MaxSamplesPerChannel * 2], out var samples);
        Assert.False(result.Ok, name);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.Equal(0, samples);
        Assert.Equal(1, decoder.Refused);
    }

    [Fact]
    public void TenThousandRandomPackets_NeverCrash_AndTheDecoderStillWorks()
    {
        using var decoder = OpusDecoder.TryCreate(2, out _)!;
        var random = new Random(6716);
        var pcm = new short[OpusDecoder.MaxSamplesPerChannel * 2];
        int refused = 0;
        for (int n = 0; n < 10_000; n++)
        {
            var packet = new byte[random.Next(0, 1500)];
            random.NextBytes(packet);
            var result = decoder.Decode(packet, pcm, out var samples);
            if (result.Ok) Assert.InRange(samples, 120, OpusDecoder.MaxSamplesPerChannel);
            else { refused++; Assert.False(string.IsNullOrWhiteSpace(result.Reason)); }
        }
        Assert.Equal(refused, decoder.Refused);
        Assert.True(refused > 0);

        var decoded = RoundTrip(2, Sine(2, 50, 1000, 10_000), reuse: decoder);
        var (crossings, _) = Measure(decoded, 2, 0, 4800);
        Assert.InRange(crossings, 2 * 1000 * 0.9 * 0.98, 2 * 1000 * 0.9 * 1.02);
    }

    [Fact]
    public void WrongFrameSizesAndChannelCounts_AreRefused()
    {
        Assert.Null(OpusEncoder.TryCreate(3, 64_000, out var reason));
        Assert.Contains("channels", reason);
        using var encoder = OpusEncoder.TryCreate(2, 64_000, out _)!;
        Assert.False(encoder.Encode(new short[1001], new byte[1500], out _).Ok); // odd for stereo
        Assert.False(encoder.Encode(new short[2 * 1000], new byte[1500], out _).Ok); // not an Opus duration
        using var decoder = OpusDecoder.TryCreate(2, out _)!;
        var conceal = decoder.DecodeLoss(960, new short[1920], out var written);
        Assert.True(conceal.Ok, conceal.Reason);
        Assert.Equal(960, written);
    }
}
