using CoStream.Mixer.Pipeline;
using CoStream.Signaling.Mixing;
using Microsoft.Extensions.Configuration;

namespace CoStream.Signaling.Tests.Mixing;

public class MixerSettingsTests
{
    private static MixerSettings Parse(params (string Key, string Value)[] values) =>
        MixerSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Mixer:" + v.Key, v.Value)))
            .Build());

    [Fact]
    public void Defaults_FollowTheSeedAndDriveX264Directly()
    {
        var s = Parse();
        Assert.Equal("libx264", s.Output.Encoder);
        Assert.Equal((504, 896, 15), (s.Output.Width, s.Output.Height, s.Output.Fps));
        Assert.Equal(X264Mode.Direct, s.Output.X264Mode);
    }

    [Theory]
    [InlineData("direct", X264Mode.Direct)]
    [InlineData("Hints", X264Mode.DirectWithHints)]
    [InlineData("LIBAVCODEC", X264Mode.Libavcodec)]
    public void X264Mode_IsRead(string value, X264Mode expected) => Assert.Equal(expected, Parse(("X264", value)).Output.X264Mode);

    [Theory]
    [InlineData("X264", "turbo", "Mixer:X264")]
    [InlineData("Codec", "av1", "Mixer:Codec")]
    [InlineData("GuestLayout", "mosaic", "Mixer:GuestLayout")]
    [InlineData("Width", "63", "output size")]
    public void BadValues_StopTheHostWithTheSettingsName(string key, string value, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => Parse((key, value)));
        Assert.Contains(expected, e.Message);
    }
}
