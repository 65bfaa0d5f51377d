namespace CoStream.Mixer.Codecs;

/// <summary>
/// Outcome of a codec call: success, or a refusal with the library's reason (av_strerror / opus_strerror
/// text, or the binding's own check). Codec calls never throw on bad input.
/// </summary>
public readonly record struct CodecResult(bool Ok, string? Reason, int NativeCode = 0)
{
    public static CodecResult Success => new(true, null);
    public static CodecResult Refused(string reason, int nativeCode = 0) => new(false, reason, nativeCode);
    public override string ToString() => Ok ? "ok" : $"refused: {Reason}";
}
