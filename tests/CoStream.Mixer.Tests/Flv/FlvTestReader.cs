using System.Buffers.Binary;
using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Tests.Flv;

/// <summary>Reads our FLV output back into Annex-B access units (tests): the inverse of FlvMuxer's video path.</summary>
internal static class FlvTestReader
{
    public static List<FlvTagRecord> ReadAll(byte[] file)
    {
        var tags = new List<FlvTagRecord>();
        var reader = new FlvReader();
        Assert.Equal(FlvError.None, reader.Read(file, tags, out _));
        return tags;
    }

    /// <summary>Parameter sets out of an avcC/hvcC record, as Annex-B.</summary>
    public static byte[] ParameterSetsAsAnnexB(ReadOnlySpan<byte> record, bool hevc)
    {
        var output = new List<byte>();
        if (!hevc)
        {
            int at = 5;
            for (int list = 0; list < 2; list++)
            {
                var count = record[at++] & (list == 0 ? 0x1F : 0xFF);
                for (int i = 0; i < count; i++)
                {
                    var n = BinaryPrimitives.ReadUInt16BigEndian(record[at..]);
                    output.AddRange(new byte[] { 0, 0, 0, 1 });
                    output.AddRange(record.Slice(at + 2, n).ToArray());
                    at += 2 + n;
                }
            }
        }
        else
        {
            int arrays = record[22], at = 23;
            for (int a = 0; a < arrays; a++)
            {
                var count = BinaryPrimitives.ReadUInt16BigEndian(record[(at + 1)..]);
                at += 3;
                for (int i = 0; i < count; i++)
                {
                    var n = BinaryPrimitives.ReadUInt16BigEndian(record[at..]);
                    output.AddRange(new byte[] { 0, 0, 0, 1 });
                    output.AddRange(record.Slice(at + 2, n).ToArray());
                    at += 2 + n;
                }
            }
        }
        return output.ToArray();
    }

    /// <summary>4-byte length-prefixed NAL units → Annex-B.</summary>
    public static byte[] LengthPrefixedToAnnexB(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>();
        int at = 0;
        while (at + 4 <= data.Length)
        {
            var n = (int)BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            output.AddRange(new byte[] { 0, 0, 0, 1 });
            output.AddRange(data.Slice(at + 4, n).ToArray());
            at += 4 + n;
        }
        Assert.Equal(data.Length, at);
        return output.ToArray();
    }

    /// <summary>Video tags → Annex-B access units (parameter sets prepended to each keyframe), with their tag info.</summary>
    public static List<(byte[] AnnexB, FlvVideoTagInfo Info, uint Timestamp)> VideoAccessUnits(IEnumerable<FlvTagRecord> tags)
    {
        var units = new List<(byte[], FlvVideoTagInfo, uint)>();
        byte[]? parameterSets = null;
        foreach (var tag in tags.Where(t => t.Type == FlvTagType.Video))
        {
            Assert.Equal(FlvBodyError.None, FlvTagBodies.TryReadVideo(tag.Body, out var info));
            var payload = tag.Body.AsSpan(info.HeaderSize);
            if (info.SequenceHeader) { parameterSets = ParameterSetsAsAnnexB(payload, info.Codec == FlvVideoCodec.Hevc); continue; }
            Assert.NotNull(parameterSets);
            var au = LengthPrefixedToAnnexB(payload);
            units.Add((info.Keyframe ? [.. parameterSets!, .. au] : au, info, tag.Timestamp));
        }
        return units;
    }
}
