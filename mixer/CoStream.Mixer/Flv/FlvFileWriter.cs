using System.Buffers;

namespace CoStream.Mixer.Flv;

/// <summary>
/// An <see cref="IFlvSink"/> writing a complete FLV file to a <see cref="Stream"/> (tests, recordings):
/// the file header before the first tag, then every tag with its PreviousTagSize.
/// </summary>
public sealed class FlvFileWriter : IFlvSink, IFlvTagConsumer
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly FlvMuxer _muxer;
    private bool _headerWritten;

    public FlvFileWriter(Stream stream, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _muxer = new FlvMuxer(this);
    }

    public FlvMuxer Muxer => _muxer;
    public long BytesWritten { get; private set; }

    public void WriteMetadata(FlvMetadata metadata) => _muxer.WriteMetadata(metadata, _muxer.LastTimestamp);
    public void WriteVideo(ReadOnlySpan<byte> accessUnit, long dtsMs, long ptsMs, bool keyframe) => _muxer.WriteVideo(accessUnit, dtsMs, ptsMs, keyframe);
    public void WriteAudio(ReadOnlySpan<byte> rawAacFrame, long ptsMs) => _muxer.WriteAudio(rawAacFrame, ptsMs);
    public void WriteScriptData(string name, object? payload, long timestampMs) => _muxer.WriteScriptData(name, payload, timestampMs);

    void IFlvTagConsumer.OnTag(FlvTagKind kind, FlvTagType type, uint timestamp, ReadOnlySpan<byte> body)
    {
        if (!_headerWritten)
        {
            Span<byte> header = stackalloc byte[FlvFormat.FileHeaderSize];
            FlvFormat.WriteFileHeader(header, audio: _muxer.Metadata?.HasAudio ?? false, video: true);
            _stream.Write(header);
            BytesWritten += header.Length;
            _headerWritten = true;
        }
        var size = FlvFormat.GetTagSize(body.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        FlvFormat.WriteTag(buffer, type, timestamp, body);
        _stream.Write(buffer, 0, size);
        ArrayPool<byte>.Shared.Return(buffer);
        BytesWritten += size;
    }

    public void Close()
    {
        _stream.Flush();
        if (!_leaveOpen) _stream.Dispose();
    }
}
