using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

public class AnnexBTests
{
    public static TheoryData<string, byte[], bool, string?, int> Cases => new()
    {
        // name, bytes, hevc, expected reason fragment (null = accepted), NAL units
        { "4-byte start code, SPS", [0, 0, 0, 1, 0x67, 0x42], false, null, 1 },
        { "3-byte start code, two NALs", [0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xCE], false, null, 2 },
        { "no start code", [0x67, 0x42, 0, 0, 1, 0x68], false, "start code", 0 },
        { "too short", [0, 0], false, "start code", 0 },
        { "start code then nothing", [0, 0, 1], false, "shorter than its header", 0 },
        { "forbidden_zero_bit", [0, 0, 1, 0xE7, 0x42], false, "forbidden_zero_bit", 0 },
        { "H.265 VPS", [0, 0, 0, 1, 0x40, 0x01, 0x0C], true, null, 1 },
        { "H.265 temporal id 0", [0, 0, 1, 0x40, 0x00, 0x0C], true, "nuh_temporal_id_plus1", 0 },
        { "H.265 one-byte header", [0, 0, 1, 0x40], true, "shorter than its header", 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Check(string name, byte[] bytes, bool hevc, string? reason, int nalUnits)
    {
        var actual = AnnexB.Check(bytes, hevc, out var count);
        if (reason == null) { Assert.True(actual == null, $"{name}: {actual}"); Assert.Equal(nalUnits, count); }
        else Assert.Contains(reason, actual);
    }
}
