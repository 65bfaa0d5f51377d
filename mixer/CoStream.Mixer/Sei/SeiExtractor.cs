namespace CoStream.Mixer.Sei;

/// <summary>
/// Reads CoStream's SEI out of incoming access units (e.g. a relayed or re-ingested stream) and counts
/// what it refused, by reason. Keeps one scratch buffer, grown to the largest access unit seen (up to
/// <see cref="MaxAccessUnit"/>). Not thread-safe.
/// </summary>
public sealed class SeiExtractor(bool hevc, Guid? uuid = null)
{
    public const int MaxAccessUnit = 8 * 1024 * 1024;
    private readonly Guid _uuid = uuid ?? SeiUserDataUnregistered.CoStreamUuid;
    private readonly long[] _refusals = new long[Enum.GetValues<SeiError>().Length];
    private byte[] _scratch = new byte[4096];

    public long Found { get; private set; }
    public long NotFound { get; private set; }
    /// <summary>Access units whose SEI (or framing) was malformed.</summary>
    public long Refused { get; private set; }
    public SeiError LastError { get; private set; }
    public long RefusedFor(SeiError reason) => _refusals[(int)reason];

    /// <summary>
    /// The payload of CoStream's SEI in <paramref name="accessUnit"/>, or an empty span (not there or
    /// refused — see <see cref="LastError"/>). The span stays valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Extract(ReadOnlySpan<byte> accessUnit)
    {
        if (accessUnit.Length > MaxAccessUnit) return Refuse(SeiError.DestinationTooSmall);
        if (_scratch.Length < accessUnit.Length) _scratch = new byte[Math.Max(accessUnit.Length, _scratch.Length * 2)];
        var error = SeiAccessUnit.TryFind(accessUnit, hevc, _uuid, _scratch, out var message);
        LastError = error;
        if (error == SeiError.None) { Found++; return message.Payload; }
        if (error == SeiError.NotFound) { NotFound++; return default; }
        return Refuse(error);
    }

    private ReadOnlySpan<byte> Refuse(SeiError error)
    {
        LastError = error;
        Refused++;
        _refusals[(int)error]++;
        return default;
    }
}
