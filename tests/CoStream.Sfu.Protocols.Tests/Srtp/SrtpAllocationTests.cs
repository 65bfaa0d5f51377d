using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>After the first packet of an SSRC, protect and unprotect allocate nothing.</summary>
public sealed class SrtpAllocationTests
{
    private const int Pairs = 10_000;
    private const long AllowedBytes = 1024;

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void RtpProtectUnprotect_AllocatesNothingPerPacket(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] plain = RtpPacket(0, 0x1234, 1188);
        var buffer = new byte[plain.Length + SrtpContext.MaxRtpOverhead];
        ushort seq = 60_000;
        int failures = 0;

        void Pair()
        {
            plain.CopyTo(buffer, 0);
            buffer[2] = (byte)(seq >> 8);
            buffer[3] = (byte)seq;
            seq++;
            // No Assert inside the measured loop: xunit's Assert.Equal allocates. Count instead.
            if (sender.ProtectRtp(buffer, plain.Length, out int protectedLength) != SrtpError.None
                || receiver.UnprotectRtp(buffer, protectedLength, out int plainLength) != SrtpError.None
                || plainLength != plain.Length)
            {
                failures++;
            }
        }

        for (int i = 0; i < 200; i++)
        {
            Pair(); // warm-up: per-SSRC state, JIT
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Pairs; i++)
        {
            Pair(); // 60,200 + 10,000 crosses the sequence wrap once
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.True(allocated < AllowedBytes, $"{profile}: {allocated} bytes over {Pairs} RTP pairs");
        Assert.Equal(1u, receiver.GetReceiveRoc(0x1234));
    }

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void RtcpProtectUnprotect_AllocatesNothingPerPacket(SrtpProfile profile)
    {
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);
        byte[] plain = RtcpPacket(0x1234, 84);
        var buffer = new byte[plain.Length + SrtpContext.MaxRtcpOverhead];
        int failures = 0;

        void Pair()
        {
            plain.CopyTo(buffer, 0);
            if (sender.ProtectRtcp(buffer, plain.Length, out int protectedLength) != SrtpError.None
                || receiver.UnprotectRtcp(buffer, protectedLength, out int plainLength) != SrtpError.None
                || plainLength != plain.Length)
            {
                failures++;
            }
        }

        for (int i = 0; i < 200; i++)
        {
            Pair();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Pairs; i++)
        {
            Pair();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.True(allocated < AllowedBytes, $"{profile}: {allocated} bytes over {Pairs} RTCP pairs");
    }
}
