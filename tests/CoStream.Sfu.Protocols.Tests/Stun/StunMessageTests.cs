using System.Net;
using System.Text;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.Sfu.Protocols.Tests.Stun;

public sealed class StunMessageTests
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(Rfc5769Vectors.ShortTermPassword);

    [Fact]
    public void Rfc5769_2_1_SampleRequest_Reads()
    {
        byte[] packet = Rfc5769Vectors.SampleRequest;

        Assert.Equal(StunError.None, StunMessage.TryRead(packet, out StunMessage message, out int consumed));

        Assert.Equal(packet.Length, consumed);
        Assert.Equal(StunMessageType.BindingRequest, message.Type);
        Assert.Equal(Rfc5769Vectors.TransactionId, message.TransactionIdBytes.ToArray());
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(message.Software));
        Assert.Equal(0x6e0001ffu, message.Priority);
        Assert.True(message.HasIceControlled);
        Assert.False(message.HasIceControlling);
        Assert.Equal(0x932ff9b151263b36ul, message.IceControlled);
        Assert.Equal("evtj:h6vY", message.UsernameString);
        Assert.False(message.UseCandidate);
        Assert.True(message.HasMessageIntegrity);
        Assert.True(message.HasFingerprint);
        Assert.Equal(6, message.AttributeCount);
    }

    [Fact]
    public void Rfc5769_2_1_SampleRequest_IntegrityAndFingerprintVerify()
    {
        Assert.True(StunMessage.VerifyMessageIntegrity(Rfc5769Vectors.SampleRequest, Password));
        Assert.True(StunMessage.VerifyFingerprint(Rfc5769Vectors.SampleRequest));
        Assert.False(StunMessage.VerifyMessageIntegrity(Rfc5769Vectors.SampleRequest, "wrong"u8));
    }

    [Fact]
    public void Rfc5769_2_2_SampleIPv4Response_Reads()
    {
        byte[] packet = Rfc5769Vectors.SampleIPv4Response;

        Assert.Equal(StunError.None, StunMessage.TryRead(packet, out StunMessage message, out _));

        Assert.Equal(StunMessageType.BindingSuccess, message.Type);
        Assert.Equal("test vector", Encoding.UTF8.GetString(message.Software));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), message.XorMappedAddress);
        Assert.True(message.CheckMessageIntegrity(Password));
        Assert.True(message.CheckFingerprint());
    }

    [Fact]
    public void Rfc5769_2_3_SampleIPv6Response_Reads()
    {
        byte[] packet = Rfc5769Vectors.SampleIPv6Response;

        Assert.Equal(StunError.None, StunMessage.TryRead(packet, out StunMessage message, out _));

        Assert.Equal(StunMessageType.BindingSuccess, message.Type);
        Assert.Equal(
            new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
            message.XorMappedAddress);
        Assert.True(message.CheckMessageIntegrity(Password));
        Assert.True(message.CheckFingerprint());
    }

    [Fact]
    public void Rfc5769_2_4_SampleLongTermRequest_ReadsAndVerifiesWithMd5Key()
    {
        byte[] packet = Rfc5769Vectors.SampleLongTermRequest;

        Assert.Equal(StunError.None, StunMessage.TryRead(packet, out StunMessage message, out _));

        const string username = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
        Assert.Equal(StunMessageType.BindingRequest, message.Type);
        Assert.Equal(username, message.UsernameString);
        Assert.Equal("f//499k954d6OL34oL9FSTvy64sA", Encoding.UTF8.GetString(message.Nonce));
        Assert.Equal("example.org", Encoding.UTF8.GetString(message.Realm));
        Assert.Equal(4, message.AttributeCount);
        Assert.True(message.HasMessageIntegrity);
        Assert.False(message.HasFingerprint);
        Assert.False(message.CheckFingerprint());

        byte[] key = StunMessage.ComputeLongTermKey(username, "example.org", "TheMatrIX");
        Assert.True(message.CheckMessageIntegrity(key));
        Assert.False(message.CheckMessageIntegrity(StunMessage.ComputeLongTermKey(username, "example.org", "TheMatrix")));
    }

    [Fact]
    public void Rfc5389_15_5_FingerprintCrcIsIsoHdlc()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void Rfc5389_15_4_TamperedByteFailsIntegrityAndFingerprint()
    {
        byte[] packet = (byte[])Rfc5769Vectors.SampleRequest.Clone();
        packet[27] ^= 0x01; // inside SOFTWARE

        Assert.False(StunMessage.VerifyMessageIntegrity(packet, Password));
        Assert.False(StunMessage.VerifyFingerprint(packet));
    }

    [Fact]
    public void TryReadUsername_PeeksWithoutFullValidation()
    {
        Assert.True(StunMessage.TryReadUsername(Rfc5769Vectors.SampleRequest, out ReadOnlySpan<byte> username));
        Assert.Equal("evtj:h6vY", Encoding.ASCII.GetString(username));

        Assert.False(StunMessage.TryReadUsername(Rfc5769Vectors.SampleIPv4Response, out _));
        Assert.False(StunMessage.TryReadUsername(Rfc5769Vectors.SampleRequest.AsSpan(0, 19), out _));
    }

    [Theory]
    [InlineData(0x0001, StunMethod.Binding, StunClass.Request)]
    [InlineData(0x0011, StunMethod.Binding, StunClass.Indication)]
    [InlineData(0x0101, StunMethod.Binding, StunClass.SuccessResponse)]
    [InlineData(0x0111, StunMethod.Binding, StunClass.ErrorResponse)]
    [InlineData(0x0003, (StunMethod)0x003, StunClass.Request)]           // TURN Allocate
    [InlineData(0x3EEF, (StunMethod)0xFFF, StunClass.Request)]            // every method bit set
    [InlineData(0x3FFF, (StunMethod)0xFFF, StunClass.ErrorResponse)]
    public void Rfc5389_6_MessageTypePacksMethodAndClass(int wire, StunMethod method, StunClass @class)
    {
        var type = new StunMessageType(method, @class);

        Assert.Equal((ushort)wire, type.ToUInt16());
        Assert.Equal(type, StunMessageType.FromUInt16((ushort)wire));
    }

    public static TheoryData<string, byte[], StunError> NegativeRows() => new()
    {
        { "empty", Array.Empty<byte>(), StunError.TooShort },
        { "19 bytes", Rfc5769Vectors.SampleRequest[..19], StunError.TooShort },
        { "top bits set (RTP)", Patch(Rfc5769Vectors.SampleRequest, 0, 0x80), StunError.NotStun },
        { "top bit 0x40", Patch(Rfc5769Vectors.SampleRequest, 0, 0x40), StunError.NotStun },
        { "classic RFC 3489 cookie", Patch(Rfc5769Vectors.SampleRequest, 4, 0x00), StunError.BadMagicCookie },
        { "length not multiple of 4", Patch(Rfc5769Vectors.SampleRequest, 3, 0x57), StunError.LengthNotMultipleOfFour },
        { "length past datagram", Patch(Rfc5769Vectors.SampleRequest, 3, 0x5c), StunError.Truncated },
        { "truncated datagram", Rfc5769Vectors.SampleRequest[..^4], StunError.Truncated },
        { "trailing bytes", [.. Rfc5769Vectors.SampleRequest, 0, 0, 0, 0], StunError.TrailingBytes },
        { "attribute past end", Header(8, [0x00, 0x06, 0x00, 0x09, 0x61, 0x62, 0x63, 0x64]), StunError.AttributeTruncated },
        { "priority length 3", Header(8, [0x00, 0x24, 0x00, 0x03, 0x01, 0x02, 0x03, 0x00]), StunError.BadAttributeLength },
        { "use-candidate with value", Header(8, [0x00, 0x25, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04]), StunError.BadAttributeLength },
        { "integrity length 16", Header(20, [0x00, 0x08, 0x00, 0x10, .. new byte[16]]), StunError.BadAttributeLength },
        { "fingerprint length 8", Header(12, [0x80, 0x28, 0x00, 0x08, .. new byte[8]]), StunError.BadAttributeLength },
        { "xor address family 3", Header(12, [0x00, 0x20, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 1, 2, 3, 4]), StunError.BadAddressFamily },
        { "xor address length 12", Header(16, [0x00, 0x20, 0x00, 0x0c, 0x00, 0x01, .. new byte[10]]), StunError.BadAttributeLength },
        { "error class 2", Header(8, [0x00, 0x09, 0x00, 0x04, 0x00, 0x00, 0x02, 0x00]), StunError.BadErrorCode },
        { "error number 100", Header(8, [0x00, 0x09, 0x00, 0x04, 0x00, 0x00, 0x04, 0x64]), StunError.BadErrorCode },
        { "error code too short", Header(8, [0x00, 0x09, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00]), StunError.BadAttributeLength },
        {
            "attribute after fingerprint",
            Header(16, [0x80, 0x28, 0x00, 0x04, 1, 2, 3, 4, 0x00, 0x24, 0x00, 0x04, 1, 2, 3, 4]),
            StunError.AttributeAfterFingerprint
        },
        {
            "priority after integrity",
            Header(32, [0x00, 0x08, 0x00, 0x14, .. new byte[20], 0x00, 0x24, 0x00, 0x04, 1, 2, 3, 4]),
            StunError.AttributeAfterMessageIntegrity
        },
    };

    [Theory]
    [MemberData(nameof(NegativeRows))]
    public void Rfc5389_6_And_15_NegativeRowsAreRefusedWithAReason(string row, byte[] packet, StunError expected)
    {
        StunError error = StunMessage.TryRead(packet, out _, out int consumed);

        Assert.True(expected == error, $"{row}: expected {expected}, got {error}");
        Assert.Equal(0, consumed);
    }

    [Fact]
    public void Rfc5389_15_OnlyTheFirstOccurrenceCounts()
    {
        byte[] packet = Header(16, [0x00, 0x24, 0x00, 0x04, 0, 0, 0, 1, 0x00, 0x24, 0x00, 0x04, 0, 0, 0, 2]);

        Assert.Equal(StunError.None, StunMessage.TryRead(packet, out StunMessage message, out _));
        Assert.Equal(1u, message.Priority);
        Assert.Equal(2, message.AttributeCount);
    }

    [Fact]
    public void Rfc5389_15_UnknownComprehensionRequiredAttributeIsFlagged()
    {
        byte[] optional = Header(8, [0x80, 0x99, 0x00, 0x04, 1, 2, 3, 4]);
        byte[] required = Header(8, [0x00, 0x99, 0x00, 0x04, 1, 2, 3, 4]);

        Assert.Equal(StunError.None, StunMessage.TryRead(optional, out StunMessage a, out _));
        Assert.False(a.HasUnknownComprehensionRequired);
        Assert.Equal(StunError.None, StunMessage.TryRead(required, out StunMessage b, out _));
        Assert.True(b.HasUnknownComprehensionRequired);
        Assert.True(b.TryGetAttribute((StunAttributeType)0x0099, out ReadOnlySpan<byte> value));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, value.ToArray());
    }

    /// <summary>A Binding request header (transaction id 1..12) followed by raw attribute bytes.</summary>
    internal static byte[] Header(int length, byte[] attributes)
    {
        byte[] header =
        [
            0x00, 0x01, (byte)(length >> 8), (byte)length, // Binding request, length
            0x21, 0x12, 0xa4, 0x42,                        // magic cookie
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,         // transaction id
        ];
        return [.. header, .. attributes];
    }

    private static byte[] Patch(byte[] packet, int index, byte value)
    {
        byte[] copy = (byte[])packet.Clone();
        copy[index] = value;
        return copy;
    }
}
