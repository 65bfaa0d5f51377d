using CoStream.Sfu.Protocols.Codecs;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Codecs;

/// <summary>RFC 6184 §5.6–5.8 packetization of Annex-B access units (structure of each payload; the
/// depacketizer round trips are in the mixer's ingest tests).</summary>
public class H264PacketizerTests
{
    private static List<(byte[] Payload, bool Last)> Packetize(byte[] accessUnit, int mtu)
    {
        var list = new List<(byte[], bool)>();
        var packetizer = new H264Packetizer(accessUnit, mtu);
        var buffer = new byte[mtu];
        int n;
        while ((n = packetizer.Next(buffer, out bool last)) > 0)
        {
            list.Add((buffer.AsSpan(0, n).ToArray(), last));
            Assert.True(list.Count < 10_000, "packetizer does not terminate");
        }

        return list;
    }

    [Fact]
    public void Rfc6184_5_7_1_SmallNalUnits_AreAggregatedIntoOneStapA_WithMaxNriAndMarkerOnIt()
    {
        byte[] au = Hex(
            "00000001 67 42001F" +  // SPS (NRI 3)
            "00000001 68 CE" +      // PPS (NRI 3)
            "000001   25 8884");    // IDR slice with NRI 1, 3-byte start code
        var packets = Packetize(au, 1200);

        var single = Assert.Single(packets);
        Assert.True(single.Last);
        Assert.Equal(Hex("78 0004 6742001F 0002 68CE 0003 258884"), single.Payload);
    }

    [Fact]
    public void Rfc6184_5_6_NalUnitThatDoesNotFitWithTheNext_IsSentAlone()
    {
        byte[] big = new byte[1100];
        big[0] = 0x41; // non-IDR slice NRI 2
        big.AsSpan(1).Fill(0xAB);
        byte[] au = [.. Hex("00000001"), .. big, .. Hex("00000001 0130")];
        var packets = Packetize(au, 1103); // big + STAP header (3) + second (2+2) does not fit

        Assert.Equal(2, packets.Count);
        Assert.Equal(big, packets[0].Payload);
        Assert.False(packets[0].Last);
        Assert.Equal(Hex("0130"), packets[1].Payload);
        Assert.True(packets[1].Last);
    }

    [Theory]
    [InlineData(1200, 5000)]
    [InlineData(1200, 1201)]
    [InlineData(3, 10)]
    public void Rfc6184_5_8_LargeNalUnit_IsFragmentedIntoFuA_StartAndEndBitsOnce(int mtu, int nalSize)
    {
        byte[] nal = new byte[nalSize];
        nal[0] = 0x65; // IDR slice, NRI 3
        for (int i = 1; i < nal.Length; i++) nal[i] = (byte)(i * 7 + 3);
        byte[] au = [0, 0, 0, 1, .. nal];
        var packets = Packetize(au, mtu);

        Assert.All(packets, p => Assert.True(p.Payload.Length <= mtu));
        Assert.All(packets, p => Assert.Equal(0x7C, p.Payload[0]));                 // FU indicator: F=0 NRI=3 type 28
        Assert.All(packets, p => Assert.Equal(0x05, p.Payload[1] & 0x1F));          // FU header type = IDR
        Assert.Equal(0x80, packets[0].Payload[1] & 0xC0);                            // S on the first only
        Assert.Equal(0x40, packets[^1].Payload[1] & 0xC0);                           // E on the last only
        Assert.All(packets.Skip(1).SkipLast(1), p => Assert.Equal(0, p.Payload[1] & 0xC0));
        Assert.Equal(new[] { true }, packets.Where(p => p.Last).Select(p => p.Last).ToArray());
        Assert.True(packets[^1].Last);
        byte[] joined = [nal[0], .. packets.SelectMany(p => p.Payload.Skip(2))];
        Assert.Equal(nal, joined);
    }

    [Fact]
    public void EmptyOrStartCodeFree_Input_ProducesNothing()
    {
        Assert.Empty(Packetize([], 1200));
        Assert.Empty(Packetize(Hex("00000001 000001"), 1200));
        Assert.Empty(Packetize(Hex("6742001F"), 1200)); // no start code: not Annex-B
    }

    [Fact]
    public void TooSmallPayloadSize_IsAnArgumentError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new H264Packetizer(default, 2));
    }

    [Fact]
    public void TryFindNalUnit_WalksBothStartCodeForms()
    {
        byte[] au = Hex("00000001 67AA 000001 68BB 00000001 65CC");
        var found = new List<string>();
        int from = 0;
        while (H264Packetizer.TryFindNalUnit(au, from, out int start, out int length, out from))
            found.Add(Convert.ToHexString(au, start, length));
        Assert.Equal(new[] { "67AA", "68BB", "65CC" }, found);
    }
}
