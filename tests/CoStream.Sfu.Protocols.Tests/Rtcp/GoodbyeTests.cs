using System.Text;
using CoStream.Sfu.Protocols.Rtcp;

namespace CoStream.Sfu.Protocols.Tests.Rtcp;

public class GoodbyeTests
{
    private static readonly byte[] WithReason =
    [
        0x82, 0xCB, 0x00, 0x04, // V=2 P=0 SC=2, PT=203 (BYE), length 4 (20 bytes)
        0x90, 0x2F, 0x9E, 0x2E, // SSRC 1
        0xBC, 0x5E, 0x9A, 0x40, // SSRC 2
        0x05, 0x62, 0x79, 0x65, // reason length 5, "bye"
        0x21, 0x21, 0x00, 0x00, // "!!", padding
    ];

    [Fact]
    public void Rfc3550_6_6_WriteIsByteExact()
    {
        var bye = new Goodbye([0x902F9E2E, 0xBC5E9A40], "bye!!"u8);
        var buffer = new byte[bye.GetSize()];
        Assert.Equal(20, bye.WriteTo(buffer));
        Assert.Equal(WithReason, buffer);
    }

    [Fact]
    public void Rfc3550_6_6_ReadRoundTrip()
    {
        Assert.Equal(RtcpError.None, Goodbye.TryRead(WithReason, out var bye, out int consumed));
        Assert.Equal(20, consumed);
        Assert.Equal(2, bye.Sources.Count);
        var sources = new List<uint>();
        foreach (uint ssrc in bye.Sources)
        {
            sources.Add(ssrc);
        }

        Assert.Equal([0x902F9E2Eu, 0xBC5E9A40u], sources);
        Assert.Equal("bye!!", Encoding.ASCII.GetString(bye.Reason));
        var buffer = new byte[bye.GetSize()];
        bye.WriteTo(buffer);
        Assert.Equal(WithReason, buffer);
    }

    [Fact]
    public void Rfc3550_6_6_NoReason()
    {
        byte[] data = [0x81, 0xCB, 0x00, 0x01, 0x90, 0x2F, 0x9E, 0x2E]; // SC=1, length 1, SSRC
        Assert.Equal(RtcpError.None, Goodbye.TryRead(data, out var bye, out _));
        Assert.Equal(0x902F9E2Eu, bye.Sources[0]);
        Assert.True(bye.Reason.IsEmpty);
        var rebuilt = new Goodbye([0x902F9E2E]);
        Assert.Equal(8, rebuilt.GetSize());
    }

    public static TheoryData<string, byte[], RtcpError> NegativeRows => new()
    {
        { "SC=2 with one SSRC", [0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1], RtcpError.CountMismatch },
        { "reason past packet", [0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x09, 0x61, 0x62, 0x63], RtcpError.BadReason },
        { "words after reason", [0x81, 0xCB, 0x00, 0x03, 0, 0, 0, 1, 0x01, 0x61, 0, 0, 0, 0, 0, 0], RtcpError.TrailingBytes },
        { "wrong type", [0x81, 0xCA, 0x00, 0x01, 0, 0, 0, 1], RtcpError.WrongPacketType },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void Rfc3550_6_6_Refusals(string name, byte[] data, RtcpError expected)
    {
        Assert.True(expected == Goodbye.TryRead(data, out _, out _), name);
    }
}
