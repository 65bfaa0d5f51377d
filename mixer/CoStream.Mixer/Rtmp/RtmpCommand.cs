using System.Buffers;
using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Rtmp;

/// <summary>
/// An AMF0 command message (RTMP specification 1.0, §7.1.1 / §7.2): name, transaction id, command object,
/// then arguments. Parsed from a peer's message without throwing.
/// </summary>
public sealed record RtmpCommand(string Name, double TransactionId, IReadOnlyList<object?> Arguments)
{
    /// <summary>The first Amf0Object among the arguments that has a "code" (onStatus / _error info object).</summary>
    public Amf0Object? Info => Arguments.OfType<Amf0Object>().LastOrDefault(o => o["code"] != null);
    public string? Code => Info?["code"] as string;

    public static Amf0Error TryRead(ReadOnlySpan<byte> payload, out RtmpCommand? command)
    {
        command = null;
        var values = new List<object?>();
        var e = Amf0.TryReadAll(payload, values);
        if (e != Amf0Error.None) return e;
        if (values.Count < 2 || values[0] is not string name || values[1] is not double txn) return Amf0Error.UnknownMarker;
        command = new RtmpCommand(name, txn, values.Skip(2).ToArray());
        return Amf0Error.None;
    }

    /// <summary>Writes name, transaction id and values as an AMF0 command payload.</summary>
    public static byte[] Encode(string name, double transactionId, params object?[] values)
    {
        var w = new ArrayBufferWriter<byte>(256);
        Amf0.WriteString(w, name);
        Amf0.WriteNumber(w, transactionId);
        foreach (var v in values) Amf0.WriteValue(w, v);
        return w.WrittenSpan.ToArray();
    }
}
