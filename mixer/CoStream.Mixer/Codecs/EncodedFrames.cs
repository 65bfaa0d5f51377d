namespace CoStream.Mixer.Codecs;

/// <summary>
/// The access units one encode call produced, kept in one buffer that is reused from call to call: once it has grown to
/// the largest frame, encoding allocates nothing. Read them before the next <see cref="Clear"/> (the encoder clears it at
/// the start of each call). Not thread-safe.
/// </summary>
public sealed class EncodedFrames
{
    private byte[] _data;
    private readonly List<Unit> _units = new(4);
    private int _used;

    private readonly record struct Unit(int Offset, int Length, long Pts, long Dts, bool Keyframe);

    public EncodedFrames(int initialCapacity = 64 * 1024) => _data = new byte[Math.Max(1024, initialCapacity)];

    public int Count => _units.Count;
    /// <summary>Bytes the buffer can hold before it grows.</summary>
    public int Capacity => _data.Length;
    public ReadOnlySpan<byte> Data(int index) { var u = _units[index]; return _data.AsSpan(u.Offset, u.Length); }
    public long Pts(int index) => _units[index].Pts;
    public long Dts(int index) => _units[index].Dts;
    public bool IsKeyframe(int index) => _units[index].Keyframe;

    public void Clear()
    {
        _units.Clear();
        _used = 0;
    }

    /// <summary>Appends a copy of <paramref name="accessUnit"/>; the buffer doubles when it must.</summary>
    public void Add(ReadOnlySpan<byte> accessUnit, long pts, long dts, bool keyframe)
    {
        if (_used + accessUnit.Length > _data.Length)
        {
            var grown = new byte[Math.Max(_data.Length * 2, _used + accessUnit.Length)];
            _data.AsSpan(0, _used).CopyTo(grown);
            _data = grown;
        }
        accessUnit.CopyTo(_data.AsSpan(_used));
        _units.Add(new Unit(_used, accessUnit.Length, pts, dts, keyframe));
        _used += accessUnit.Length;
    }

    /// <summary>One access unit as its own <see cref="EncodedVideoFrame"/> (a copy: tests, tools).</summary>
    public EncodedVideoFrame ToFrame(int index) => new(Data(index).ToArray(), Pts(index), Dts(index), IsKeyframe(index));
}
