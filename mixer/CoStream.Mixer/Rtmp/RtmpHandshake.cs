using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CoStream.Mixer.Rtmp;

/// <summary>
/// The plain (unencrypted, undigested) RTMP handshake, client side (RTMP specification 1.0, §5.2):
/// C0 (version 3) + C1 (time, zero, 1528 random bytes) → S0 + S1 + S2 → C2 (an echo of S1).
/// </summary>
public static class RtmpHandshake
{
    public const byte Version = 3;
    public const int PacketSize = 1536;

    /// <summary>C0 and C1 (1537 bytes).</summary>
    public static byte[] CreateC0C1(uint time)
    {
        var b = new byte[1 + PacketSize];
        b[0] = Version;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(1), time);
        // bytes 5..8 are zero in the plain handshake
        RandomNumberGenerator.Fill(b.AsSpan(9));
        return b;
    }

    /// <summary>Checks S0 (3 bytes… version byte) and returns C2: S1 echoed with time2 = our read time.</summary>
    public static byte[]? CreateC2(ReadOnlySpan<byte> s0s1, uint readTime, out string? reason)
    {
        reason = null;
        if (s0s1.Length < 1 + PacketSize) { reason = "S0/S1 truncated"; return null; }
        if (s0s1[0] != Version) { reason = $"server answered RTMP version {s0s1[0]}"; return null; }
        var c2 = s0s1.Slice(1, PacketSize).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(c2.AsSpan(4), readTime);
        return c2;
    }
}
