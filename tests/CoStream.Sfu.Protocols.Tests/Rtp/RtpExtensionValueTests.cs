using CoStream.Sfu.Protocols.Rtp;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

public class RtpExtensionValueTests
{
    [Theory]
    [InlineData(0L, 0x000000u)]
    [InlineData(1_000_000L, 0x040000u)]         // 1 s = 1 << 18
    [InlineData(500_000L, 0x020000u)]           // 0.5 s
    [InlineData(63_000_000L, 0xFC0000u)]        // 63 s: the top 6 bits
    [InlineData(64_000_000L, 0x000000u)]        // wraps every 64 s
    [InlineData(65_250_000L, 0x050000u)]        // 1.25 s after the wrap
    [InlineData(-1_000_000L, 0xFC0000u)]        // negative times wrap too
    [InlineData(4L, 0x000001u)]                 // 3.8 us per step: 4 us rounds to 1
    public void AbsSendTime_FromMicroseconds(long microseconds, uint expected)
    {
        Assert.Equal(expected, AbsSendTime.FromMicroseconds(microseconds));
    }

    [Fact]
    public void AbsSendTime_LargeEpochTimesDoNotOverflow()
    {
        long unixMicros = 1_795_000_000_000_000L; // year 2026 in microseconds
        uint value = AbsSendTime.FromMicroseconds(unixMicros);
        long back = AbsSendTime.ToMicroseconds(value);

        Assert.True(value <= AbsSendTime.Mask);
        Assert.InRange(back - (unixMicros % AbsSendTime.WrapMicroseconds), -2, 2);
    }

    [Fact]
    public void AbsSendTime_ReadWriteRoundTrip()
    {
        Span<byte> value = stackalloc byte[3];
        Assert.Equal(3, AbsSendTime.WriteTo(value, 0x123456));
        Assert.Equal(Hex("123456"), value.ToArray());

        Assert.Equal(RtpError.None, AbsSendTime.TryRead(value, out uint read));
        Assert.Equal(0x123456u, read);
        Assert.Equal(1_000_000L, AbsSendTime.ToMicroseconds(0x040000));
        Assert.Equal(RtpError.ExtensionValueLength, AbsSendTime.TryRead(Hex("1234"), out _));
        Assert.Equal(RtpError.ExtensionValueLength, AbsSendTime.TryRead(Hex("12345678"), out _));
    }

    [Fact]
    public void TransportSequenceNumber_ReadWriteAndRewrite()
    {
        Assert.Equal(RtpError.None, TransportSequenceNumber.TryRead(Hex("BEEF"), out ushort sequence));
        Assert.Equal(0xBEEF, sequence);
        Assert.Equal(RtpError.ExtensionValueLength, TransportSequenceNumber.TryRead(Hex("BE"), out _));

        byte[] packet = Hex("90 60 0001 00000001 00000002 BEDE 0001 31 0001 00");
        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out RtpHeader header, out _));
        Assert.True(TransportSequenceNumber.TryRewrite(packet, header, 3, 0xFFFF));
        Assert.False(TransportSequenceNumber.TryRewrite(packet, header, 4, 1));
        Assert.Equal(Hex("90 60 0001 00000001 00000002 BEDE 0001 31 FFFF 00"), packet);
    }

    [Fact]
    public void AbsSendTime_RewriteInPlace()
    {
        byte[] packet = Hex("90 60 0001 00000001 00000002 BEDE 0001 22 000000");
        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out RtpHeader header, out _));

        Assert.True(AbsSendTime.TryRewrite(packet, header, 2, 0xABCDEF));
        Assert.Equal(Hex("ABCDEF"), packet.AsSpan(17).ToArray());
    }

    [Theory]
    [InlineData("00", false, 0)]
    [InlineData("7F", false, 127)]
    [InlineData("80", true, 0)]
    [InlineData("AA", true, 42)]   // V=1, level 42 -dBov
    public void Rfc6464_3_AudioLevel(string hex, bool voice, byte level)
    {
        Assert.Equal(RtpError.None, AudioLevel.TryRead(Hex(hex), out bool readVoice, out byte readLevel));
        Assert.Equal(voice, readVoice);
        Assert.Equal(level, readLevel);

        Span<byte> written = stackalloc byte[1];
        AudioLevel.WriteTo(written, voice, level);
        Assert.Equal(Hex(hex), written.ToArray());
    }

    [Fact]
    public void Rfc6464_3_AudioLevelRefusesOtherLengths()
    {
        Assert.Equal(RtpError.ExtensionValueLength, AudioLevel.TryRead(ReadOnlySpan<byte>.Empty, out _, out _));
        Assert.Equal(RtpError.ExtensionValueLength, AudioLevel.TryRead(Hex("8000"), out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioLevel.WriteTo(new byte[1], true, 128));
    }

    [Theory]
    [InlineData("30", "0", RtpError.None)]                  // mid "0"
    [InlineData("68 69 67 68", "high", RtpError.None)]      // rid "high"
    [InlineData("71 00 00", "q", RtpError.None)]            // trailing NULs dropped
    [InlineData("00", "", RtpError.ExtensionValueLength)]   // only a NUL
    [InlineData("61 20 62", "", RtpError.ExtensionValueInvalid)] // space
    [InlineData("61 FF", "", RtpError.ExtensionValueInvalid)]    // not ASCII
    [InlineData("61 00 62", "", RtpError.ExtensionValueInvalid)] // NUL inside
    public void Rfc8852_3_SdesIdentifiers(string hex, string expected, RtpError expectedError)
    {
        RtpError error = SdesIdentifier.TryRead(Hex(hex), out ReadOnlySpan<byte> identifier);

        Assert.Equal(expectedError, error);
        if (error == RtpError.None)
        {
            Assert.True(SdesIdentifier.Equals(identifier, expected));
            Assert.False(SdesIdentifier.Equals(identifier, expected + "x"));
            Assert.Equal(expected, SdesIdentifier.ToString(identifier));
        }
    }

    [Fact]
    public void Rfc8852_3_SdesIdentifierWriteAndCompareWithoutAllocating()
    {
        Span<byte> buffer = stackalloc byte[16];
        int length = SdesIdentifier.WriteTo(buffer, "mid-1");

        Assert.Equal(Hex("6D 69 64 2D 31"), buffer.Slice(0, length).ToArray());
        Assert.Equal(RtpError.None, SdesIdentifier.TryRead(buffer.Slice(0, length), out ReadOnlySpan<byte> identifier));
        Assert.True(SdesIdentifier.Equals(identifier, "mid-1"));
        Assert.False(SdesIdentifier.Equals(identifier, "MID-1"));
        Assert.Throws<ArgumentException>(() => SdesIdentifier.WriteTo(new byte[4], "a b"));
    }
}
