using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Codecs;

/// <summary>
/// An in-process Opus decoder over libopus 1.3: packets in, interleaved 16-bit PCM at 48 kHz out.
/// A malformed packet (RFC 6716 §3.4) is refused with a reason and counted; a lost one is concealed
/// with <see cref="DecodeLoss"/>. Not thread-safe.
/// </summary>
public sealed class OpusDecoder : IDisposable
{
    /// <summary>The most samples per channel one packet can carry: 120 ms at 48 kHz.</summary>
    public const int MaxSamplesPerChannel = 5760;

    private readonly OpusDecoderHandle _handle;
    public int Channels { get; }
    public long PacketsIn { get; private set; }
    public long Refused { get; private set; }
    public string? LastRefusal { get; private set; }

    private OpusDecoder(OpusDecoderHandle handle, int channels)
    {
        _handle = handle;
        Channels = channels;
    }

    public static OpusDecoder? TryCreate(int channels, out string? reason)
    {
        if (channels is not (1 or 2)) { reason = $"{channels} channels: Opus here is mono or stereo"; return null; }
        if (!NativeLibraries.TryLoad(NativeLibraries.Opus, out reason)) return null;
        var handle = OpusDecoderHandle.Create(OpusEncoder.SampleRate, channels, out var error);
        if (handle.IsInvalid || error != Opus.Ok) { reason = $"opus_decoder_create: {Opus.ErrorText(error)}"; handle.Dispose(); return null; }
        return new OpusDecoder(handle, channels);
    }

    /// <summary>Decodes one packet into <paramref name="pcm"/> (interleaved); <paramref name="samplesPerChannel"/> says how much was written.</summary>
    public unsafe CodecResult Decode(ReadOnlySpan<byte> packet, Span<short> pcm, out int samplesPerChannel)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        samplesPerChannel = 0;
        PacketsIn++;
        // An empty packet would mean "conceal a loss" to libopus; on the wire it is malformed.
        if (packet.IsEmpty) return Refuse("empty Opus packet");
        if (packet.Length > OpusEncoder.MaxPacketSize * 2) return Refuse($"Opus packet of {packet.Length} bytes is too long");
        fixed (byte* d = packet)
        fixed (short* p = pcm)
        {
            var samples = Opus.opus_packet_get_nb_samples(d, packet.Length, OpusEncoder.SampleRate);
            if (samples < 0) return Refuse($"malformed Opus packet: {Opus.ErrorText(samples)}", samples);
            if (samples > MaxSamplesPerChannel) return Refuse($"Opus packet claims {samples} samples, more than 120 ms");
            if (pcm.Length < samples * Channels) return Refuse($"output buffer holds {pcm.Length / Channels} samples per channel, packet has {samples}");
            var rc = Opus.opus_decode(_handle.DangerousGetHandle(), d, packet.Length, p, pcm.Length / Channels, 0);
            if (rc < 0) return Refuse($"opus_decode: {Opus.ErrorText(rc)}", rc);
            samplesPerChannel = rc;
            return CodecResult.Success;
        }
    }

    /// <summary>Conceals one lost packet of <paramref name="samplesPerChannel"/> (packet loss concealment).</summary>
    public unsafe CodecResult DecodeLoss(int samplesPerChannel, Span<short> pcm, out int written)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        written = 0;
        if (!OpusEncoder.IsFrameSize(samplesPerChannel) || pcm.Length < samplesPerChannel * Channels)
            return CodecResult.Refused($"cannot conceal {samplesPerChannel} samples into a buffer of {pcm.Length}");
        fixed (short* p = pcm)
        {
            var rc = Opus.opus_decode(_handle.DangerousGetHandle(), null, 0, p, samplesPerChannel, 0);
            if (rc < 0) return CodecResult.Refused($"opus_decode(loss): {Opus.ErrorText(rc)}", rc);
            written = rc;
            return CodecResult.Success;
        }
    }

    private CodecResult Refuse(string reason, int code = 0)
    {
        Refused++;
        LastRefusal = reason;
        return CodecResult.Refused(reason, code);
    }

    public void Dispose() => _handle.Dispose();
}
