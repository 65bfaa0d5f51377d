using CoStream.Mixer.Compose;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Pipeline;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Mixer.Tests.Ingest;
using CoStream.LoadTest.Mix;
using CoStream.Sfu;
using Xunit.Abstractions;
using static CoStream.Mixer.Tests.Pipeline.MixerTestKit;
using Role = CoStream.Mixer.Compose.ParticipantRole;

namespace CoStream.Mixer.Tests.Pipeline;

/// <summary>
/// The mixer's output under change: passthrough of a solo anchor and back, a guest that joins, stalls, sends garbage,
/// leaves and rejoins — the output never stops, its timestamps never go back, every frame decodes.
/// </summary>
[Collection(IngestEngineCollection.Name)]
public sealed class RoomMixerChurnTests(ITestOutputHelper output)
{
    private const int W = 320, H = 240;

    private static LayoutDescription Solo(string room) =>
        new(LayoutKind.Solo, [new LayoutParticipant(RoomMixer.SourceId(room, "anchor"), Role.Anchor, room)]);

    private static LayoutDescription WithGuest(string room) =>
        new(LayoutKind.Tiles,
        [
            new LayoutParticipant(RoomMixer.SourceId(room, "anchor"), Role.Anchor, room),
            new LayoutParticipant(RoomMixer.SourceId(room, "guest"), Role.Guest, room),
        ]);

    [Fact]
    public async Task SoloAnchor_IsPassedThrough_ThenComposedWhenAGuestJoins_AndPassedThroughAgain_WithoutABreak()
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "mix-passthrough";
        var stream = new MemoryStream();
        var file = new FlvFileWriter(stream, leaveOpen: true);
        var mixer = RoomMixer.TryStart(sfu, room, new RoomMixerOptions { Width = W, Height = H, Fps = 20, Preset = "ultrafast", StallMs = 600 }, [file], out var reason);
        Assert.True(mixer != null, reason);
        mixer!.SetLayout(Solo(room));
        long passthroughSolo, composed;
        await using (var anchor = await ColourPublisher.StartAsync(sfu, room, "anchor", Colours.Palette[0], W, H))
        {
            await WaitUntil(() => mixer.PassthroughFramesOut > 20, "passthrough");
            passthroughSolo = mixer.PassthroughFramesOut;
            await using (var guest = await ColourPublisher.StartAsync(sfu, room, "guest", Colours.Palette[2], W, H))
            {
                mixer.SetLayout(WithGuest(room));
                var before = mixer.VideoFramesOut - mixer.PassthroughFramesOut;
                await WaitUntil(() => mixer.VideoFramesOut - mixer.PassthroughFramesOut > before + 40, "composite");
                composed = mixer.VideoFramesOut - mixer.PassthroughFramesOut;
                mixer.SetLayout(Solo(room));
                var again = mixer.PassthroughFramesOut;
                await WaitUntil(() => mixer.PassthroughFramesOut > again + 20, "passthrough again");
            }
        }
        await mixer.DisposeAsync();
        file.Close();
        Assert.Null(mixer.Failure);
        output.WriteLine($"{mixer.VideoFramesOut} frames: {mixer.PassthroughFramesOut} passed through ({passthroughSolo} before the guest), {composed} composed, {mixer.ModeSwitches} switches");

        var result = MixerOutput.Read(stream.ToArray(), hevc: false);
        Assert.Equal(0, result.DecodeFailures);
        Assert.True(result.Pictures.Zip(result.Pictures.Skip(1)).All(p => p.Second.Timestamp > p.First.Timestamp), "timestamps not increasing");
        Assert.True(mixer.ModeSwitches >= 3, $"{mixer.ModeSwitches} mode switches");
        // No gap in the output across the switches (the publishers run at 20 fps).
        var steady = result.Pictures.Where(p => p.Timestamp > result.Pictures[0].Timestamp + 2000).ToList();
        var gaps = steady.Zip(steady.Skip(1)).Select(p => (long)p.Second.Timestamp - p.First.Timestamp).ToList();
        output.WriteLine($"largest gap between output frames: {gaps.Max()} ms");
        Assert.True(gaps.Max() < 400, $"the output paused for {gaps.Max()} ms");
        // Passed-through frames show the anchor full; composed frames show both.
        Assert.Contains(result.Pictures, p => Near(MixerOutput.MeanOf(p.Frame, 0, 0, W, H), Colours.Palette[0]));
        var tiles = LayoutEngine.Compute(WithGuest(room), W, H);
        Assert.Contains(result.Pictures, p => Near(MixerOutput.MeanOf(p.Frame, tiles[1].X, tiles[1].Y, tiles[1].Width, tiles[1].Height, 4), Colours.Palette[2]));
    }

    [Fact]
    public async Task GuestStalls_SendsGarbage_LeavesAndRejoins_TheOutputGoesOn()
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "mix-churn";
        var stream = new MemoryStream();
        var file = new FlvFileWriter(stream, leaveOpen: true);
        var options = new RoomMixerOptions { Width = 640, Height = 360, Fps = 20, Preset = "ultrafast", StallMs = 600, Passthrough = false };
        var mixer = RoomMixer.TryStart(sfu, room, options, [file], out var reason);
        Assert.True(mixer != null, reason);
        var layout = WithGuest(room);
        mixer!.SetLayout(layout);
        var tiles = LayoutEngine.Compute(layout, options.Width, options.Height);
        var marks = new List<(string What, long Ms)>();
        var clock = sfu.Clocks.Get(room);
        void Mark(string what) => marks.Add((what, clock.NowMs - mixer.OriginMediaMs));

        await using (var anchor = await ColourPublisher.StartAsync(sfu, room, "anchor", Colours.Palette[0]))
        {
            var guest = await ColourPublisher.StartAsync(sfu, room, "guest", Colours.Palette[2]);
            await Task.Delay(2000);
            Mark("stall");
            guest.VideoPaused = true;
            await Task.Delay(1500);
            Mark("garbage");
            guest.VideoPaused = false;
            guest.CorruptVideo = true;
            await Task.Delay(1000);
            guest.CorruptVideo = false;
            Mark("clean");
            await Task.Delay(1500);
            Mark("leave");
            await guest.DisposeAsync();
            await Task.Delay(1500);
            Mark("rejoin");
            await using (var again = await ColourPublisher.StartAsync(sfu, room, "guest", Colours.Palette[3]))
            {
                await Task.Delay(2500);
                Mark("end");
            }
        }
        await mixer.DisposeAsync();
        file.Close();
        Assert.Null(mixer.Failure);
        output.WriteLine($"{mixer.VideoFramesOut} frames ({mixer.ClockPacedFrames} clock-paced), {mixer.DecodeRefusals} decode refusals; marks {string.Join(", ", marks)}");
        foreach (var c in mixer.IngestCounters) output.WriteLine("ingest: " + c);
        Assert.True(mixer.DecodeRefusals + mixer.IngestCounters.Sum(c => Enum.GetValues<CoStream.Mixer.Ingest.IngestDropReason>().Sum(r => c.Dropped(r))) > 0, "the garbage was neither refused nor counted");

        var result = MixerOutput.Read(stream.ToArray(), hevc: false);
        Assert.Equal(0, result.DecodeFailures);
        Assert.True(result.Pictures.Zip(result.Pictures.Skip(1)).All(p => p.Second.Timestamp > p.First.Timestamp), "video timestamps not increasing");
        Assert.True(result.AudioTimestamps.Zip(result.AudioTimestamps.Skip(1)).All(p => p.Second > p.First), "audio timestamps not increasing");
        var afterStart = result.Pictures.Where(p => p.Timestamp > marks[0].Ms - 1000).ToList();
        var gap = afterStart.Zip(afterStart.Skip(1)).Max(p => (long)p.Second.Timestamp - p.First.Timestamp);
        output.WriteLine($"largest gap between output frames: {gap} ms");
        Assert.True(gap < 400, $"the output paused for {gap} ms");

        (double, double, double) GuestTile(MixerOutput.Picture p) => MixerOutput.MeanOf(p.Frame, tiles[1].X, tiles[1].Y, tiles[1].Width, tiles[1].Height);
        IEnumerable<MixerOutput.Picture> Between(string from, string to, int skipMs) =>
            result.Pictures.Where(p => p.Timestamp > marks.First(m => m.What == from).Ms + skipMs && p.Timestamp < marks.First(m => m.What == to).Ms);
        var placeholder = options.Compositor.Placeholder;
        // While stalled (after StallMs) and after leaving: the placeholder; before, after recovery and after rejoining: the colour.
        Assert.Contains(Between("stall", "garbage", 900), p => Near(GuestTile(p), placeholder, 30));
        Assert.Contains(Between("leave", "rejoin", 900), p => Near(GuestTile(p), placeholder, 30));
        Assert.Contains(Between("rejoin", "end", 1000), p => Near(GuestTile(p), Colours.Palette[3]));
        // The anchor's tile is untouched by any of it.
        var anchorTile = tiles[0];
        Assert.All(result.Pictures.Where(p => p.Timestamp > marks[0].Ms && p.Timestamp < marks[^1].Ms),
            p => Assert.True(Near(MixerOutput.MeanOf(p.Frame, anchorTile.X, anchorTile.Y, anchorTile.Width, anchorTile.Height), Colours.Palette[0]), $"anchor tile wrong at {p.Timestamp}"));
    }
}
