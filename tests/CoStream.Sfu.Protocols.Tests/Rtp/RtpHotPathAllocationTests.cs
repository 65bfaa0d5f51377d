using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

/// <summary>The per-packet path (parse, find, rewrite, keyframe check, unwrap) must not allocate.</summary>
public class RtpHotPathAllocationTests
{
    [Fact]
    public void ParsingFindingAndRewritingAllocateNothing()
    {
        byte[] buffer = new byte[256];
        var writer = new RtpPacketWriter(buffer, 96, 1, 1, 1);
        writer.AddExtension(3, new byte[] { 0, 1 });
        writer.AddExtension(4, new byte[] { 0x30 });
        int length = writer.Complete(new byte[] { 0x90, 0x80, 0x05, 0x10, 0, 0 });
        var map = new RtpExtensionMap();
        map.TryRegister(3, RtpExtensionUris.TransportSequenceNumber);
        map.TryRegister(4, RtpExtensionUris.Mid);
        var unwrapper = new SequenceUnwrapper();

        int RunOnce(int i)
        {
            Span<byte> packet = buffer.AsSpan(0, length);
            int work = 0;
            if (RtpHeader.TryRead(packet, out RtpHeader header, out _) == RtpError.None)
            {
                RtpHeader.SetSequenceNumber(packet, (ushort)i);
                RtpHeader.SetSsrc(packet, 7);
                work += TransportSequenceNumber.TryRewrite(packet, header, map.GetId(RtpExtensionKind.TransportSequenceNumber), (ushort)i) ? 1 : 0;
                work += map.TryGetValue(packet, header, RtpExtensionKind.Mid, out ReadOnlySpan<byte> mid) && SdesIdentifier.Equals(mid, "0") ? 1 : 0;
                work += Vp8PayloadDescriptor.IsKeyFrame(header.GetPayload(packet)) ? 1 : 0;
                work += (int)(unwrapper.Unwrap((ushort)i) & 1);
            }

            return work;
        }

        int total = 0;
        for (int i = 0; i < 1000; i++)
        {
            total += RunOnce(i); // warm up
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            total += RunOnce(i);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(total > 30_000);
    }
}
