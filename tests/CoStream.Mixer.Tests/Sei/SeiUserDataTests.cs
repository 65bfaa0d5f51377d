using System.Text;
using CoStream.Mixer.Sei;

namespace CoStream.Mixer.Tests.Sei;

public class SeiUserDataTests
{
    private static byte[] Build(ReadOnlySpan<byte> payload, bool hevc, Guid? uuid = null)
    {
        var message = new SeiUserDataUnregistered(uuid ?? SeiUserDataUnregistered.CoStreamUuid, payload);
        var dest = new byte[SeiUserDataUnregistered.GetMaxSize(payload.Length, hevc)];
        return dest[..message.WriteTo(dest, hevc)];
    }

    [Fact]
    public void H264_SmallJson_ByteLayout()
    {
        var json = "{\"g\":1}"u8.ToArray();
        var nal = Build(json, hevc: false);
        Assert.Equal(0x06, nal[0]);                 // forbidden 0 · nal_ref_idc 0 · nal_unit_type 6 (SEI)
        Assert.Equal(5, nal[1]);                    // payloadType 5 (user_data_unregistered)
        Assert.Equal(16 + json.Length, nal[2]);     // payloadSize: UUID + JSON
        Assert.Equal(SeiUserDataUnregistered.CoStreamUuid.ToByteArray(bigEndian: true), nal[3..19]);
        Assert.Equal(json, nal[19..^1]);
        Assert.Equal(0x80, nal[^1]);                // rbsp_stop_one_bit + alignment
    }

    [Fact]
    public void Hevc_Header_IsPrefixSeiWithTemporalIdOne()
    {
        var nal = Build("{}"u8, hevc: true);
        Assert.Equal(39 << 1, nal[0]); // forbidden 0 · nal_unit_type 39 (PREFIX_SEI_NUT) · nuh_layer_id high bit 0
        Assert.Equal(0x01, nal[1]);    // nuh_layer_id low bits 0 · nuh_temporal_id_plus1 1
        Assert.Equal(5, nal[2]);
    }

    // payloadSize (§7.3.5): 0xFF per 255, then the remainder; UUID (16) + JSON.
    [Theory]
    [InlineData(238, new byte[] { 254 })]
    [InlineData(239, new byte[] { 0xFF, 0 })]
    [InlineData(240, new byte[] { 0xFF, 1 })]
    [InlineData(300, new byte[] { 0xFF, 61 })]
    [InlineData(494, new byte[] { 0xFF, 0xFF, 0 })]
    [InlineData(5000, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 171 })]
    public void PayloadSize_IsFfCoded_AndRoundTrips(int jsonLength, byte[] sizeBytes)
    {
        var json = Encoding.UTF8.GetBytes("{\"t\":\"" + new string('x', jsonLength - 8) + "\"}");
        Assert.Equal(jsonLength, json.Length);
        foreach (var hevc in new[] { false, true })
        {
            var nal = Build(json, hevc);
            var header = hevc ? 2 : 1;
            Assert.Equal(sizeBytes, nal[(header + 1)..(header + 1 + sizeBytes.Length)]);
            var scratch = new byte[nal.Length];
            Assert.Equal(SeiError.None, SeiUserDataUnregistered.TryRead(nal, hevc, scratch, out var read, out var consumed));
            Assert.Equal(nal.Length, consumed);
            Assert.Equal(SeiUserDataUnregistered.CoStreamUuid, read.Uuid);
            Assert.Equal(json, read.Payload.ToArray());
        }
    }

    [Fact]
    public void BinaryPayloadWithStartCodes_IsEscaped_AndReadBack()
    {
        byte[] payload = [0, 0, 1, 0, 0, 0, 0, 0, 3, 0, 0, 2, 0xFF, 0, 0];
        var nal = Build(payload, hevc: false);
        for (int k = 1; k + 2 < nal.Length; k++)
            Assert.False(nal[k] == 0 && nal[k + 1] == 0 && nal[k + 2] <= 2, $"start-code-like bytes at {k}");
        Assert.Equal(SeiError.None, SeiUserDataUnregistered.TryRead(nal, false, new byte[nal.Length], out var read, out _));
        Assert.Equal(payload, read.Payload.ToArray());
    }

    [Fact]
    public void OtherUuid_IsNotFound_WhenOursIsAsked()
    {
        var nal = Build("{}"u8, hevc: false, uuid: Guid.NewGuid());
        Assert.Equal(SeiError.NotFound, SeiUserDataUnregistered.TryRead(nal, false, new byte[nal.Length], out _, out _, SeiUserDataUnregistered.CoStreamUuid));
        Assert.Equal(SeiError.None, SeiUserDataUnregistered.TryRead(nal, false, new byte[nal.Length], out _, out _));
    }

    public static TheoryData<string, byte[], bool, SeiError> Hostile => new()
    {
        { "too short", [0x06, 0x05], false, SeiError.TooShort },
        { "forbidden bit", [0x86, 0x05, 0x10, 0x80], false, SeiError.BadNalHeader },
        { "hevc temporal id 0", [39 << 1, 0x00, 0x05, 0x10, 0x80], true, SeiError.BadNalHeader },
        { "IDR slice, not SEI", [0x65, 0x88, 0x84, 0x00], false, SeiError.NotSei },
        { "hevc VPS, not SEI", [32 << 1, 0x01, 0x0C, 0x01], true, SeiError.NotSei },
        { "payloadSize past the end", [0x06, 0x05, 0x40, 1, 2, 3, 0x80], false, SeiError.TruncatedMessage },
        { "payloadType runs off the end", [0x06, 0xFF, 0xFF, 0xFF], false, SeiError.BadMessageHeader },
        { "user data shorter than a UUID", [0x06, 0x05, 0x02, 0xAA, 0xBB, 0x80], false, SeiError.ShortUserData },
        { "no trailing bits", [0x06, 0x05, 0x10, .. new byte[16]], false, SeiError.MissingTrailingBits },
        { "junk after trailing bits (read as a message)", [0x06, 0x05, 0x10, .. new byte[16], 0x80, 0x01], false, SeiError.TruncatedMessage },
        { "only another SEI type", [0x06, 0x06, 0x01, 0x00, 0x80], false, SeiError.NotFound },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileNal_IsRefusedWithItsReason(string what, byte[] nal, bool hevc, SeiError expected)
    {
        var error = SeiUserDataUnregistered.TryRead(nal, hevc, new byte[nal.Length + 4], out _, out var consumed);
        Assert.True(expected == error, $"{what}: expected {expected}, got {error}");
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void ScratchTooSmall_IsRefused() =>
        Assert.Equal(SeiError.ScratchTooSmall, SeiUserDataUnregistered.TryRead(Build("{}"u8, false), false, new byte[4], out _, out _));

    [Fact]
    public void TruncationsAndRandomBytes_NeverThrow_AndAreCounted()
    {
        var good = Build(Encoding.UTF8.GetBytes("{\"coupon\":\"c1\",\"mediaClockMs\":123456}"), hevc: false);
        var au = new byte[] { 0, 0, 0, 1 }.Concat(good).Concat(new byte[] { 0, 0, 0, 1, 0x65, 0x88, 0x84 }).ToArray();
        var extractor = new SeiExtractor(hevc: false);
        Assert.False(extractor.Extract(au).IsEmpty);
        // Every truncation of the SEI NAL (the slice after it removed) is read or refused, never thrown.
        for (int cut = 5; cut < 4 + good.Length; cut++) extractor.Extract(au.AsSpan(0, cut));
        Assert.True(extractor.Refused > 0);
        var random = new Random(11);
        var buffer = new byte[300];
        for (int i = 0; i < 100_000; i++)
        {
            var n = random.Next(0, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, n));
            if (n > 5 && random.Next(2) == 0) { buffer[0] = 0; buffer[1] = 0; buffer[2] = 1; buffer[3] = (byte)(random.Next(2) == 0 ? 0x06 : buffer[3]); }
            extractor.Extract(buffer.AsSpan(0, n));
        }
        Assert.Equal(1 + 100_000 + good.Length - 1, extractor.Found + extractor.NotFound + extractor.Refused);
        Assert.True(extractor.RefusedFor(SeiError.NoStartCode) > 0);
        Assert.True(extractor.RefusedFor(SeiError.TruncatedMessage) + extractor.RefusedFor(SeiError.MissingTrailingBits) > 0);
    }
}
