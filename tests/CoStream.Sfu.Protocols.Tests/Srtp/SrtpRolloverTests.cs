using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>RFC 3711 §3.3.1 and Appendix A: ROC and packet index across the sequence wrap.</summary>
public sealed class SrtpRolloverTests
{
    private const uint Ssrc = 0xCAFEBABE;

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void Rfc3711_3_3_1_WrapFrom65530To5KeepsDecryptingWithRoc1(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        var sequence = new List<ushort>();
        for (int s = 65530; s <= 65535 + 6; s++)
        {
            sequence.Add((ushort)s); // 65530 .. 65535, 0 .. 5
        }

        foreach (ushort seq in sequence)
        {
            byte[] plain = RtpPacket(seq, Ssrc, 50);
            (SrtpError error, byte[] back) = UnprotectRtp(receiver, ProtectRtp(sender, plain));
            Assert.Equal(SrtpError.None, error);
            Assert.Equal(ToHex(plain), ToHex(back));
        }

        Assert.Equal(1u, sender.GetSendRoc(Ssrc));
        Assert.Equal(1u, receiver.GetReceiveRoc(Ssrc));
    }

    [Fact]
    public void Rfc3711_3_3_1_AfterTheWrapTheIndexCarriesRoc1()
    {
        // The packet with SEQ 5 after the wrap must be the one an independent reference
        // computes with ROC = 1 (index 0x1_0005), not ROC = 0.
        using SrtpContext sender = CreateContext(SrtpProfile.AesCm128HmacSha1_80);
        for (int s = 65530; s <= 65535 + 5; s++)
        {
            ProtectRtp(sender, RtpPacket((ushort)s, Ssrc, 40));
        }

        byte[] plain = RtpPacket(5, Ssrc, 40);
        byte[] wire = ProtectRtp(sender, plain);
        var reference = new ReferenceSrtp(Rfc3711MasterKey, Rfc3711MasterSalt, tagLength: 10);
        Assert.Equal(ToHex(reference.Protect(plain, roc: 1)), ToHex(wire));
        Assert.NotEqual(ToHex(reference.Protect(plain, roc: 0)), ToHex(wire));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void AppendixA_ReceiverStartingLateGuessesTheRocAcrossTheWrap(SrtpProfile profile)
    {
        // The sender has been running; the receiver's first packet is 65533 (ROC 0). Then the
        // stream wraps with loss and reordering: 2 arrives before the late 65535 and 0.
        using SrtpContext sender = CreateContext(profile);
        var wires = new Dictionary<int, byte[]>();
        for (int s = 60000; s <= 65535 + 10; s++)
        {
            wires[s] = ProtectRtp(sender, RtpPacket((ushort)s, Ssrc, 20));
        }

        using SrtpContext receiver = CreateContext(profile);
        int[] arrival = [65533, 65534, 65536 + 2, 65535, 65536 + 0, 65536 + 3, 65536 + 1];
        foreach (int index in arrival)
        {
            (SrtpError error, byte[] back) = UnprotectRtp(receiver, wires[index]);
            Assert.Equal(SrtpError.None, error);
            Assert.Equal(ToHex(RtpPacket((ushort)index, Ssrc, 20)), ToHex(back));
        }

        Assert.Equal(1u, receiver.GetReceiveRoc(Ssrc));
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtp(receiver, wires[65535]).Error);
        Assert.Equal(SrtpError.ReplayDuplicate, UnprotectRtp(receiver, wires[65536 + 2]).Error);
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void AppendixA_LongGapsWithinHalfTheSequenceSpaceKeepTheRoc(SrtpProfile profile)
    {
        // Jumps just under 2^15 forward are followed; three of them cross the wrap.
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        long index = 100;
        for (int step = 0; step < 8; step++, index += 32000)
        {
            byte[] plain = RtpPacket((ushort)index, Ssrc, 10);
            byte[] wire = ProtectRtp(sender, plain);
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wire).Error);
            Assert.Equal((uint)(index >> 16), receiver.GetReceiveRoc(Ssrc));
            Assert.Equal((uint)(index >> 16), sender.GetSendRoc(Ssrc));
        }
    }

    [Fact]
    public void AppendixA_EstimatorTable()
    {
        // (highest index, SEQ) -> index: the four branches of the guess.
        (ulong Highest, ushort Seq, ulong Expected)[] rows =
        [
            (0x0_0010, 0x0011, 0x0_0011),   // s_l < 2^15, just ahead: v = ROC
            (0x1_0010, 0xFFF0, 0x0_FFF0),   // s_l < 2^15, SEQ far ahead: from before the wrap, v = ROC - 1
            (0x0_FFF0, 0x0005, 0x1_0005),   // s_l >= 2^15, SEQ far behind: after the wrap, v = ROC + 1
            (0x0_FFF0, 0xFFE0, 0x0_FFE0),   // s_l >= 2^15, just behind: v = ROC
            (0x2_8000, 0x0000, 0x2_0000),   // s_l = 2^15 exactly, SEQ 0: s_l - 2^15 = 0 is not > 0, v = ROC
            (0x2_7FFF, 0xFFFF, 0x2_FFFF),   // SEQ - s_l = 2^15 is not > 2^15: v = ROC
        ];
        foreach ((ulong highest, ushort seq, ulong expected) in rows)
        {
            Assert.True(SrtpIndexEstimator.TryEstimate(highest, seq, out ulong index));
            Assert.Equal(expected, index);
        }

        // ROC 0 and a guess of ROC - 1: a packet from before the stream began has no index.
        Assert.False(SrtpIndexEstimator.TryEstimate(0x0_0010, 0xFFF0, out _));
    }

    [Fact]
    public void PacketFromBeforeTheFirstIndexIsRefusedAsOld()
    {
        using SrtpContext sender = CreateContext(SrtpProfile.AesCm128HmacSha1_80);
        using SrtpContext receiver = CreateContext(SrtpProfile.AesCm128HmacSha1_80);
        byte[] early = ProtectRtp(sender, RtpPacket(65500, Ssrc, 10)); // ROC 0
        byte[] afterWrap = ProtectRtp(sender, RtpPacket(10, Ssrc, 10)); // ROC 1
        // The receiver sees the post-wrap packet first and (as RFC 3711 §3.3.1 says) takes ROC 0
        // for a new SSRC: the packet does not authenticate. This is why senders start their
        // sequence numbers below 2^15 (libwebrtc does).
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, afterWrap).Error);
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, early).Error);
        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, afterWrap).Error);
        Assert.Equal(1u, receiver.GetReceiveRoc(Ssrc));
    }

    [Fact]
    public void SenderStateIgnoresAPacketFromBeforeItsFirstIndex()
    {
        using SrtpContext sender = CreateContext(SrtpProfile.AesCm128HmacSha1_80);
        var reference = new ReferenceSrtp(Rfc3711MasterKey, Rfc3711MasterSalt, tagLength: 10);
        ProtectRtp(sender, RtpPacket(16, Ssrc, 10));
        byte[] before = RtpPacket(0xFFF0, Ssrc, 10);              // would need ROC -1
        Assert.Equal(ToHex(reference.Protect(before, roc: 0)), ToHex(ProtectRtp(sender, before)));
        Assert.Equal(0u, sender.GetSendRoc(Ssrc));

        byte[] next = RtpPacket(17, Ssrc, 10);                     // still ROC 0, state not moved
        Assert.Equal(ToHex(reference.Protect(next, roc: 0)), ToHex(ProtectRtp(sender, next)));
    }
}
