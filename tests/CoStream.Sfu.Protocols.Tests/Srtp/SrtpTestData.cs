using System.Buffers.Binary;
using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>Hex helpers, keys and packet builders shared by the SRTP tests.</summary>
internal static class SrtpTestData
{
    /// <summary>RFC 3711 Appendix B.3 / libsrtp test master key.</summary>
    public static readonly byte[] Rfc3711MasterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");

    /// <summary>RFC 3711 Appendix B.3 / libsrtp test master salt (112 bits).</summary>
    public static readonly byte[] Rfc3711MasterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

    /// <summary>libsrtp srtp_validate_gcm() master key and 96-bit salt.</summary>
    public static readonly byte[] GcmMasterKey = Hex("000102030405060708090a0b0c0d0e0f");
    public static readonly byte[] GcmMasterSalt = Hex("a0a1a2a3a4a5a6a7a8a9aaab");

    public static readonly SrtpProfile[] AllProfiles =
    [
        SrtpProfile.AesCm128HmacSha1_80,
        SrtpProfile.AesCm128HmacSha1_32,
        SrtpProfile.AeadAes128Gcm,
    ];

    public static TheoryData<SrtpProfile> Profiles()
    {
        var data = new TheoryData<SrtpProfile>();
        foreach (SrtpProfile profile in AllProfiles)
        {
            data.Add(profile);
        }

        return data;
    }

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    public static SrtpContext CreateContext(SrtpProfile profile, int replayWindowSize = SrtpContext.DefaultReplayWindowSize)
    {
        (byte[] key, byte[] salt) = MasterFor(profile);
        return new SrtpContext(profile, key, salt, replayWindowSize);
    }

    public static (byte[] Key, byte[] Salt) MasterFor(SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm
        ? (GcmMasterKey, GcmMasterSalt)
        : (Rfc3711MasterKey, Rfc3711MasterSalt);

    /// <summary>An RTP packet: V=2, PT 96, the given sequence number and SSRC, payload bytes (i * 7 + seq).</summary>
    public static byte[] RtpPacket(ushort sequenceNumber, uint ssrc, int payloadLength, uint timestamp = 0x01020304)
    {
        var packet = new byte[12 + payloadLength];
        packet[0] = 0x80;                                                        // V=2 P=0 X=0 CC=0
        packet[1] = 96;                                                          // M=0 PT=96
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequenceNumber); // sequence number
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);      // timestamp
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);           // SSRC
        for (int i = 0; i < payloadLength; i++)
        {
            packet[12 + i] = (byte)(i * 7 + sequenceNumber);
        }

        return packet;
    }

    /// <summary>A sender report-like RTCP packet: V=2, PT 200, sender SSRC, body bytes.</summary>
    public static byte[] RtcpPacket(uint ssrc, int bodyLength)
    {
        var packet = new byte[8 + bodyLength];
        packet[0] = 0x80;                                                                  // V=2 P=0 RC=0
        packet[1] = 200;                                                                   // PT=SR
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1)); // length
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);                     // sender SSRC
        for (int i = 0; i < bodyLength; i++)
        {
            packet[8 + i] = (byte)(0xA5 ^ i);
        }

        return packet;
    }

    /// <summary>Protects <paramref name="plain"/> with <paramref name="sender"/> and returns the wire bytes.</summary>
    public static byte[] ProtectRtp(SrtpContext sender, byte[] plain)
    {
        var buffer = new byte[plain.Length + SrtpContext.MaxRtpOverhead];
        plain.CopyTo(buffer, 0);
        Assert.Equal(SrtpError.None, sender.ProtectRtp(buffer, plain.Length, out int length));
        return buffer[..length];
    }

    public static byte[] ProtectRtcp(SrtpContext sender, byte[] plain)
    {
        var buffer = new byte[plain.Length + SrtpContext.MaxRtcpOverhead];
        plain.CopyTo(buffer, 0);
        Assert.Equal(SrtpError.None, sender.ProtectRtcp(buffer, plain.Length, out int length));
        return buffer[..length];
    }

    /// <summary>Unprotects a copy of <paramref name="wire"/>; returns the reason and the plaintext (empty on refusal).</summary>
    public static (SrtpError Error, byte[] Plain) UnprotectRtp(SrtpContext receiver, byte[] wire)
    {
        byte[] buffer = (byte[])wire.Clone();
        SrtpError error = receiver.UnprotectRtp(buffer, buffer.Length, out int length);
        return (error, buffer[..length]);
    }

    public static (SrtpError Error, byte[] Plain) UnprotectRtcp(SrtpContext receiver, byte[] wire)
    {
        byte[] buffer = (byte[])wire.Clone();
        SrtpError error = receiver.UnprotectRtcp(buffer, buffer.Length, out int length);
        return (error, buffer[..length]);
    }
}
