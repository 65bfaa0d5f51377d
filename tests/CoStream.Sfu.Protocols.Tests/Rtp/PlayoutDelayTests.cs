using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

public class PlayoutDelayTests
{
    [Theory]
    [InlineData(0, 0, new byte[] { 0x00, 0x00, 0x00 })]
    // min 100 ms = 10 units (0x00A), max 400 ms = 40 units (0x028): 0x00A028
    [InlineData(100, 400, new byte[] { 0x00, 0xA0, 0x28 })]
    // both at the 12-bit maximum (40950 ms)
    [InlineData(40950, 40950, new byte[] { 0xFF, 0xFF, 0xFF })]
    public void WriteAndRead_RoundTrip(int minMs, int maxMs, byte[] expected)
    {
        var buffer = new byte[3];
        Assert.Equal(3, PlayoutDelay.WriteTo(buffer, minMs, maxMs));
        Assert.Equal(expected, buffer);
        Assert.Equal(RtpError.None, PlayoutDelay.TryRead(buffer, out var min, out var max));
        Assert.Equal((minMs, maxMs), (min, max));
    }

    [Fact]
    public void MaxBelowMin_IsRaisedToMin_OnWrite_AndRefusedOnRead()
    {
        var buffer = new byte[3];
        PlayoutDelay.WriteTo(buffer, 200, 100);
        Assert.Equal(RtpError.None, PlayoutDelay.TryRead(buffer, out var min, out var max));
        Assert.Equal((200, 200), (min, max));
        // min 30 units, max 1 unit: impossible
        Assert.Equal(RtpError.ExtensionValueInvalid, PlayoutDelay.TryRead(new byte[] { 0x01, 0xE0, 0x01 }, out _, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void WrongLength_IsRefused(int length) =>
        Assert.Equal(RtpError.ExtensionValueLength, PlayoutDelay.TryRead(new byte[length], out _, out _));
}
