using CoStream.Mixer.Codecs;
using CoStream.Mixer.Pipeline;
using CoStream.Mixer.Tests.Codecs;

namespace CoStream.Mixer.Tests.Pipeline;

public class DecodedPictureExchangeTests
{
    private static (VideoDecoder Decoder, List<EncodedVideoFrame> Packets) Stream(int frames = 12)
    {
        var packets = VideoRoundTripTests.Encode(VideoRoundTripTests.Options(), frames); // colour changes every 5 frames
        var decoder = VideoDecoder.TryCreate(VideoCodec.H264, out var reason)!;
        Assert.NotNull(decoder);
        return (decoder, packets);
    }

    private static DecodedPicture Decode(VideoDecoder decoder, EncodedVideoFrame p)
    {
        Assert.True(decoder.DecodeInPlace(p.Data, p.Pts, out var picture).Ok);
        return picture!;
    }

    private static byte MeanY(DecodedPicture p) => (byte)Math.Round(p.ToI420Frame().MeanOf(0));

    [Fact]
    public void ATakerGetsEachNewerPictureOnce_NeverItsOwn_AndItOutlivesThePublishersCopy()
    {
        var (decoder, packets) = Stream();
        using var _ = decoder;
        using var exchange = new DecodedPictureExchange();
        object publisher = new(), taker = new();
        long seen = 0;
        Assert.False(exchange.IsPublishedFor("r/a", taker));
        Assert.Null(exchange.TakeNewer("r/a", taker, ref seen));

        var first = Decode(decoder, packets[0]);
        exchange.Publish(publisher, "r/a", first);
        Assert.True(exchange.IsPublishedFor("r/a", taker));
        Assert.False(exchange.IsPublishedFor("r/a", publisher)); // a publisher never takes its own
        long own = 0;
        Assert.Null(exchange.TakeNewer("r/a", publisher, ref own));
        using var taken = exchange.TakeNewer("r/a", taker, ref seen);
        Assert.NotNull(taken);
        Assert.Null(exchange.TakeNewer("r/a", taker, ref seen)); // nothing newer yet
        first.Dispose(); // the publisher gives its picture back to its decoder…
        for (var i = 1; i < 8; i++) Decode(decoder, packets[i]).Dispose(); // …which reuses buffers meanwhile
        var (y, _, _) = Colours.ForFrame(0);
        Assert.InRange(MeanY(taken!), y - 4, y + 4); // the taker's reference is untouched

        var later = Decode(decoder, packets[10]);
        exchange.Publish(publisher, "r/a", later);
        using var newer = exchange.TakeNewer("r/a", taker, ref seen);
        Assert.InRange(MeanY(newer!), Colours.ForFrame(10).Y - 4, Colours.ForFrame(10).Y + 4);
        later.Dispose();
        Assert.Equal(2, exchange.PicturesPublished);
        Assert.Equal(2, exchange.PicturesTaken);
    }

    [Fact]
    public void Withdrawn_ThenPublishedAgain_TheTakerSeesTheNewPictures()
    {
        var (decoder, packets) = Stream();
        using var _ = decoder;
        using var exchange = new DecodedPictureExchange();
        object publisher = new(), taker = new(), stranger = new();
        long seen = 0;
        for (var i = 0; i < 5; i++)
        {
            using var p = Decode(decoder, packets[i]);
            exchange.Publish(publisher, "r/a", p);
            exchange.TakeNewer("r/a", taker, ref seen)?.Dispose();
        }
        exchange.Withdraw(stranger, "r/a"); // only its publisher can withdraw it
        Assert.True(exchange.IsPublishedFor("r/a", taker));
        exchange.Withdraw(publisher, "r/a");
        Assert.False(exchange.IsPublishedFor("r/a", taker));
        Assert.Null(exchange.TakeNewer("r/a", taker, ref seen));

        // The source comes back (its room's mixer restarted): the first picture is newer than anything seen before.
        using (var p = Decode(decoder, packets[5])) exchange.Publish(publisher, "r/a", p);
        using var again = exchange.TakeNewer("r/a", taker, ref seen);
        Assert.NotNull(again);
        Assert.InRange(MeanY(again!), Colours.ForFrame(5).Y - 4, Colours.ForFrame(5).Y + 4);

        exchange.WithdrawAll(publisher);
        Assert.False(exchange.IsPublishedFor("r/a", taker));
    }

    [Fact]
    public void Disposed_TakesNothingMore_AndPictureTakenBeforeStayValid()
    {
        var (decoder, packets) = Stream();
        using var _ = decoder;
        var exchange = new DecodedPictureExchange();
        object publisher = new(), taker = new();
        long seen = 0;
        using (var p = Decode(decoder, packets[0])) exchange.Publish(publisher, "r/a", p);
        using var taken = exchange.TakeNewer("r/a", taker, ref seen)!;
        exchange.Dispose();
        using (var p = Decode(decoder, packets[1])) exchange.Publish(publisher, "r/a", p);
        Assert.False(exchange.IsPublishedFor("r/a", taker));
        Assert.Null(exchange.TakeNewer("r/a", taker, ref seen));
        Assert.InRange(MeanY(taken), Colours.ForFrame(0).Y - 4, Colours.ForFrame(0).Y + 4);
    }
}
