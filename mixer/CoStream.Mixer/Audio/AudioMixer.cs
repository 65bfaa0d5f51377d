namespace CoStream.Mixer.Audio;

/// <summary>
/// Mixes N participants' 48 kHz PCM (20 ms frames from <see cref="Codecs.OpusDecoder"/>) into one stereo
/// stream on the room media clock. Each source writes into its own ring, indexed by absolute sample
/// position (room ms × 48); the mixer reads fixed frames of <see cref="AudioMixerOptions.FrameSize"/>
/// samples once the room clock is <see cref="AudioMixerOptions.JitterMarginMs"/> past their end, so a
/// missing or late source contributes silence and never blocks the mix. Rings are cleared as they are
/// read, so unwritten spans are silence. Per-source gain, then a soft limiter. Allocation-free after a
/// source is added. Not thread-safe: one room's loop calls it.
/// </summary>
public sealed class AudioMixer
{
    public const int SampleRate = 48_000;
    public const int SamplesPerMs = SampleRate / 1000;

    private readonly AudioMixerOptions _options;
    private readonly Dictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly int _ringSamples;
    private long _position = long.MinValue; // next output sample (absolute, room clock × 48)

    public AudioMixer(AudioMixerOptions? options = null)
    {
        _options = options ?? new AudioMixerOptions();
        if (_options.FrameSize is < 64 or > 8192) throw new ArgumentOutOfRangeException(nameof(options), "frame size");
        // Room for the lead, the jitter margin and a frame, rounded up to a power of two.
        _ringSamples = (int)System.Numerics.BitOperations.RoundUpToPowerOf2(
            (uint)((_options.MaxLeadMs + _options.JitterMarginMs) * SamplesPerMs + 2 * _options.FrameSize));
    }

    public int FrameSize => _options.FrameSize;
    /// <summary>Samples dropped because they arrived after their span was mixed.</summary>
    public long LateSamples { get; private set; }
    /// <summary>Samples dropped because they were further ahead of the mix than the ring holds.</summary>
    public long EarlySamples { get; private set; }
    /// <summary>Pushes refused (unknown source, bad channel count).</summary>
    public long Refused { get; private set; }
    public long FramesOut { get; private set; }
    /// <summary>Sample position (room ms × 48) of the next frame, or null before the first push.</summary>
    public long? NextFramePts => _position == long.MinValue ? null : _position;

    /// <summary>Adds (or re-gains) a participant. <paramref name="gain"/> is linear (1 = as is).</summary>
    public void SetSource(string id, float gain = 1f)
    {
        if (_sources.TryGetValue(id, out var s)) s.Gain = gain;
        else _sources[id] = new Source(_ringSamples) { Gain = gain };
    }

    public bool RemoveSource(string id) => _sources.Remove(id);

    /// <summary>
    /// Gives a source's decoded PCM (interleaved 16-bit, mono or stereo) that starts at
    /// <paramref name="startMs"/> on the room media clock. Returns false (counted) when refused.
    /// </summary>
    public bool Push(string id, ReadOnlySpan<short> pcm, int channels, long startMs)
    {
        if (channels is not (1 or 2) || !_sources.TryGetValue(id, out var source) || pcm.Length % channels != 0) { Refused++; return false; }
        var n = pcm.Length / channels;
        long start = startMs * SamplesPerMs;
        if (_position == long.MinValue) _position = start;
        // Join packets whose stamps wander a little (ms rounding, RTP→clock mapping) so the source stays seamless.
        if (source.NextWrite != long.MinValue && Math.Abs(start - source.NextWrite) <= _options.SnapSamples) start = source.NextWrite;
        source.NextWrite = start + n;
        var mask = _ringSamples - 1;
        long limit = _position + _ringSamples - _options.FrameSize;
        for (int i = 0; i < n; i++)
        {
            long at = start + i;
            if (at < _position) { LateSamples++; continue; }
            if (at >= limit) { EarlySamples++; continue; }
            float l, r;
            if (channels == 2) { l = pcm[2 * i] / 32768f; r = pcm[2 * i + 1] / 32768f; }
            else l = r = pcm[i] / 32768f;
            var k = (int)(at & mask);
            source.Left[k] = l;
            source.Right[k] = r;
        }
        return true;
    }

    /// <summary>
    /// Mixes the next frame if the room clock (<paramref name="nowMs"/>) is far enough past its end;
    /// writes <see cref="FrameSize"/> samples per channel and the frame's start in samples (room ms × 48).
    /// </summary>
    public bool TryMixNext(long nowMs, Span<float> left, Span<float> right, out long ptsSamples)
    {
        ptsSamples = 0;
        if (_position == long.MinValue) return false;
        var frame = _options.FrameSize;
        if (left.Length < frame || right.Length < frame) throw new ArgumentException("output spans shorter than a frame");
        if (_position + frame > (nowMs - _options.JitterMarginMs) * SamplesPerMs) return false;
        left = left[..frame];
        right = right[..frame];
        left.Clear();
        right.Clear();
        var mask = _ringSamples - 1;
        var first = (int)(_position & mask);
        foreach (var source in _sources.Values)
        {
            var g = source.Gain;
            for (int i = 0; i < frame; i++)
            {
                var k = (first + i) & mask;
                left[i] += source.Left[k] * g;
                right[i] += source.Right[k] * g;
                source.Left[k] = 0;
                source.Right[k] = 0;
            }
        }
        SoftLimiter.Apply(left, _options.LimiterThreshold);
        SoftLimiter.Apply(right, _options.LimiterThreshold);
        ptsSamples = _position;
        _position += frame;
        FramesOut++;
        return true;
    }

    private sealed class Source(int ringSamples)
    {
        public readonly float[] Left = new float[ringSamples];
        public readonly float[] Right = new float[ringSamples];
        public float Gain = 1f;
        public long NextWrite = long.MinValue;
    }
}

/// <summary>
/// A memoryless soft limiter: linear below the threshold, above it a tanh knee that approaches ±1 and
/// never exceeds it, so summing loud sources bends instead of wrapping or hard-clipping.
/// </summary>
public static class SoftLimiter
{
    public static void Apply(Span<float> samples, float threshold)
    {
        var headroom = 1f - threshold;
        for (int i = 0; i < samples.Length; i++)
        {
            var x = samples[i];
            var a = MathF.Abs(x);
            if (a <= threshold) continue;
            var y = threshold + headroom * MathF.Tanh((a - threshold) / headroom);
            samples[i] = x < 0 ? -y : y;
        }
    }
}
