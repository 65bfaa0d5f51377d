namespace CoStream.Sfu.Protocols.Tests.Rtcp;

/// <summary>Real RTCP packets (captures published with pion/rtcp and webrtc-analysis tests), annotated field by field.</summary>
internal static class RtcpSamples
{
    /// <summary>Receiver report from a Chrome packet dump, 32 bytes.</summary>
    public static byte[] ChromeReceiverReport => new byte[]
    {
        0x81, 0xC9, 0x00, 0x07, // V=2 P=0 RC=1, PT=201 (RR), length=7 (32 bytes)
        0x90, 0x2F, 0x9E, 0x2E, // SSRC of packet sender
        0xBC, 0x5E, 0x9A, 0x40, // report block: SSRC of source
        0x00, 0x00, 0x00, 0x00, // fraction lost 0, cumulative lost 0
        0x00, 0x00, 0x46, 0xE1, // extended highest sequence 0x000046E1 (cycles 0, seq 18145)
        0x00, 0x00, 0x01, 0x11, // interarrival jitter 273
        0x09, 0xF3, 0x64, 0x32, // LSR 0x09F36432
        0x00, 0x02, 0x4A, 0x79, // DLSR 150137 / 65536 s ≈ 2.29 s
    };

    /// <summary>SDES with one CNAME chunk from the same dump, 52 bytes.</summary>
    public static byte[] ChromeSourceDescription => new byte[]
    {
        0x81, 0xCA, 0x00, 0x0C, // V=2 P=0 SC=1, PT=202 (SDES), length=12 (52 bytes)
        0x90, 0x2F, 0x9E, 0x2E, // chunk 1: SSRC
        0x01, 0x26,             // item: CNAME, length 38
        0x7B, 0x39, 0x63, 0x30, 0x30, 0x65, 0x62, 0x39, 0x32, 0x2D, // "{9c00eb92-"
        0x31, 0x61, 0x66, 0x62, 0x2D, 0x39, 0x64, 0x34, 0x39, 0x2D, // "1afb-9d49-"
        0x61, 0x34, 0x37, 0x64, 0x2D, 0x39, 0x31, 0x66, 0x36, 0x34, // "a47d-91f64"
        0x65, 0x65, 0x65, 0x36, 0x39, 0x66, 0x35, 0x7D,             // "eee69f5}"
        0x00, 0x00, 0x00, 0x00, // END item + padding to the 32-bit boundary
    };

    public const string ChromeCname = "{9c00eb92-1afb-9d49-a47d-91f64eee69f5}";

    /// <summary>REMB sent by Chrome while watching a 6 Mb/s stream, 24 bytes.</summary>
    public static byte[] ChromeRemb => new byte[]
    {
        0x8F, 0xCE, 0x00, 0x05, // V=2 P=0 FMT=15, PT=206 (PSFB), length=5 (24 bytes)
        0x00, 0x00, 0x00, 0x01, // SSRC of packet sender = 1
        0x00, 0x00, 0x00, 0x00, // SSRC of media source = 0
        0x52, 0x45, 0x4D, 0x42, // "REMB"
        0x01,                   // num SSRC = 1
        0x1A, 0x20, 0xDF,       // exp = 0x1A >> 2 = 6, mantissa = 0x2_20DF = 139487 -> 139487 << 6 = 8927168 b/s
        0x48, 0x74, 0xED, 0x16, // SSRC feedback 0x4874ED16
    };

    /// <summary>Chrome's usual compound: RR + SDES + REMB.</summary>
    public static byte[] ChromeCompound => [.. ChromeReceiverReport, .. ChromeSourceDescription, .. ChromeRemb];

    /// <summary>Transport-wide feedback captured from Chrome (as decoded by Wireshark), with the P bit and 1 padding byte.</summary>
    public static byte[] ChromeTransportWideFeedback => new byte[]
    {
        0xAF, 0xCD, 0x00, 0x07, // V=2 P=1 FMT=15, PT=205 (RTPFB), length=7 (32 bytes)
        0x00, 0x00, 0x00, 0x01, // SSRC of packet sender = 1
        0xDD, 0x58, 0x6E, 0xB6, // SSRC of media source
        0x00, 0x01, 0x00, 0x09, // base sequence 1, packet status count 9
        0x5E, 0x91, 0x10,       // reference time 0x5E9110 = 6197520 (× 64 ms)
        0x00,                   // feedback packet count 0
        0x20, 0x09,             // run-length chunk: 0 | 01 (small delta) | run 9
        0x1C, 0x0C, 0x2C, 0x38, // deltas 28, 12, 44, 56 ticks (7, 3, 11, 14 ms)
        0x00, 0x04, 0x00, 0x08, // deltas 0, 4, 0, 8 ticks (0, 1, 0, 2 ms)
        0x18,                   // delta 24 ticks (6 ms)
        0x01,                   // padding count 1 (this byte)
    };

    /// <summary>Transport-wide feedback from pion's tests (libwebrtc sender), with 3 padding bytes.</summary>
    public static byte[] PionTransportWideFeedback => new byte[]
    {
        0xAF, 0xCD, 0x00, 0x07, // V=2 P=1 FMT=15, PT=205, length=7 (32 bytes)
        0xFA, 0x17, 0xFA, 0x17, // SSRC of packet sender
        0x19, 0x3D, 0xD8, 0xBB, // SSRC of media source
        0x00, 0x04, 0x00, 0x07, // base sequence 4, packet status count 7
        0x10, 0x63, 0x6E,       // reference time 0x10636E = 1074030
        0x01,                   // feedback packet count 1
        0x20, 0x07,             // run-length chunk: small delta × 7
        0x4C, 0x24, 0x24, 0x10, // deltas 76, 36, 36, 16 ticks (19, 9, 9, 4 ms)
        0x0C, 0x0C, 0x10,       // deltas 12, 12, 16 ticks (3, 3, 4 ms)
        0x00, 0x00, 0x03,       // padding, count 3
    };
}
