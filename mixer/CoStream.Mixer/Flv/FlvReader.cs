namespace CoStream.Mixer.Flv;

/// <summary>A tag copied out of an FLV stream (tests, tools).</summary>
public sealed record FlvTagRecord(FlvTagType Type, uint Timestamp, byte[] Body);

/// <summary>
/// Reads a whole FLV byte stream into tags, counting what it refuses. Used by tests and by tools that read
/// back recordings; hostile bytes stop the read with a reason, never an exception.
/// </summary>
public sealed class FlvReader
{
    public long TagsRead { get; private set; }
    public long Refused { get; private set; }
    public FlvError LastError { get; private set; }

    /// <summary>Reads the header then tags until the bytes end; returns None or why it stopped early.</summary>
    public FlvError Read(ReadOnlySpan<byte> data, List<FlvTagRecord> tags, out byte flags)
    {
        var e = FlvFormat.TryReadFileHeader(data, out flags, out var at);
        if (e != FlvError.None) return Refuse(e);
        while (at < data.Length)
        {
            e = FlvFormat.TryReadTag(data[at..], out var tag, out var n);
            if (e != FlvError.None) return Refuse(e);
            tags.Add(new FlvTagRecord(tag.Type, tag.Timestamp, tag.Body.ToArray()));
            TagsRead++;
            at += n;
        }
        return FlvError.None;
    }

    private FlvError Refuse(FlvError e)
    {
        Refused++;
        LastError = e;
        return e;
    }
}
