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
/// A PK on 127.0.0.1: two rooms, each with its anchor publishing a colour, each with its mixer showing its own anchor
/// left and the opponent right. With a <see cref="DecodedPictureExchange"/> each anchor's stream is decoded once (by its
/// own room's mixer) and the opponent's mixer takes the pictures; both outputs are checked by pixels, and when one
/// mixer stops the other goes back to decoding that anchor itself.
/// </summary>
[Collection(IngestEngineCollection.Name)]
public sealed class RoomMixerPkSharingTests(ITestOutputHelper output)
{
    private const int W = 640, H = 360;
    private static readonly (byte Y, byte U, byte V) ColourA = Colours.Palette[0], ColourB = Colours.Palette[2];

    private static (RoomMixer Mixer, MemoryStream Stream, FlvFileWriter File) Start(SfuServer sfu, string room, string other, DecodedPictureExchange? exchange)
    {
        var stream = new MemoryStream();
        var file = new FlvFileWriter(stream, leaveOpen: true);
        var mixer = RoomMixer.TryStart(sfu, room, new RoomMixerOptions
        {
            Width = W, Height = H, Fps = 20, Preset = "ultrafast", Passthrough = false,
        }, [file], out var reason, exchange);
        Assert.True(mixer != null, reason);
        mixer!.LinkRoom(other);
        mixer.SetLayout(new LayoutDescription(LayoutKind.Pk,
        [
            new LayoutParticipant(RoomMixer.SourceId(room, "anchor"), Role.Anchor, room),
            new LayoutParticipant(RoomMixer.SourceId(other, "anchor"), Role.PkAnchor, other),
        ]));
        return (mixer, stream, file);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EachAnchorIsDecodedOnce_BothOutputsShowBothAnchors_AndAStoppedMixerIsReplaced(bool share)
    {
        await using var sfu = SfuServer.Start(new SfuOptions());
        using var exchange = share ? new DecodedPictureExchange() : null;
        var (roomA, roomB) = ("pkshare-a-" + share, "pkshare-b-" + share);
        var a = Start(sfu, roomA, roomB, exchange);
        var b = Start(sfu, roomB, roomA, exchange);
        await using var anchorA = await ColourPublisher.StartAsync(sfu, roomA, "anchor", ColourA);
        await using var anchorB = await ColourPublisher.StartAsync(sfu, roomB, "anchor", ColourB);
        await Task.Delay(3500);

        // Room B's mixer stops (its room went idle); room A's output goes on with B's anchor, decoded by A again.
        var elsewhereBefore = a.Mixer.FramesDecodedElsewhere;
        var usedBefore = a.Mixer.SharedPicturesUsed;
        await b.Mixer.DisposeAsync();
        b.File.Close();
        var stoppedAtMs = sfu.Clocks.Get(roomA).NowMs;
        await Task.Delay(3000);
        Assert.Null(anchorA.Failure);
        Assert.Null(anchorB.Failure);
        await a.Mixer.DisposeAsync();
        a.File.Close();
        Assert.Null(a.Mixer.Failure);
        Assert.Null(b.Mixer.Failure);
        output.WriteLine($"share={share}: A decoded elsewhere {a.Mixer.FramesDecodedElsewhere} (before B stopped {elsewhereBefore}), shared pictures used {a.Mixer.SharedPicturesUsed} (before {usedBefore}); " +
            $"B decoded elsewhere {b.Mixer.FramesDecodedElsewhere}, used {b.Mixer.SharedPicturesUsed}; published {exchange?.PicturesPublished}, taken {exchange?.PicturesTaken}");

        if (share)
        {
            // While both ran, each took the opponent's anchor from the other instead of decoding it.
            Assert.True(elsewhereBefore > 20, $"A skipped only {elsewhereBefore} frames of B's anchor");
            Assert.True(usedBefore > 20, $"A used only {usedBefore} shared pictures");
            Assert.True(b.Mixer.FramesDecodedElsewhere > 20 && b.Mixer.SharedPicturesUsed > 20);
            Assert.True(exchange!.PicturesTaken >= a.Mixer.SharedPicturesUsed + b.Mixer.SharedPicturesUsed);
            // After B stopped, A decoded B's anchor itself: no more frames skipped, no more pictures taken (a few in flight).
            Assert.InRange(a.Mixer.FramesDecodedElsewhere - elsewhereBefore, 0, 3);
            Assert.InRange(a.Mixer.SharedPicturesUsed - usedBefore, 0, 3);
        }
        else
        {
            Assert.Equal(0, a.Mixer.FramesDecodedElsewhere + a.Mixer.SharedPicturesUsed + b.Mixer.FramesDecodedElsewhere + b.Mixer.SharedPicturesUsed);
        }

        var outA = MixerOutput.Read(a.Stream.ToArray(), hevc: false);
        var outB = MixerOutput.Read(b.Stream.ToArray(), hevc: false);
        // Both outputs: own anchor left, opponent right, from 1.5 s on (both decoding by then).
        MixerTestKit.AssertPkHalves(outB, W, H, ColourB, ColourA, "room B's output", 1500);
        var stoppedTs = (uint)(stoppedAtMs - a.Mixer.OriginMediaMs);
        MixerTestKit.AssertPkHalves(outA, W, H, ColourA, ColourB, "room A's output while B's mixer ran", 1500, stoppedTs);
        // After B's mixer stopped: A's decoder restarted on B's anchor at a keyframe (asked for) — within a second the
        // right half shows B's colour again, never a stale or broken picture in between (the last picture, then B's).
        MixerTestKit.AssertPkHalves(outA, W, H, ColourA, ColourB, "room A's output after B's mixer stopped", stoppedTs + 1000);
        Assert.True(outA.Pictures.Zip(outA.Pictures.Skip(1)).All(p => p.Second.Timestamp > p.First.Timestamp), "A's timestamps not increasing");
    }

}
