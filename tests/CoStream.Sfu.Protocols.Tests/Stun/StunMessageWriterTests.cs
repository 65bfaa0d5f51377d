using System.Net;
using System.Text;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.Sfu.Protocols.Tests.Stun;

public sealed class StunMessageWriterTests
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(Rfc5769Vectors.ShortTermPassword);
    private static readonly StunTransactionId VectorId = new(Rfc5769Vectors.TransactionId);

    [Fact]
    public void Rfc5769_2_1_WriterReproducesSampleRequest()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, VectorId) { PaddingByte = 0x20 };

        Assert.True(writer.AddSoftware("STUN test client"));
        Assert.True(writer.AddPriority(0x6e0001ff));
        Assert.True(writer.AddIceControlled(0x932ff9b151263b36));
        Assert.True(writer.AddUsername("evtj:h6vY"));
        Assert.True(writer.AddMessageIntegrity(Password));
        Assert.True(writer.AddFingerprint());

        Assert.Equal(Rfc5769Vectors.SampleRequest, writer.Written.ToArray());
        Assert.False(writer.Overflowed);
    }

    [Fact]
    public void Rfc5769_2_2_WriterReproducesSampleIPv4Response()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, VectorId) { PaddingByte = 0x20 };

        Assert.True(writer.AddSoftware("test vector"));
        Assert.True(writer.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853)));
        Assert.True(writer.AddMessageIntegrity(Password));
        Assert.True(writer.AddFingerprint());

        Assert.Equal(Rfc5769Vectors.SampleIPv4Response, writer.Written.ToArray());
    }

    [Fact]
    public void Rfc5769_2_3_WriterReproducesSampleIPv6Response()
    {
        Span<byte> buffer = stackalloc byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, VectorId) { PaddingByte = 0x20 };

        Assert.True(writer.AddSoftware("test vector"));
        Assert.True(writer.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853)));
        Assert.True(writer.AddMessageIntegrity(Password));
        Assert.True(writer.AddFingerprint());

        Assert.Equal(Rfc5769Vectors.SampleIPv6Response, writer.Written.ToArray());
    }

    [Fact]
    public void RoundTrip_EveryIceAttribute()
    {
        var id = StunTransactionId.NewRandom();
        byte[] buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, id);
        writer.AddUsername("abcd:efghij");
        writer.AddPriority(1853824767);
        writer.AddUseCandidate();
        writer.AddIceControlling(0x0102030405060708);
        writer.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50000));
        writer.AddMessageIntegrity("secret"u8);
        writer.AddFingerprint();
        int length = writer.Length;

        Assert.Equal(StunError.None, StunMessage.TryRead(buffer.AsSpan(0, length), out StunMessage message, out int consumed));
        Assert.Equal(length, consumed);
        Assert.Equal(id, message.TransactionId);
        Assert.Equal("abcd:efghij", message.UsernameString);
        Assert.Equal(1853824767u, message.Priority);
        Assert.True(message.UseCandidate);
        Assert.Equal(0x0102030405060708ul, message.IceControlling);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 50000), message.XorMappedAddress);
        Assert.True(message.CheckMessageIntegrity("secret"u8));
        Assert.True(message.CheckFingerprint());
    }

    [Fact]
    public void RoundTrip_ErrorResponse()
    {
        byte[] buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingError, StunTransactionId.NewRandom());
        Assert.True(writer.AddErrorCode(487, "Role Conflict"));
        Assert.True(writer.AddFingerprint());

        Assert.Equal(StunError.None, StunMessage.TryRead(buffer.AsSpan(0, writer.Length), out StunMessage message, out _));
        Assert.Equal(StunMessageType.BindingError, message.Type);
        Assert.Equal(487, message.ErrorCode);
        Assert.Equal("Role Conflict", Encoding.UTF8.GetString(message.ErrorReason));
    }

    [Fact]
    public void Rfc5389_15_2_IPv4MappedIPv6IsWrittenAsIPv4()
    {
        byte[] buffer = new byte[64];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, StunTransactionId.NewRandom());
        Assert.True(writer.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("::ffff:198.51.100.2"), 4242)));

        Assert.Equal(StunMessage.HeaderLength + 4 + 8, writer.Length);
        StunMessage.TryRead(buffer.AsSpan(0, writer.Length), out StunMessage message, out _);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.2"), 4242), message.XorMappedAddress);
    }

    [Fact]
    public void BufferTooSmall_RefusesWithoutWritingPastTheEnd()
    {
        byte[] backing = new byte[64];
        Array.Fill(backing, (byte)0xEE);
        Span<byte> buffer = backing.AsSpan(0, 40); // header + 20 bytes

        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        Assert.True(writer.AddPriority(7));                     // 28 bytes
        Assert.False(writer.AddMessageIntegrity("key"u8));      // would need 52
        Assert.True(writer.Overflowed);
        Assert.Equal(28, writer.Length);
        Assert.True(writer.AddIceControlling(1));               // exactly 40
        Assert.False(writer.AddUseCandidate());                 // 44 > 40

        Assert.All(backing[40..], b => Assert.Equal(0xEE, b));
        Assert.Equal(StunError.None, StunMessage.TryRead(buffer[..writer.Length], out _, out _));
    }

    [Fact]
    public void BufferShorterThanHeader_WritesNothing()
    {
        byte[] buffer = new byte[19];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());

        Assert.Equal(0, writer.Length);
        Assert.True(writer.Overflowed);
        Assert.False(writer.AddPriority(1));
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Rfc5389_15_4_OnlyFingerprintMayFollowIntegrity_AndNothingFollowsFingerprint()
    {
        byte[] buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.AddMessageIntegrity("k"u8);

        Assert.False(writer.AddPriority(1));
        Assert.True(writer.AddFingerprint());
        Assert.False(writer.AddFingerprint());
        Assert.Equal(StunMessage.HeaderLength + 24 + 8, writer.Length);
    }

    [Fact]
    public void InvalidErrorCodeIsAProgrammingError()
    {
        byte[] buffer = new byte[64];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var writer = new StunMessageWriter(buffer, StunMessageType.BindingError, StunTransactionId.NewRandom());
            writer.AddErrorCode(200, "OK");
        });
    }
}
