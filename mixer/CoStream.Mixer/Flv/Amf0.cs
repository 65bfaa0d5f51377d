using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace CoStream.Mixer.Flv;

/// <summary>AMF0 type markers (AMF0 specification §2.1).</summary>
public enum Amf0Marker : byte
{
    Number = 0x00,
    Boolean = 0x01,
    String = 0x02,
    Object = 0x03,
    Null = 0x05,
    Undefined = 0x06,
    EcmaArray = 0x08,
    ObjectEnd = 0x09,
    StrictArray = 0x0A,
    Date = 0x0B,
    LongString = 0x0C,
}

/// <summary>Why an AMF0 value was refused.</summary>
public enum Amf0Error
{
    None = 0,
    Truncated,
    UnknownMarker,
    TooDeep,
    TooManyItems,
    MissingObjectEnd,
    BadString,
}

/// <summary>
/// An AMF0 object or ECMA array as read or to be written: ordered name/value pairs. Values are
/// null, bool, double, string, <see cref="Amf0Object"/>, or object?[] (strict array).
/// </summary>
public sealed class Amf0Object : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _items = [];

    /// <summary>True when written/read as an ECMA array (marker 0x08) rather than an anonymous object.</summary>
    public bool IsEcmaArray { get; init; }
    public int Count => _items.Count;

    public void Add(string name, object? value) => _items.Add(new(name, value));

    /// <summary>The first value with this name, or null.</summary>
    public object? this[string name]
    {
        get
        {
            foreach (var kv in _items) if (kv.Key == name) return kv.Value;
            return null;
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// AMF0 encoding (Adobe AMF0 specification) of the values RTMP commands and FLV script tags carry.
/// Writing goes to an <see cref="IBufferWriter{T}"/>; reading is hostile-safe: a bounded depth, counts
/// checked against the remaining bytes before anything is allocated, and an error instead of an exception.
/// </summary>
public static class Amf0
{
    /// <summary>Deepest nesting of objects/arrays accepted by the reader.</summary>
    public const int MaxDepth = 16;

    public static void WriteNumber(IBufferWriter<byte> w, double value)
    {
        var s = w.GetSpan(9);
        s[0] = (byte)Amf0Marker.Number;
        BinaryPrimitives.WriteDoubleBigEndian(s[1..], value);
        w.Advance(9);
    }

    public static void WriteBoolean(IBufferWriter<byte> w, bool value)
    {
        var s = w.GetSpan(2);
        s[0] = (byte)Amf0Marker.Boolean;
        s[1] = value ? (byte)1 : (byte)0;
        w.Advance(2);
    }

    public static void WriteNull(IBufferWriter<byte> w)
    {
        w.GetSpan(1)[0] = (byte)Amf0Marker.Null;
        w.Advance(1);
    }

    /// <summary>A string value (marker 0x02, or 0x0C long string past 65535 UTF-8 bytes).</summary>
    public static void WriteString(IBufferWriter<byte> w, string value)
    {
        var n = Encoding.UTF8.GetByteCount(value);
        if (n <= ushort.MaxValue)
        {
            var s = w.GetSpan(3 + n);
            s[0] = (byte)Amf0Marker.String;
            BinaryPrimitives.WriteUInt16BigEndian(s[1..], (ushort)n);
            Encoding.UTF8.GetBytes(value, s[3..]);
            w.Advance(3 + n);
        }
        else
        {
            var s = w.GetSpan(5 + n);
            s[0] = (byte)Amf0Marker.LongString;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)n);
            Encoding.UTF8.GetBytes(value, s[5..]);
            w.Advance(5 + n);
        }
    }

    /// <summary>An object property name or ECMA-array key: UTF-8 with a 16-bit length, no marker.</summary>
    private static void WriteName(IBufferWriter<byte> w, string name)
    {
        var n = Encoding.UTF8.GetByteCount(name);
        if (n > ushort.MaxValue) throw new ArgumentException("AMF0 property name longer than 65535 bytes", nameof(name));
        var s = w.GetSpan(2 + n);
        BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)n);
        Encoding.UTF8.GetBytes(name, s[2..]);
        w.Advance(2 + n);
    }

    private static void WriteObjectEnd(IBufferWriter<byte> w)
    {
        var s = w.GetSpan(3);
        s[0] = 0; s[1] = 0; s[2] = (byte)Amf0Marker.ObjectEnd;
        w.Advance(3);
    }

    /// <summary>
    /// Any supported value: null, bool, any .NET number, string, enum (as number), <see cref="Amf0Object"/>,
    /// a dictionary or sequence of string-keyed pairs (as object), or another sequence (strict array).
    /// </summary>
    public static void WriteValue(IBufferWriter<byte> w, object? value, int depth = 0)
    {
        if (depth > MaxDepth) throw new ArgumentException($"AMF0 value nested deeper than {MaxDepth}");
        switch (value)
        {
            case null: WriteNull(w); return;
            case bool b: WriteBoolean(w, b); return;
            case string s: WriteString(w, s); return;
            case double d: WriteNumber(w, d); return;
            case float or int or long or short or byte or sbyte or uint or ulong or ushort or decimal:
                WriteNumber(w, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)); return;
            case Enum e: WriteNumber(w, Convert.ToDouble(e, System.Globalization.CultureInfo.InvariantCulture)); return;
            case DateTimeOffset t: WriteNumber(w, t.ToUnixTimeMilliseconds()); return;
            case Amf0Object o: WriteObject(w, o, o.IsEcmaArray, o.Count, depth); return;
            case IEnumerable<KeyValuePair<string, object?>> pairs: WriteObject(w, pairs, false, 0, depth); return;
            case IEnumerable<KeyValuePair<string, string>> strings:
                WriteObject(w, strings.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)), false, 0, depth); return;
            case IEnumerable items:
            {
                var list = items.Cast<object?>().ToList();
                var s = w.GetSpan(5);
                s[0] = (byte)Amf0Marker.StrictArray;
                BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)list.Count);
                w.Advance(5);
                foreach (var item in list) WriteValue(w, item, depth + 1);
                return;
            }
            default: throw new ArgumentException($"no AMF0 encoding for {value.GetType().Name}");
        }
    }

    private static void WriteObject(IBufferWriter<byte> w, IEnumerable<KeyValuePair<string, object?>> pairs, bool ecma, int count, int depth)
    {
        if (ecma)
        {
            var s = w.GetSpan(5);
            s[0] = (byte)Amf0Marker.EcmaArray;
            BinaryPrimitives.WriteUInt32BigEndian(s[1..], (uint)count);
            w.Advance(5);
        }
        else
        {
            w.GetSpan(1)[0] = (byte)Amf0Marker.Object;
            w.Advance(1);
        }
        foreach (var kv in pairs)
        {
            WriteName(w, kv.Key);
            WriteValue(w, kv.Value, depth + 1);
        }
        WriteObjectEnd(w);
    }

    /// <summary>
    /// Reads one AMF0 value. Objects and ECMA arrays come back as <see cref="Amf0Object"/>, strict arrays as
    /// object?[], dates as double (ms), undefined as null. Never throws on malformed input.
    /// </summary>
    public static Amf0Error TryRead(ReadOnlySpan<byte> data, out object? value, out int consumed)
    {
        value = null;
        consumed = 0;
        var e = Read(data, ref consumed, out value, 0);
        if (e != Amf0Error.None) { value = null; consumed = 0; }
        return e;
    }

    /// <summary>Reads values back to back until the span ends (an RTMP command or script tag body).</summary>
    public static Amf0Error TryReadAll(ReadOnlySpan<byte> data, List<object?> values)
    {
        int at = 0;
        while (at < data.Length)
        {
            var e = TryRead(data[at..], out var v, out var n);
            if (e != Amf0Error.None) return e;
            values.Add(v);
            at += n;
        }
        return Amf0Error.None;
    }

    private static Amf0Error Read(ReadOnlySpan<byte> d, ref int at, out object? value, int depth)
    {
        value = null;
        if (depth > MaxDepth) return Amf0Error.TooDeep;
        if (at >= d.Length) return Amf0Error.Truncated;
        var marker = (Amf0Marker)d[at++];
        switch (marker)
        {
            case Amf0Marker.Number:
                if (d.Length - at < 8) return Amf0Error.Truncated;
                value = BinaryPrimitives.ReadDoubleBigEndian(d[at..]);
                at += 8;
                return Amf0Error.None;
            case Amf0Marker.Boolean:
                if (d.Length - at < 1) return Amf0Error.Truncated;
                value = d[at++] != 0;
                return Amf0Error.None;
            case Amf0Marker.String:
            {
                var e = ReadUtf8(d, ref at, 2, out var s);
                value = s;
                return e;
            }
            case Amf0Marker.LongString:
            {
                var e = ReadUtf8(d, ref at, 4, out var s);
                value = s;
                return e;
            }
            case Amf0Marker.Null:
            case Amf0Marker.Undefined:
                return Amf0Error.None;
            case Amf0Marker.Date:
                if (d.Length - at < 10) return Amf0Error.Truncated;
                value = BinaryPrimitives.ReadDoubleBigEndian(d[at..]);
                at += 10; // 8-byte ms + 2-byte (reserved) time zone
                return Amf0Error.None;
            case Amf0Marker.Object:
                return ReadPairs(d, ref at, out value, depth, ecma: false);
            case Amf0Marker.EcmaArray:
                // The count is advisory (encoders get it wrong); the object-end marker is authoritative.
                if (d.Length - at < 4) return Amf0Error.Truncated;
                at += 4;
                return ReadPairs(d, ref at, out value, depth, ecma: true);
            case Amf0Marker.StrictArray:
            {
                if (d.Length - at < 4) return Amf0Error.Truncated;
                var count = BinaryPrimitives.ReadUInt32BigEndian(d[at..]);
                at += 4;
                if (count > (uint)(d.Length - at)) return Amf0Error.TooManyItems; // each item is ≥ 1 byte
                var items = new object?[count];
                for (int i = 0; i < items.Length; i++)
                {
                    var e = Read(d, ref at, out items[i], depth + 1);
                    if (e != Amf0Error.None) return e;
                }
                value = items;
                return Amf0Error.None;
            }
            default:
                return Amf0Error.UnknownMarker;
        }
    }

    private static Amf0Error ReadPairs(ReadOnlySpan<byte> d, ref int at, out object? value, int depth, bool ecma)
    {
        value = null;
        var o = new Amf0Object { IsEcmaArray = ecma };
        while (true)
        {
            if (d.Length - at < 3) return Amf0Error.MissingObjectEnd;
            if (d[at] == 0 && d[at + 1] == 0 && d[at + 2] == (byte)Amf0Marker.ObjectEnd)
            {
                at += 3;
                value = o;
                return Amf0Error.None;
            }
            var e = ReadUtf8(d, ref at, 2, out var name);
            if (e != Amf0Error.None) return e;
            e = Read(d, ref at, out var v, depth + 1);
            if (e != Amf0Error.None) return e;
            o.Add(name!, v);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: false);

    private static Amf0Error ReadUtf8(ReadOnlySpan<byte> d, ref int at, int lengthSize, out string? s)
    {
        s = null;
        if (d.Length - at < lengthSize) return Amf0Error.Truncated;
        var n = lengthSize == 2 ? BinaryPrimitives.ReadUInt16BigEndian(d[at..]) : BinaryPrimitives.ReadUInt32BigEndian(d[at..]);
        at += lengthSize;
        if (n > (uint)(d.Length - at)) return Amf0Error.Truncated;
        s = StrictUtf8.GetString(d.Slice(at, (int)n));
        at += (int)n;
        return Amf0Error.None;
    }
}
