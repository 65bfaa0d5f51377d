using System.Buffers;
using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// One video frame of one participant, reassembled from RTP: an Annex-B access unit (H.264) or a VP8
/// frame, in a pooled array — Dispose it when done (once). <see cref="MediaTimeMs"/> is on the room
/// media clock (see <see cref="TrackClock"/>); width and height come from the frame's SPS (H.264) or key frame header (VP8), 0 when it has none.
/// </summary>
public sealed class IngestedVideoFrame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _length;

    internal IngestedVideoFrame(string participant, string trackId, VideoCodec codec, byte[] pooledBuffer, int length,
        bool isKeyFrame, long mediaTimeMs, uint rtpTimestamp, int width, int height)
    {
        Participant = participant;
        TrackId = trackId;
        Codec = codec;
        _buffer = pooledBuffer;
        _length = length;
        IsKeyFrame = isKeyFrame;
        MediaTimeMs = mediaTimeMs;
        RtpTimestamp = rtpTimestamp;
        Width = width;
        Height = height;
    }

    public string Participant { get; }
    /// <summary>The SFU producer id the frame came from.</summary>
    public string TrackId { get; }
    public VideoCodec Codec { get; }
    public ReadOnlyMemory<byte> Data => _buffer is { } b ? b.AsMemory(0, _length) : throw new ObjectDisposedException(nameof(IngestedVideoFrame));
    public bool IsKeyFrame { get; }
    public long MediaTimeMs { get; }
    public uint RtpTimestamp { get; }
    public int Width { get; }
    public int Height { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b) ArrayPool<byte>.Shared.Return(b);
    }
}

/// <summary>
/// One Opus packet of one participant (RFC 7587: one RTP payload = one Opus packet), in a pooled array —
/// Dispose it when done. <see cref="MediaTimeMs"/> is on the room media clock.
/// </summary>
public sealed class IngestedAudioFrame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _offset;
    private readonly int _length;

    internal IngestedAudioFrame(string participant, string trackId, byte[] pooledBuffer, int offset, int length, long mediaTimeMs, uint rtpTimestamp)
    {
        Participant = participant;
        TrackId = trackId;
        _buffer = pooledBuffer;
        _offset = offset;
        _length = length;
        MediaTimeMs = mediaTimeMs;
        RtpTimestamp = rtpTimestamp;
    }

    public string Participant { get; }
    public string TrackId { get; }
    public ReadOnlyMemory<byte> Payload => _buffer is { } b ? b.AsMemory(_offset, _length) : throw new ObjectDisposedException(nameof(IngestedAudioFrame));
    public long MediaTimeMs { get; }
    /// <summary>RTP timestamp at 48 kHz (RFC 7587 §4.1).</summary>
    public uint RtpTimestamp { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b) ArrayPool<byte>.Shared.Return(b);
    }
}
