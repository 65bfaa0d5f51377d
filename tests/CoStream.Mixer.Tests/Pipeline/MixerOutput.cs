using System.Text;
using System.Text.Json;
using CoStream.Mixer.Codecs;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Sei;
using CoStream.Mixer.Tests.Flv;

namespace CoStream.Mixer.Tests.Pipeline;

/// <summary>A mixer's FLV output read back for checking: decoded pictures with their timestamps, SEI payloads, event tags.</summary>
internal sealed class MixerOutput
{
    public sealed record Picture(int Index, uint Timestamp, bool Keyframe, I420Frame Frame, string? SeiJson);

    public List<FlvTagRecord> Tags { get; } = [];
    public List<Picture> Pictures { get; } = [];
    public List<(uint Timestamp, Dictionary<string, object?> Payload)> EventTags { get; } = [];
    public List<uint> AudioTimestamps { get; } = [];
    public int DecodeFailures { get; private set; }

    public static MixerOutput Read(byte[] flv, bool hevc)
    {
        var result = new MixerOutput();
        result.Tags.AddRange(FlvTestReader.ReadAll(flv));
        using var decoder = VideoDecoder.TryCreate(hevc ? VideoCodec.Hevc : VideoCodec.H264, out var reason);
        Assert.True(decoder != null, reason);
        var sei = new SeiExtractor(hevc);
        var pictures = new List<I420Frame>();
        var index = 0;
        foreach (var (annexB, info, ts) in FlvTestReader.VideoAccessUnits(result.Tags))
        {
            var payload = sei.Extract(annexB);
            var json = payload.IsEmpty ? null : Encoding.UTF8.GetString(payload);
            pictures.Clear();
            if (!decoder!.Decode(annexB, ts, pictures).Ok || pictures.Count == 0) { result.DecodeFailures++; index++; continue; }
            result.Pictures.Add(new Picture(index++, ts, info.Keyframe, pictures[^1], json));
        }
        foreach (var tag in result.Tags)
        {
            if (tag.Type == FlvTagType.Audio) { if (tag.Body.Length > 1 && tag.Body[1] == 1) result.AudioTimestamps.Add(tag.Timestamp); continue; }
            if (tag.Type != FlvTagType.ScriptData) continue;
            var values = new List<object?>();
            if (Amf0.TryReadAll(tag.Body, values) != Amf0Error.None || values.Count < 2 || values[0] as string != Pipeline.RoomMixerName) continue;
            if (values[1] is IEnumerable<KeyValuePair<string, object?>> pairs) result.EventTags.Add((tag.Timestamp, pairs.ToDictionary(p => p.Key, p => p.Value)));
        }
        return result;
    }

    /// <summary>Mean Y, U, V of a rectangle (shrunk by a margin to stay clear of scaled edges) of a picture.</summary>
    public static (double Y, double U, double V) MeanOf(I420Frame f, int x, int y, int w, int h, int margin = 8)
    {
        x += margin; y += margin; w -= 2 * margin; h -= 2 * margin;
        double sy = 0, su = 0, sv = 0;
        var cy = 0; var cc = 0;
        for (var row = y; row < y + h; row++)
            for (var col = x; col < x + w; col++) { sy += f.Y[row * f.Width + col]; cy++; }
        for (var row = y / 2; row < (y + h) / 2; row++)
            for (var col = x / 2; col < (x + w) / 2; col++) { su += f.U[row * f.ChromaWidth + col]; sv += f.V[row * f.ChromaWidth + col]; cc++; }
        return (sy / cy, su / cc, sv / cc);
    }

    public static long SeqOf(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement[0].GetProperty("seq").GetInt64() : doc.RootElement.GetProperty("seq").GetInt64();
    }

    public static IEnumerable<long> SeqsOf(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind == JsonValueKind.Array)
            return doc.RootElement.EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()).ToList();
        return [doc.RootElement.GetProperty("seq").GetInt64()];
    }
}

/// <summary>Waiting and colour matching shared by the mixer's end-to-end tests.</summary>
internal static class MixerTestKit
{
    /// <summary>Polls <paramref name="condition"/> every 50 ms; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task WaitUntil(Func<bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }

    /// <summary>Whether a region's mean YUV is within <paramref name="tolerance"/> of a colour on every plane.</summary>
    public static bool Near((double Y, double U, double V) got, (byte Y, byte U, byte V) want, double tolerance = 12) =>
        Math.Abs(got.Y - want.Y) < tolerance && Math.Abs(got.U - want.U) < tolerance && Math.Abs(got.V - want.V) < tolerance;

    /// <summary>
    /// A PK output: every picture with a timestamp in [<paramref name="fromTs"/>, <paramref name="toTs"/>) shows
    /// <paramref name="left"/> in its left half and <paramref name="right"/> in its right half (at least
    /// <paramref name="minPictures"/> such pictures).
    /// </summary>
    public static int AssertPkHalves(MixerOutput result, int width, int height, (byte Y, byte U, byte V) left, (byte Y, byte U, byte V) right,
        string what, uint fromTs, uint toTs = uint.MaxValue, int minPictures = 10)
    {
        Assert.Equal(0, result.DecodeFailures);
        var pictures = result.Pictures.Where(p => p.Timestamp >= fromTs && p.Timestamp < toTs).ToList();
        Assert.True(pictures.Count >= minPictures, $"{what}: {pictures.Count} pictures in ts [{fromTs}, {toTs}) (of {result.Pictures.Count})");
        foreach (var picture in pictures)
        foreach (var (x, colour) in new[] { (0, left), (width / 2, right) })
        {
            var mean = MixerOutput.MeanOf(picture.Frame, x + 16, 16, width / 2 - 32, height - 32);
            Assert.True(Near(mean, colour), $"{what}: ts {picture.Timestamp}: half at x={x} is {mean}, expected {colour}");
        }
        return pictures.Count;
    }
}

internal static class Pipeline
{
    public const string RoomMixerName = CoStream.Mixer.Pipeline.RoomMixer.EventTagName;
}
