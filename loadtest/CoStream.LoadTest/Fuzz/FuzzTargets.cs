using CoStream.LoadTest.Fuzz.Targets;
using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.LoadTest.Fuzz;

/// <summary>Every parser entry point, by name, built on demand (the DTLS one handshakes first).</summary>
internal static class FuzzTargets
{
    public static readonly (string Name, Func<FuzzTarget> Create)[] All =
    [
        ("demux", () => new DemuxTarget()),
        ("stun", () => new StunTarget()),
        ("ice-binding", () => new IceBindingTarget()),
        ("ice-candidate", () => new IceCandidateTarget()),
        ("srtp-aes-cm-80", () => new SrtpTarget(SrtpProfile.AesCm128HmacSha1_80, "srtp-aes-cm-80")),
        ("srtp-aes-cm-32", () => new SrtpTarget(SrtpProfile.AesCm128HmacSha1_32, "srtp-aes-cm-32")),
        ("srtp-aead-gcm", () => new SrtpTarget(SrtpProfile.AeadAes128Gcm, "srtp-aead-gcm")),
        ("rtp", () => new RtpTarget()),
        ("vp8", () => new Vp8Target()),
        ("h264", () => new H264Target()),
        ("vp9", () => new Vp9Target()),
        ("rtcp", () => new RtcpTarget()),
        ("sdp", () => new SdpTarget()),
        ("dtls", () => new DtlsTarget()),
    ];
}
