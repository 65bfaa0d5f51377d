using CoStream.Mixer.Codecs.Native;

namespace CoStream.Mixer.Codecs;

/// <summary>
/// An in-process Opus encoder over libopus 1.3: interleaved 16-bit PCM at 48 kHz, mono or stereo, in
/// frames of 2.5–60 ms (20 ms = 960 samples per channel is the WebRTC norm). Not thread-safe.
/// </summary>
public sealed class OpusEncoder : IDisposable
{
    public const int SampleRate = 48_000;
    /// <summary>The largest Opus packet the encoder is asked to produce (RFC 6716 §3.4 bounds a frame at 1275 bytes).</summary>
    public const int MaxPacketSize = 1275 * 3 + 7;

    private readonly OpusEncoderHandle _handle;
    public int Channels { get; }

    private OpusEncoder(OpusEncoderHandle handle, int channels)
    {
        _handle = handle;
        Channels = channels;
    }

    /// <summary>Creates an encoder, or returns null with the reason.</summary>
    public static OpusEncoder? TryCreate(int channels, int bitrateBitsPerSecond, out string? reason, bool voice = false)
    {
        if (channels is not (1 or 2)) { reason = $"{channels} channels: Opus here is mono or stereo"; return null; }
        if (bitrateBitsPerSecond is < 6_000 or > 510_000) { reason = $"bitrate {bitrateBitsPerSecond} outside 6–510 kbps"; return null; }
        if (!NativeLibraries.TryLoad(NativeLibraries.Opus, out reason)) return null;
        var handle = OpusEncoderHandle.Create(SampleRate, channels, voice ? Opus.ApplicationVoip : Opus.ApplicationAudio, out var error);
        if (handle.IsInvalid || error != Opus.Ok) { reason = $"opus_encoder_create: {Opus.ErrorText(error)}"; handle.Dispose(); return null; }
        var rc = Opus.opus_encoder_ctl(handle.DangerousGetHandle(), Opus.SetBitrateRequest, bitrateBitsPerSecond);
        if (rc != Opus.Ok) { reason = $"OPUS_SET_BITRATE: {Opus.ErrorText(rc)}"; handle.Dispose(); return null; }
        return new OpusEncoder(handle, channels);
    }

    /// <summary>Whether <paramref name="samplesPerChannel"/> is an Opus frame duration at 48 kHz (2.5, 5, 10, 20, 40, 60 ms).</summary>
    public static bool IsFrameSize(int samplesPerChannel) => samplesPerChannel is 120 or 240 or 480 or 960 or 1920 or 2880;

    /// <summary>Encodes one frame of interleaved PCM into <paramref name="packet"/>.</summary>
    public unsafe CodecResult Encode(ReadOnlySpan<short> pcm, Span<byte> packet, out int written)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        written = 0;
        if (pcm.Length % Channels != 0 || !IsFrameSize(pcm.Length / Channels))
            return CodecResult.Refused($"{pcm.Length} samples is not one Opus frame of {Channels} channel(s) at 48 kHz");
        if (packet.Length < 2) return CodecResult.Refused("output buffer too small");
        fixed (short* p = pcm)
        fixed (byte* d = packet)
        {
            var rc = Opus.opus_encode(_handle.DangerousGetHandle(), p, pcm.Length / Channels, d, Math.Min(packet.Length, MaxPacketSize));
            if (rc < 0) return CodecResult.Refused($"opus_encode: {Opus.ErrorText(rc)}", rc);
            written = rc;
            return CodecResult.Success;
        }
    }

    public void Dispose() => _handle.Dispose();
}
