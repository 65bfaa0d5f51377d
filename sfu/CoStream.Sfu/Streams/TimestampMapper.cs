namespace CoStream.Sfu.Streams;

/// <summary>
/// Maps a source's RTP timestamps to the timestamps one subscriber sees, keeping them continuous
/// when the SFU switches sources (simulcast layers use independent random timestamp bases).
/// </summary>
/// <remarks>
/// <para>Output is <c>input + offset</c> modulo 2^32. The mapper remembers the highest output
/// timestamp handed out and the wall-clock time (µs) at which it first did so.</para>
/// <para><see cref="Switch"/> picks a new offset so the new source's first timestamp lands at
/// <c>highest output + max(minGapTicks, elapsed µs × clockRate / 10^6)</c>: the output clock keeps
/// running at the media clock rate while the switch happens, and the first frame of the new source
/// always gets a timestamp different from the last frame of the old one (otherwise the receiver
/// would glue the two frames together). Elapsed time is clamped to one hour so a hostile or stale
/// clock cannot overflow the arithmetic.</para>
/// <para>Like <see cref="SequenceMapper"/>, the mapper knows numbers only; the caller passes
/// packets of the current source only.</para>
/// </remarks>
public sealed class TimestampMapper
{
    private const long MaxElapsedUs = 3_600_000_000;

    private readonly int _clockRate;
    private readonly uint _minGapTicks;
    private readonly uint _firstOutput;
    private readonly bool _hasFirstOutput;
    private bool _switchPending = true;
    private uint _offset;
    private long _highestOutputAtUs;

    /// <summary>
    /// Creates a mapper for a media clock of <paramref name="clockRate"/> Hz (90,000 for video,
    /// 48,000 for Opus). When <paramref name="firstOutput"/> is given, the first source's first
    /// timestamp maps to it; otherwise the first source keeps its own timestamps.
    /// </summary>
    public TimestampMapper(int clockRate, uint minGapTicks = 1, uint? firstOutput = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        _clockRate = clockRate;
        _minGapTicks = Math.Max(1u, minGapTicks);
        _hasFirstOutput = firstOutput.HasValue;
        _firstOutput = firstOutput.GetValueOrDefault();
    }

    /// <summary>The media clock rate in Hz.</summary>
    public int ClockRate => _clockRate;

    /// <summary>True once a timestamp has been mapped.</summary>
    public bool HasOutput { get; private set; }

    /// <summary>The highest (in 32-bit serial order) output timestamp handed out so far.</summary>
    public uint HighestOutput { get; private set; }

    /// <summary>The current offset added to input timestamps.</summary>
    public uint Offset => _offset;

    /// <summary>Maps an input timestamp of the current source; <paramref name="nowUs"/> is the wall clock in µs.</summary>
    public uint Map(uint input, long nowUs)
    {
        if (_switchPending)
        {
            Switch(input, nowUs);
        }

        uint output = input + _offset;
        if (!HasOutput || (int)(output - HighestOutput) > 0)
        {
            HighestOutput = output;
            _highestOutputAtUs = nowUs;
            HasOutput = true;
        }

        return output;
    }

    /// <summary>
    /// Starts a new source whose first packet carries <paramref name="firstInputOfNewSource"/>: it
    /// will map to the highest output so far plus the wall-clock time elapsed since then (in media
    /// clock ticks), at least <c>minGapTicks</c> later.
    /// </summary>
    public void Switch(uint firstInputOfNewSource, long nowUs)
    {
        _switchPending = false;
        uint target;
        if (HasOutput)
        {
            long elapsedUs = Math.Clamp(nowUs - _highestOutputAtUs, 0, MaxElapsedUs);
            long ticks = Math.Min(elapsedUs * _clockRate / 1_000_000, int.MaxValue);
            uint gap = (uint)Math.Max(_minGapTicks, ticks);
            target = HighestOutput + gap;
        }
        else
        {
            target = _hasFirstOutput ? _firstOutput : firstInputOfNewSource;
        }

        _offset = target - firstInputOfNewSource;
    }
}
