using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Tests.Flv;

/// <summary>Random, truncated and bit-flipped bytes into the AMF0 and FLV readers: refused and counted, never thrown.</summary>
public class FlvHostileInputTests
{
    private const int Cases = 100_000;

    private static byte[] ValidFlv()
    {
        using var ms = new MemoryStream();
        var w = new FlvFileWriter(ms, leaveOpen: true);
        w.WriteMetadata(MediaTools.Metadata(hevc: false, [0x11, 0x90]));
        w.WriteScriptData("onCoStreamEvent", new Dictionary<string, object?> { ["kind"] = "gift", ["n"] = 3, ["list"] = new object?[] { 1, "a", null } }, 5);
        w.WriteAudio([1, 2, 3, 4], 10);
        return ms.ToArray();
    }

    [Fact]
    public void Amf0Reader_RandomAndMutatedInput_NeverThrows()
    {
        var rng = new Random(4201);
        var valid = ValidFlv()[(FlvFormat.FileHeaderSize + FlvFormat.TagHeaderSize)..];
        int refused = 0;
        var values = new List<object?>();
        for (int i = 0; i < Cases; i++)
        {
            var input = Mutate(rng, valid, i);
            values.Clear();
            if (Amf0.TryReadAll(input, values) != Amf0Error.None) refused++;
        }
        Assert.InRange(refused, Cases / 4, Cases); // most mutations are caught; none threw
    }

    [Fact]
    public void FlvReader_RandomTruncatedAndMutatedInput_IsRefusedAndCounted()
    {
        var rng = new Random(4202);
        var valid = ValidFlv();
        var reader = new FlvReader();
        long refusedReturns = 0;
        for (int i = 0; i < Cases; i++)
        {
            var tags = new List<FlvTagRecord>();
            if (reader.Read(Mutate(rng, valid, i), tags, out _) != FlvError.None) refusedReturns++;
            foreach (var t in tags.Where(t => t.Type == FlvTagType.Video)) FlvTagBodies.TryReadVideo(t.Body, out _);
        }
        Assert.Equal(refusedReturns, reader.Refused);
        Assert.InRange(reader.Refused, Cases / 4, Cases);
        // Every truncation of a valid file is refused as Truncated.
        for (int cut = 1; cut < valid.Length; cut++)
        {
            if (cut == FlvFormat.FileHeaderSize) continue; // a header alone is a valid (empty) stream
            var r = new FlvReader();
            var e = r.Read(valid.AsSpan(0, cut), [], out _);
            if (e == FlvError.None) Assert.Contains(cut, TagBoundaries(valid));
            else Assert.Equal(FlvError.Truncated, e);
        }
    }

    private static List<int> TagBoundaries(byte[] flv)
    {
        var list = new List<int>();
        FlvFormat.TryReadFileHeader(flv, out _, out var at);
        while (FlvFormat.TryReadTag(flv.AsSpan(at), out _, out var n) == FlvError.None) { at += n; list.Add(at); }
        return list;
    }

    /// <summary>Case i: random bytes, a truncation, or bit flips / byte overwrites of the valid input.</summary>
    internal static byte[] Mutate(Random rng, byte[] valid, int i)
    {
        switch (i % 4)
        {
            case 0:
            {
                var b = new byte[rng.Next(0, 256)];
                rng.NextBytes(b);
                return b;
            }
            case 1:
                return valid[..rng.Next(0, valid.Length)];
            default:
            {
                var b = (byte[])valid.Clone();
                for (int k = rng.Next(1, 5); k > 0; k--)
                {
                    var at = rng.Next(b.Length);
                    if (i % 4 == 2) b[at] ^= (byte)(1 << rng.Next(8));
                    else b[at] = (byte)rng.Next(256);
                }
                return b;
            }
        }
    }
}
