namespace CoStream.Mixer.Codecs;

/// <summary>
/// One encoded access unit. For H.264/H.265 the bytes are Annex-B (start codes, parameter sets in-band
/// before every keyframe). <see cref="Pts"/> and <see cref="Dts"/> are in the encoder's time base.
/// </summary>
public sealed record EncodedVideoFrame(byte[] Data, long Pts, long Dts, bool IsKeyframe);
