using System.Buffers;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// A growable byte buffer on <see cref="ArrayPool{T}.Shared"/> that a depacketizer writes one frame
/// into, up to a size limit. <see cref="Detach"/> hands the array to the frame that carries it.
/// </summary>
internal sealed class FrameBuffer(int maxBytes)
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(64 * 1024);

    public int Length { get; private set; }
    public int MaxBytes { get; } = maxBytes;
    public ReadOnlySpan<byte> Written => _array.AsSpan(0, Length);

    public void Clear() => Length = 0;

    /// <summary>Appends; false (nothing written) when the frame would exceed <see cref="MaxBytes"/>.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBytes - Length) return false;
        if (Length + data.Length > _array.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, Length + data.Length));
            _array.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }
        data.CopyTo(_array.AsSpan(Length));
        Length += data.Length;
        return true;
    }

    public bool TryAppend(byte value) => TryAppend([value]);

    /// <summary>Gives away the array holding the frame (the caller returns it to the pool) and starts a fresh one.</summary>
    public byte[] Detach(out int length)
    {
        var array = _array;
        length = Length;
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(64 * 1024, Length));
        Length = 0;
        return array;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        Length = 0;
    }
}
