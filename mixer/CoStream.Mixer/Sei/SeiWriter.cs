using System.Text;

namespace CoStream.Mixer.Sei;

/// <summary>
/// Stamps CoStream's timed metadata (UTF-8 JSON) into encoded access units as a user_data_unregistered
/// SEI with <see cref="SeiUserDataUnregistered.CoStreamUuid"/>. Reuses its buffers; the returned span is
/// valid until the next call. Not thread-safe; one per output stream.
/// </summary>
public sealed class SeiWriter(bool hevc)
{
    private byte[] _json = new byte[1024];
    private byte[] _nal = new byte[2048];
    private byte[] _out = new byte[64 * 1024];

    public bool Hevc => hevc;

    /// <summary>Builds just the SEI NAL unit (no start code) carrying <paramref name="json"/>.</summary>
    public ReadOnlySpan<byte> BuildNal(string json)
    {
        var count = Encoding.UTF8.GetByteCount(json);
        if (count > SeiUserDataUnregistered.MaxPayloadSize) throw new ArgumentOutOfRangeException(nameof(json), $"{count} bytes of JSON");
        if (_json.Length < count) _json = new byte[count * 2];
        var n = Encoding.UTF8.GetBytes(json, _json);
        return BuildNal(_json.AsSpan(0, n));
    }

    /// <summary>Builds the SEI NAL unit (no start code) carrying <paramref name="payload"/>.</summary>
    public ReadOnlySpan<byte> BuildNal(ReadOnlySpan<byte> payload)
    {
        var max = SeiUserDataUnregistered.GetMaxSize(payload.Length, hevc);
        if (_nal.Length < max) _nal = new byte[max * 2];
        var n = new SeiUserDataUnregistered(SeiUserDataUnregistered.CoStreamUuid, payload).WriteTo(_nal, hevc);
        return _nal.AsSpan(0, n);
    }

    /// <summary>The access unit with the SEI inserted before its first slice, or the refusal reason (the unit is then unchanged).</summary>
    public SeiError Insert(ReadOnlySpan<byte> accessUnit, string json, out ReadOnlySpan<byte> result)
    {
        var nal = BuildNal(json);
        var need = accessUnit.Length + nal.Length + 4;
        if (_out.Length < need) _out = new byte[need * 2];
        var error = SeiAccessUnit.TryInsert(accessUnit, hevc, nal, _out, out var written);
        result = error == SeiError.None ? _out.AsSpan(0, written) : accessUnit;
        return error;
    }
}
