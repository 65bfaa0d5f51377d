using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.Sfu.Protocols.Tests.Sdp;

public sealed class H264ProfileLevelIdTests
{
    public static TheoryData<string, H264Profile, byte> Rows => new()
    {
        // profile_idc | profile-iop (constraint flags) | level_idc
        { "42e01f", H264Profile.ConstrainedBaseline, 0x1F }, // 0x42 | 1110 0000 | 3.1
        { "42c01f", H264Profile.ConstrainedBaseline, 0x1F }, // 0x42 | 1100 0000
        { "42401f", H264Profile.ConstrainedBaseline, 0x1F }, // 0x42 | 0100 0000: only constraint_set1 matters
        { "4d801f", H264Profile.ConstrainedBaseline, 0x1F }, // 0x4D | 1000 0000
        { "58c01f", H264Profile.ConstrainedBaseline, 0x1F }, // 0x58 | 1100 0000
        { "42001f", H264Profile.Baseline, 0x1F },            // 0x42 | 0000 0000
        { "42000a", H264Profile.Baseline, 0x0A },            // RFC 6184 default
        { "58801f", H264Profile.Baseline, 0x1F },            // 0x58 | 1000 0000
        { "58001f", H264Profile.Extended, 0x1F },            // 0x58 | 0000 0000
        { "4d001f", H264Profile.Main, 0x1F },                // 0x4D | 0000 0000
        { "4d4028", H264Profile.Main, 0x28 },                // 0x4D | 0100 0000
        { "64001f", H264Profile.High, 0x1F },                // 0x64 | 0000 0000
        { "640c1f", H264Profile.ConstrainedHigh, 0x1F },     // 0x64 | 0000 1100
        { "6e001f", H264Profile.High10, 0x1F },
        { "7a001f", H264Profile.High422, 0x1F },
        { "f4001f", H264Profile.High444, 0x1F },
        { "2c101f", H264Profile.Cavlc444Intra, 0x1F },
        { "42E01F", H264Profile.ConstrainedBaseline, 0x1F }, // hex without case
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Rfc6184_8_1_ProfileFromIdcAndIop(string text, H264Profile profile, byte level)
    {
        Assert.True(H264ProfileLevelId.TryParse(text, out H264Profile p, out byte l));
        Assert.Equal((profile, level), (p, l));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("42e01")]      // five digits
    [InlineData("42e01f0")]    // seven digits
    [InlineData("42g01f")]     // not hex
    [InlineData("-2e01f")]
    [InlineData("42e11f")]     // reserved low iop bits set
    [InlineData("65001f")]     // unknown profile_idc
    public void Rfc6184_8_1_RefusesMalformedValues(string? text)
    {
        Assert.False(H264ProfileLevelId.TryParse(text, out H264Profile p, out _));
        Assert.Equal(H264Profile.Unknown, p);
    }

    [Theory]
    [InlineData("42e01f", "42e034", true)]  // level differs
    [InlineData("42e01f", "42c00a", true)]
    [InlineData("42e01f", "42001f", false)]
    [InlineData("42e01f", "640c1f", false)]
    [InlineData(null, "42001f", true)]      // absent = 42000a Baseline
    [InlineData("zz", "zz", false)]         // unknown never matches, not even itself
    public void Rfc6184_8_2_2_SameProfile(string? a, string? b, bool same)
    {
        Assert.Equal(same, H264ProfileLevelId.SameProfile(a, b));
    }

    [Fact]
    public void Rfc8866_6_15_FmtpParameters()
    {
        IReadOnlyDictionary<string, string> p = FmtpParameters.Parse(" Packetization-Mode=1; profile-level-id = 42e01f;;flag");
        Assert.Equal("1", p["packetization-mode"]);
        Assert.Equal("42e01f", p["PROFILE-LEVEL-ID"]);
        Assert.Equal("", p["flag"]);
        Assert.Equal(3, p.Count);
        Assert.Empty(FmtpParameters.Parse(null));
        Assert.Equal(new[] { 96, 97 }, new RidDescription("h", RidDirection.Send, "pt=96,97;max-width=1280").GetPayloadTypes());
        Assert.Equal("1280", new RidDescription("h", RidDirection.Send, "pt=96,97;max-width=1280").GetRestrictions()["max-width"]);
    }
}
