using CoStream.LoadTest.Mix;
using CoStream.Mixer.Audio;
using CoStream.Mixer.Compose;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Pipeline;
using CoStream.Mixer.Tests.Codecs;
using CoStream.Mixer.Tests.Ingest;
using CoStream.Sfu;
using Xunit.Abstractions;
using Role = CoStream.Mixer.Compose.ParticipantRole;

namespace CoStream.Mixer.Tests.Pipeline;

/// <summary>
/// Lip sync through the whole mixer: a publisher turns its picture white and starts a tone at the same capture instant;
/// in the mixer's FLV output the first white frame and the first toned audio sample must fall at the same timestamp.
/// </summary>
[Collection(IngestEngineCollection.Name)]
public sealed class RoomMixerAvSyncTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AFlashAndABeepCapturedTogether_LeaveTheMixerTogether()
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        const string room = "mix-avsync";
        var stream = new MemoryStream();
        var file = new FlvFileWriter(stream, leaveOpen: true);
        var mixer = RoomMixer.TryStart(sfu, room, new RoomMixerOptions { Width = 320, Height = 240, Fps = 20, Preset = "ultrafast", Passthrough = false }, [file], out var reason);
        Assert.True(mixer != null, reason);
        mixer!.SetLayout(new LayoutDescription(LayoutKind.Solo, [new LayoutParticipant(RoomMixer.SourceId(room, "anchor"), Role.Anchor, room)]));
        var white = Colours.Palette[4];
        await using (var anchor = await ColourPublisher.StartAsync(sfu, room, "anchor", Colours.Palette[5], silentUntilSwitch: true))
        {
            anchor.SwitchColour = white;
            await Task.Delay(3000); // sender reports in, mapping settled
            anchor.SwitchNow();
            await Task.Delay(1500);
            Assert.Null(anchor.Failure);
        }
        await mixer.DisposeAsync();
        file.Close();
        Assert.Null(mixer.Failure);

        var result = MixerOutput.Read(stream.ToArray(), hevc: false);
        var firstWhite = result.Pictures.First(p => Math.Abs(p.Frame.MeanOf(0) - white.Y) < 12);
        // Decode the AAC track; find the first sample of the tone.
        var tags = result.Tags;
        var asc = tags.First(t => t.Type == FlvTagType.Audio && t.Body.Length > 2 && t.Body[1] == 0).Body[2..];
        using var aac = AacDecoder.TryCreate(asc, out reason);
        Assert.True(aac != null, reason);
        double? toneAtMs = null;
        var left = new List<float>();
        var right = new List<float>();
        foreach (var tag in tags.Where(t => t.Type == FlvTagType.Audio && t.Body.Length > 2 && t.Body[1] == 1))
        {
            left.Clear(); right.Clear();
            Assert.True(aac!.Decode(tag.Body.AsSpan(2), left, right).Ok);
            var at = left.FindIndex(v => Math.Abs(v) > 0.05f);
            if (at < 0) continue;
            toneAtMs = tag.Timestamp + at / 48.0;
            break;
        }
        Assert.NotNull(toneAtMs);
        // The encoder stamps its first packet 1024 samples (its priming) before the first input sample, and the decoder
        // hands the priming back as leading samples: decoded sample j of a tag stamped T is at T + j/48 ms.
        var toneMs = toneAtMs!.Value;
        var skew = firstWhite.Timestamp - toneMs;
        output.WriteLine($"first white frame at {firstWhite.Timestamp} ms, tone starts at {toneMs:F1} ms: video − audio = {skew:F1} ms");
        // One video frame is 50 ms here; lip sync within ±45 ms is the broadcast norm (ITU-R BT.1359 detectability).
        Assert.InRange(skew, -45, 45);
    }
}
