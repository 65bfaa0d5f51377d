using System.Buffers.Binary;
using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>Round trips, refusals and tampering on <see cref="SrtpContext"/>, per profile.</summary>
public sealed class SrtpContextTests
{
    private const uint Ssrc = 0x11223344;

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void RoundTrip_RtpOfManySizes(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        ushort seq = 1000;
        foreach (int payload in new[] { 0, 1, 15, 16, 17, 160, 1023, 1024, 1025, 1188, 4000 })
        {
            byte[] plain = RtpPacket(seq++, Ssrc, payload);
            byte[] wire = ProtectRtp(sender, plain);
            Assert.Equal(plain.Length + SrtpProfileInfo.GetRtpOverhead(profile), wire.Length);
            Assert.Equal(ToHex(plain.AsSpan(0, 12)), ToHex(wire.AsSpan(0, 12)));       // header stays clear
            if (payload >= 16)
            {
                Assert.NotEqual(ToHex(plain.AsSpan(12, 16)), ToHex(wire.AsSpan(12, 16))); // payload is encrypted
            }

            (SrtpError error, byte[] back) = UnprotectRtp(receiver, wire);
            Assert.Equal(SrtpError.None, error);
            Assert.Equal(ToHex(plain), ToHex(back));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void RoundTrip_RtpWithCsrcsAndExtensionKeepsThemClear(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] plain = Hex(
            "92 60 0102 00000001 11223344" +   // V=2 X=1 CC=2, PT 96, SEQ 0x0102, TS, SSRC
            "aaaaaaaa bbbbbbbb" +              // two CSRCs
            "bede 0001 10ff0000" +             // one-byte extension header, 1 word
            "0102030405060708090a");           // payload
        byte[] wire = ProtectRtp(sender, plain);
        Assert.Equal(ToHex(plain.AsSpan(0, 28)), ToHex(wire.AsSpan(0, 28)));        // header, CSRCs, extension clear
        Assert.NotEqual(ToHex(plain.AsSpan(28)), ToHex(wire.AsSpan(28, 10)));
        (SrtpError error, byte[] back) = UnprotectRtp(receiver, wire);
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(ToHex(plain), ToHex(back));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void RoundTrip_RtcpOfManySizes(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        foreach (int body in new[] { 0, 4, 20, 52, 1000, 1400 })
        {
            byte[] plain = RtcpPacket(Ssrc, body);
            byte[] wire = ProtectRtcp(sender, plain);
            Assert.Equal(plain.Length + SrtpProfileInfo.GetRtcpOverhead(profile), wire.Length);
            (SrtpError error, byte[] back) = UnprotectRtcp(receiver, wire);
            Assert.Equal(SrtpError.None, error);
            Assert.Equal(ToHex(plain), ToHex(back));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void RoundTrip_IndependentStreamsPerSsrc(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        for (ushort seq = 0; seq < 50; seq++)
        {
            foreach (uint ssrc in new uint[] { 1, 2, 0xFFFFFFFF })
            {
                byte[] plain = RtpPacket((ushort)(seq * 3 + ssrc), ssrc, 100);
                Assert.Equal(ToHex(plain), ToHex(UnprotectRtp(receiver, ProtectRtp(sender, plain)).Plain));
            }
        }
    }

    [Fact]
    public void DifferentKeysDoNotInteroperate()
    {
        using SrtpContext sender = CreateContext(SrtpProfile.AesCm128HmacSha1_80);
        byte[] otherKey = (byte[])Rfc3711MasterKey.Clone();
        otherKey[0] ^= 1;
        using var receiver = new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, otherKey, Rfc3711MasterSalt);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, ProtectRtp(sender, RtpPacket(1, Ssrc, 40))).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Tamper_EveryFlippedBitOfSrtpIsRefused(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] wire = ProtectRtp(sender, RtpPacket(4242, Ssrc, 40));
        for (int bit = 0; bit < wire.Length * 8; bit++)
        {
            byte[] tampered = (byte[])wire.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            SrtpError error = UnprotectRtp(receiver, tampered).Error;
            if (bit / 8 == 0)
            {
                // V, P, X, CC: the version check or the header walk may refuse first.
                Assert.Contains(error, new[] { SrtpError.AuthenticationFailed, SrtpError.BadVersion, SrtpError.Malformed });
            }
            else
            {
                Assert.Equal(SrtpError.AuthenticationFailed, error);
            }
        }

        // Nothing above moved the receiver: the genuine packet is still accepted.
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wire).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Tamper_EveryFlippedBitOfSrtcpIsRefused(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] wire = ProtectRtcp(sender, RtcpPacket(Ssrc, 28));
        for (int bit = 0; bit < wire.Length * 8; bit++)
        {
            byte[] tampered = (byte[])wire.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            SrtpError error = UnprotectRtcp(receiver, tampered).Error;
            if (bit / 8 == 0 && bit % 8 >= 6)
            {
                Assert.Equal(SrtpError.BadVersion, error);
            }
            else
            {
                Assert.Equal(SrtpError.AuthenticationFailed, error);
            }
        }

        Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, wire).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Tamper_TruncatedOrExtendedPacketIsRefused(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] wire = ProtectRtp(sender, RtpPacket(7, Ssrc, 40));
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, wire[..^1]).Error);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, [.. wire, 0]).Error);
    }

    public static TheoryData<string, string, int, SrtpError> ProtectRtpRefusals() => new()
    {
        { "too short: 11 octets", "80600001 00000000 112233", 32, SrtpError.TooShort },
        { "empty", "", 32, SrtpError.TooShort },
        { "wrong version (1)", "40600001 00000000 11223344 00", 32, SrtpError.BadVersion },
        { "wrong version (0)", "00600001 00000000 11223344 00", 32, SrtpError.BadVersion },
        { "CSRC count past the end", "83600001 00000000 11223344 aaaaaaaa", 64, SrtpError.Malformed },
        { "extension header cut", "90600001 00000000 11223344 bede", 64, SrtpError.Malformed },
        { "extension words past the end", "90600001 00000000 11223344 bede0002 00000000", 64, SrtpError.Malformed },
        { "no room for the tag", "80600001 00000000 11223344 0102", 15, SrtpError.BufferTooSmall },
    };

    [Theory]
    [MemberData(nameof(ProtectRtpRefusals))]
    public void ProtectRtp_Refusals(string name, string packet, int bufferLength, SrtpError expected)
    {
        Assert.NotNull(name);
        foreach (SrtpProfile profile in AllProfiles)
        {
            using SrtpContext sender = CreateContext(profile);
            byte[] bytes = Hex(packet);
            var buffer = new byte[Math.Max(bufferLength, bytes.Length)];
            bytes.CopyTo(buffer, 0);
            byte[] before = (byte[])buffer.Clone();
            Assert.Equal(expected, sender.ProtectRtp(buffer, bytes.Length, out int length));
            Assert.Equal(0, length);
            Assert.Equal(ToHex(before), ToHex(buffer)); // a refusal writes nothing
        }
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void ProtectRtp_TagNeedsExactlyTheOverhead(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        byte[] plain = RtpPacket(1, Ssrc, 20);
        var tight = new byte[plain.Length + sender.RtpOverhead - 1];
        plain.CopyTo(tight, 0);
        Assert.Equal(SrtpError.BufferTooSmall, sender.ProtectRtp(tight, plain.Length, out _));

        var exact = new byte[plain.Length + sender.RtpOverhead];
        plain.CopyTo(exact, 0);
        Assert.Equal(SrtpError.None, sender.ProtectRtp(exact, plain.Length, out int length));
        Assert.Equal(exact.Length, length);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void LengthArgumentOutsideTheBufferIsRefused(SrtpProfile profile)
    {
        using SrtpContext context = CreateContext(profile);
        var buffer = new byte[64];
        buffer[0] = 0x80;
        Assert.Equal(SrtpError.BufferTooSmall, context.ProtectRtp(buffer, 65, out _));
        Assert.Equal(SrtpError.BufferTooSmall, context.UnprotectRtp(buffer, 65, out _));
        Assert.Equal(SrtpError.BufferTooSmall, context.ProtectRtcp(buffer, 65, out _));
        Assert.Equal(SrtpError.BufferTooSmall, context.UnprotectRtcp(buffer, 65, out _));
        Assert.Equal(SrtpError.Malformed, context.ProtectRtp(buffer, -1, out _));
        Assert.Equal(SrtpError.Malformed, context.UnprotectRtp(buffer, -1, out _));
        Assert.Equal(SrtpError.Malformed, context.ProtectRtcp(buffer, -1, out _));
        Assert.Equal(SrtpError.Malformed, context.UnprotectRtcp(buffer, -1, out _));
    }

    public static TheoryData<string, string, SrtpError> UnprotectRtpRefusals() => new()
    {
        { "empty", "", SrtpError.TooShort },
        { "header only, no tag", "80600001 00000000 11223344", SrtpError.TooShort },
        { "wrong version", "40600001 00000000 11223344 00000000 00000000 00000000 00000000", SrtpError.BadVersion },
        { "CSRCs into the tag", "8f600001 00000000 11223344 00000000 00000000 00000000 00000000", SrtpError.Malformed },
        { "garbage tag", "80600001 00000000 11223344 00000000 00000000 00000000 00000000", SrtpError.AuthenticationFailed },
    };

    [Theory]
    [MemberData(nameof(UnprotectRtpRefusals))]
    public void UnprotectRtp_Refusals(string name, string packet, SrtpError expected)
    {
        Assert.NotNull(name);
        foreach (SrtpProfile profile in AllProfiles)
        {
            using SrtpContext receiver = CreateContext(profile);
            Assert.Equal(expected, UnprotectRtp(receiver, Hex(packet)).Error);
        }
    }

    public static TheoryData<string, string, SrtpError> RtcpRefusals() => new()
    {
        { "empty", "", SrtpError.TooShort },
        { "7 octets", "80c80001 112233", SrtpError.TooShort },
        { "wrong version", "40c80001 11223344 00000000 00000000 00000000 00000000 00000000", SrtpError.BadVersion },
    };

    [Theory]
    [MemberData(nameof(RtcpRefusals))]
    public void ProtectAndUnprotectRtcp_Refusals(string name, string packet, SrtpError expected)
    {
        Assert.NotNull(name);
        foreach (SrtpProfile profile in AllProfiles)
        {
            using SrtpContext context = CreateContext(profile);
            byte[] bytes = Hex(packet);
            var buffer = new byte[bytes.Length + SrtpContext.MaxRtcpOverhead];
            bytes.CopyTo(buffer, 0);
            Assert.Equal(expected, context.ProtectRtcp(buffer, bytes.Length, out _));
            Assert.Equal(expected, UnprotectRtcp(context, bytes).Error);
        }

        // A well-formed header with no room left for index + tag.
        using SrtpContext sender = CreateContext(SrtpProfile.AesCm128HmacSha1_80);
        byte[] rtcp = RtcpPacket(Ssrc, 4);
        var small = new byte[rtcp.Length + 13];
        rtcp.CopyTo(small, 0);
        Assert.Equal(SrtpError.BufferTooSmall, sender.ProtectRtcp(small, rtcp.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Rfc3711_3_4_SrtcpIndexStartsAtOneAndIncrementsWithEFlag(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        for (uint expected = 1; expected <= 5; expected++)
        {
            byte[] wire = ProtectRtcp(sender, RtcpPacket(Ssrc, 20));
            int wordOffset = profile == SrtpProfile.AeadAes128Gcm ? wire.Length - 4 : wire.Length - 4 - 10;
            Assert.Equal(0x8000_0000 | expected, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(wordOffset)));
        }

        // Another SSRC has its own index.
        byte[] other = ProtectRtcp(sender, RtcpPacket(Ssrc + 1, 20));
        int offset = profile == SrtpProfile.AeadAes128Gcm ? other.Length - 4 : other.Length - 14;
        Assert.Equal(0x8000_0001u, BinaryPrimitives.ReadUInt32BigEndian(other.AsSpan(offset)));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Rfc3711_3_4_SrtcpIndexWrapsAfter2Pow31Minus1(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        sender.SetNextRtcpIndex(Ssrc, 0x7FFF_FFFF);
        byte[] last = ProtectRtcp(sender, RtcpPacket(Ssrc, 20));
        byte[] wrapped = ProtectRtcp(sender, RtcpPacket(Ssrc, 20));
        int offset = profile == SrtpProfile.AeadAes128Gcm ? last.Length - 4 : last.Length - 14;
        Assert.Equal(0xFFFF_FFFFu, BinaryPrimitives.ReadUInt32BigEndian(last.AsSpan(offset)));    // E=1, index 2^31-1
        Assert.Equal(0x8000_0000u, BinaryPrimitives.ReadUInt32BigEndian(wrapped.AsSpan(offset))); // E=1, index 0
        Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, last).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Rfc3711_3_3_2_SrtcpReplay(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        var wires = new List<byte[]>();
        for (int i = 0; i < 200; i++)
        {
            wires.Add(ProtectRtcp(sender, RtcpPacket(Ssrc, 20)));
        }

        Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, wires[0]).Error);
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtcp(receiver, wires[0]).Error);
        Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, wires[199]).Error);    // index 200
        Assert.Equal(SrtpError.ReplayOld, UnprotectRtcp(receiver, wires[10]).Error); // index 11: 189 behind
        Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, wires[100]).Error);     // index 101: 99 behind, unseen
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtcp(receiver, wires[100]).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Rfc3711_3_3_2_SrtpReplayDuplicateAndOld(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        var wires = new Dictionary<ushort, byte[]>();
        for (ushort seq = 100; seq <= 400; seq++)
        {
            wires[seq] = ProtectRtp(sender, RtpPacket(seq, Ssrc, 30));
        }

        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wires[100]).Error);
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtp(receiver, wires[100]).Error);
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wires[300]).Error);
        Assert.Equal(SrtpError.ReplayOld, UnprotectRtp(receiver, wires[100]).Error);  // 200 behind
        Assert.Equal(SrtpError.ReplayOld, UnprotectRtp(receiver, wires[172]).Error);  // 128 behind: just out
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wires[173]).Error);       // 127 behind: just in
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtp(receiver, wires[173]).Error);
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wires[299]).Error);       // late, in window
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtp(receiver, wires[300]).Error);
    }

    [Fact]
    public void Rfc3711_3_3_2_LargerReplayWindowKeepsOlderPackets()
    {
        using SrtpContext sender = CreateContext(SrtpProfile.AesCm128HmacSha1_80);
        using SrtpContext receiver = CreateContext(SrtpProfile.AesCm128HmacSha1_80, replayWindowSize: 1024);
        byte[] early = ProtectRtp(sender, RtpPacket(10, Ssrc, 10));
        byte[] middle = ProtectRtp(sender, RtpPacket(500, Ssrc, 10));
        byte[] late = ProtectRtp(sender, RtpPacket(1000, Ssrc, 10));
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, late).Error);
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, middle).Error);   // 500 behind, inside 1024
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, early).Error);    // 990 behind
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtp(receiver, middle).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void ForgedPacketDoesNotMoveTheReplayWindow(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] first = ProtectRtp(sender, RtpPacket(1000, Ssrc, 30));
        byte[] second = ProtectRtp(sender, RtpPacket(1001, Ssrc, 30));
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, first).Error);

        // A forgery far ahead (would shift the window and bump the ROC if it were accepted).
        byte[] forged = (byte[])second.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(forged.AsSpan(2), 1000 + 30000);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, forged).Error);
        Assert.Equal(0u, receiver.GetReceiveRoc(Ssrc));
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, second).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void SenderMayResendAnOldSequenceNumber(SrtpProfile profile)
    {
        // NACK retransmission without RTX reuses the sequence number: the sender must protect it
        // again with the same index (ROC included), and a receiver that lost it accepts it.
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] lost = RtpPacket(65535, Ssrc, 30);
        byte[] firstTry = ProtectRtp(sender, lost);
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, ProtectRtp(sender, RtpPacket(65534, Ssrc, 30))).Error);
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, ProtectRtp(sender, RtpPacket(0, Ssrc, 30))).Error);
        byte[] resent = ProtectRtp(sender, lost);
        Assert.Equal(ToHex(firstTry), ToHex(resent));
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, resent).Error);
        Assert.Equal(1u, sender.GetSendRoc(Ssrc));
    }

    [Fact]
    public void Constructor_RejectsBadArguments()
    {
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, new byte[15], new byte[14]));
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[12]));
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[14]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext((SrtpProfile)0x0005, new byte[16], new byte[14]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[14], 63));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(SrtpProfile.AesCm128HmacSha1_80, new byte[16], new byte[14], 32769));
    }

    [Fact]
    public void DisposedContextThrows()
    {
        SrtpContext context = CreateContext(SrtpProfile.AeadAes128Gcm);
        context.Dispose();
        context.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => context.ProtectRtp(new byte[64], 20, out _));
    }
}
