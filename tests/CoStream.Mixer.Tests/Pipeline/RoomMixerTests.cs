using CoStream.Mixer.Compose;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Pipeline;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Mixer.Tests.Ingest;
using CoStream.LoadTest.Mix;
using CoStream.Sfu;
using Xunit.Abstractions;
using Role = CoStream.Mixer.Compose.ParticipantRole;

namespace CoStream.Mixer.Tests.Pipeline;

/// <summary>
/// The whole mixer on 127.0.0.1: a real <see cref="SfuServer"/>, publishers sending real H.264 + Opus over SRTP
/// (<see cref="ColourPublisher"/>), a <see cref="RoomMixer"/> on the room, its FLV read back and decoded: tiles checked by
/// pixels, events found in the frame their media-clock stamp names, timestamps monotonic.
/// </summary>
[Collection(IngestEngineCollection.Name)]
public sealed class RoomMixerTests(ITestOutputHelper output)
{
    private const int W = 640, H = 360;

    [Theory]
    [InlineData("libx264")]
    [InlineData("libx265")]
    public async Task TwoPublishers_AreTiledByPixels_AndEventsLandOnTheFrameTheirStampNames(string encoder)
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        var room = "mix-" + encoder;
        var hevc = encoder == "libx265";
        var stream = new MemoryStream();
        var file = new FlvFileWriter(stream, leaveOpen: true);
        var mixer = RoomMixer.TryStart(sfu, room, new RoomMixerOptions
        {
            Encoder = encoder, Width = W, Height = H, Fps = 20, Preset = "ultrafast", Passthrough = false,
        }, [file], out var reason);
        Assert.True(mixer != null, reason);
        var layout = new LayoutDescription(LayoutKind.Tiles,
        [
            new LayoutParticipant(RoomMixer.SourceId(room, "anchor"), Role.Anchor, room),
            new LayoutParticipant(RoomMixer.SourceId(room, "guest"), Role.Guest, room),
        ]);
        mixer!.SetLayout(layout);
        var events = new List<MixerEvent>();
        await using (var anchor = await ColourPublisher.StartAsync(sfu, room, "anchor", Colours.Palette[0]))
        await using (var guest = await ColourPublisher.StartAsync(sfu, room, "guest", Colours.Palette[2]))
        {
            await Task.Delay(2500);
            var clock = sfu.Clocks.Get(room);
            for (var k = 1; k <= 6; k++)
            {
                // Stamped a little ahead, as an event is stamped before the frames of its instant reach the mixer.
                var e = new MixerEvent(k, "coupon.dropped", clock.NowMs + 40 * k, $$"""{"seq":{{k}},"kind":"coupon.dropped","couponId":"c{{k}}"}""");
                mixer.PostEvent(e);
                events.Add(e);
                await Task.Delay(250);
            }
            await Task.Delay(1000);
            Assert.Null(anchor.Failure);
            Assert.Null(guest.Failure);
        }
        await mixer.DisposeAsync();
        file.Close();
        Assert.Null(mixer.Failure);
        output.WriteLine($"{encoder}: {mixer.VideoFramesOut} video frames ({mixer.ClockPacedFrames} clock-paced, {mixer.AnchorFramesSkipped} anchor frames skipped), {mixer.AudioFramesOut} AAC frames, {mixer.EventsWritten} events ({mixer.EventsLate} late), {stream.Length} bytes");
        foreach (var c in mixer.IngestCounters) output.WriteLine("ingest: " + c);
        var latency = mixer.LatencySnapshot().Order().ToArray();
        output.WriteLine($"mix latency (dequeue → FLV tags written): p50 {latency[latency.Length / 2] / 1000.0:F1} ms, p95 {latency[latency.Length * 95 / 100] / 1000.0:F1} ms over {latency.Length} frames");

        var result = MixerOutput.Read(stream.ToArray(), hevc);
        Assert.Equal(0, result.DecodeFailures);
        Assert.True(result.Pictures.Count >= 60, $"{result.Pictures.Count} pictures");
        Assert.True(result.Pictures.Zip(result.Pictures.Skip(1)).All(p => p.Second.Timestamp > p.First.Timestamp), "video timestamps not increasing");
        Assert.True(result.AudioTimestamps.Count >= 100, $"{result.AudioTimestamps.Count} AAC frames");
        Assert.True(result.AudioTimestamps.Zip(result.AudioTimestamps.Skip(1)).All(p => p.Second > p.First), "audio timestamps not increasing");

        // Pixels: once both are in, each tile shows its publisher's colour.
        var tiles = LayoutEngine.Compute(layout, W, H);
        var late = result.Pictures.Where(p => p.Timestamp > result.Pictures[^1].Timestamp - 1500).ToList();
        Assert.NotEmpty(late);
        foreach (var picture in late)
        {
            foreach (var (tile, colour) in tiles.Zip(new[] { Colours.Palette[0], Colours.Palette[2] }))
            {
                var (y, u, v) = MixerOutput.MeanOf(picture.Frame, tile.X, tile.Y, tile.Width, tile.Height);
                Assert.True(Math.Abs(y - colour.Y) < 12 && Math.Abs(u - colour.U) < 12 && Math.Abs(v - colour.V) < 12,
                    $"frame {picture.Index} ts {picture.Timestamp}: tile {tile.ParticipantId} is ({y:F0},{u:F0},{v:F0}), expected {colour}");
            }
        }

        // Events: each in an SEI of the first frame whose media time reaches its stamp (± 1 frame), and as a script tag there.
        foreach (var e in events)
        {
            var expectedTs = e.MediaClockMs - mixer.OriginMediaMs;
            var expected = result.Pictures.FindIndex(p => p.Timestamp >= expectedTs);
            var carrier = result.Pictures.FindIndex(p => p.SeiJson != null && MixerOutput.SeqsOf(p.SeiJson).Contains(e.Seq));
            output.WriteLine($"event {e.Seq}: stamp → ts {expectedTs}, expected picture {expected}, found in picture {carrier} (ts {(carrier >= 0 ? result.Pictures[carrier].Timestamp : 0)})");
            Assert.True(carrier >= 0, $"event {e.Seq} not found in any SEI");
            Assert.InRange(carrier, expected - 1, expected + 1);
            var tag = Assert.Single(result.EventTags, t => Convert.ToInt64(t.Payload["seq"]) == e.Seq);
            Assert.Equal(result.Pictures[carrier].Timestamp, tag.Timestamp);
            Assert.Equal(e.Json, tag.Payload["json"]);
        }
    }
}
