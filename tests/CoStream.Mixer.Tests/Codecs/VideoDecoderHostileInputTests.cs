using CoStream.Mixer.Codecs;
using Xunit.Abstractions;

namespace CoStream.Mixer.Tests.Codecs;

public class VideoDecoderHostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public void TenThousandDamagedAccessUnits_AreRefusedWithAReasonAndCounted_ThenTheDecoderStillWorks()
    {
        var stream = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(gop: 10), 30);
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason)!;
        Assert.NotNull(decoder);
        var random = new Random(4);
        var pictures = new List<I420Frame>();
        int refused = 0, noStartCode = 0, noStartCodeRefused = 0, truncated = 0, truncatedRefused = 0, pictured = 0;

        for (int n = 0; n < 10_000; n++)
        {
            byte[] input;
            var kind = n % 4;
            var source = stream[random.Next(stream.Count)].Data;
            switch (kind)
            {
                case 0: // random bytes, no start code (first byte nonzero)
                    input = new byte[random.Next(1, 2000)];
                    random.NextBytes(input);
                    input[0] |= 1;
                    break;
                case 1: // random bytes behind a start code
                    input = new byte[random.Next(4, 2000)];
                    random.NextBytes(input);
                    input[0] = 0; input[1] = 0; input[2] = 1;
                    break;
                case 2: // a real access unit cut short
                    input = source[..random.Next(0, source.Length)];
                    break;
                default: // a real access unit with bytes overwritten past the first NAL header
                    input = (byte[])source.Clone();
                    for (int k = 0; k < 1 + random.Next(8); k++)
                        input[random.Next(5, input.Length)] = (byte)random.Next(256);
                    break;
            }

            pictures.Clear();
            var result = decoder.Decode(input, n, pictures);
            if (!result.Ok)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(result.Reason));
            }
            // Random bytes behind a start code can be a valid SPS of any size, so a picture from damaged input
            // may have another size — but never more than max_pixels, and always a consistent buffer.
            foreach (var p in pictures)
            {
                Assert.InRange((long)p.Width * p.Height, 1, VideoDecoder.DefaultMaxPixels);
                Assert.Equal(I420Frame.GetSize(p.Width, p.Height), p.Buffer.Length);
                pictured++;
            }
            if (kind == 0) { noStartCode++; if (!result.Ok) noStartCodeRefused++; }
            if (kind == 2) { truncated++; if (!result.Ok) truncatedRefused++; }
        }

        output.WriteLine($"refused {refused} of 10000 (no start code {noStartCodeRefused}/{noStartCode}, " +
                         $"truncated {truncatedRefused}/{truncated}); {pictured} pictures from damaged input; last: {decoder.LastRefusal}");
        Assert.Equal(refused, decoder.Refused);
        Assert.Equal(noStartCode, noStartCodeRefused);
        Assert.True(truncatedRefused > 0, "a truncated slice is refused (err_detect=explode), not concealed");

        // The decoder keeps working, without a reset: the real stream, from its keyframe, decodes to the right
        // colours. (Pictures the damaged input left buffered may come out first; they carry the fuzz pts.)
        const long offset = 1_000_000;
        pictures.Clear();
        foreach (var p in stream)
            Assert.True(decoder.Decode(p.Data, offset + p.Pts, pictures).Ok, decoder.LastRefusal);
        Assert.True(decoder.Flush(pictures).Ok);
        var real = pictures.Where(p => p.Pts >= offset).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => offset + i), real.Select(p => p.Pts));
        foreach (var picture in real)
        {
            var y = Colours.ForFrame(picture.Pts - offset).Y;
            Assert.InRange(picture.MeanOf(0), y - 4, y + 4);
        }
    }

    [Fact]
    public void PictureLargerThanMaxPixels_IsRefusedWithAReason()
    {
        var stream = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), 1); // 320x240 = 76,800 pixels
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason, maxPixels: 320 * 200)!;
        Assert.True(decoder != null, reason);
        var pictures = new List<I420Frame>();
        var result = decoder.Decode(stream[0].Data, 0, pictures);
        Assert.False(result.Ok);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.Empty(pictures);
    }

    [Fact]
    public void EmptyAndOversizedAccessUnits_AreRefusedBeforeTheLibrary()
    {
        using var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out _)!;
        var pictures = new List<I420Frame>();
        Assert.Equal("empty access unit", decoder.Decode([], 0, pictures).Reason);
        Assert.Contains("exceeds", decoder.Decode(new byte[VideoDecoder.MaxAccessUnitSize + 1], 0, pictures).Reason);
        Assert.Equal(2, decoder.Refused);
        Assert.Empty(pictures);
    }

    [Theory]
    [InlineData(VideoCodec.Hevc)]
    [InlineData(VideoCodec.Vp8)]
    public void OtherDecoders_OpenAndRefuseGarbage(VideoCodec codec)
    {
        using var decoder = VideoDecoder.TryCreate(codec, out var reason);
        Assert.True(decoder != null, reason);
        var random = new Random(7);
        var pictures = new List<I420Frame>();
        for (int n = 0; n < 1000; n++)
        {
            var input = new byte[random.Next(1, 500)];
            random.NextBytes(input);
            var result = decoder!.Decode(input, n, pictures);
            if (!result.Ok) Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        }
        Assert.True(decoder!.Refused > 0);
    }
}
