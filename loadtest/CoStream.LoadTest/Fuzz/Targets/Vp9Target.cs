using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// VP9 payload descriptor key-frame check (draft-ietf-payload-vp9 §4.2) and the Opus TOC byte.
/// Neither refuses with a reason: "refused" counts payloads that are not key frames.
/// </summary>
internal sealed class Vp9Target : FuzzTarget
{
    public override string Name => "vp9";

    public override string Folder => "Codecs";

    public override string EntryPoints => "Vp9Payload.IsKeyFrame, OpusToc.TryRead";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        [0x8A, 0x80, 0x01, 0x18, 0x00, 0x01, 0xE0, 0x01, 0x0E, 0x01, 0x00, 0x00], // I, B, V: key frame with scalability structure
        [0xAC, 0x81, 0x23, 0x00, 0x05, 0x82, 0x49, 0x83],                         // I, F, B, L: PictureID, layer indices, P-diff
        [0x88, 0x00, 0x01, 0x82, 0x49, 0x83, 0x42],                               // I, B: 7-bit PictureID
        [0x0C, 0x82, 0x49, 0x83],                                                 // B, E: no optional fields
        [0x78, 0x01, 0x02],                                                       // Opus TOC, 20 ms CELT FB
    ];

    public override string? Run(byte[] input)
    {
        _ = OpusToc.TryRead(input, out _);
        return Vp9Payload.IsKeyFrame(input) ? null : "NotKeyFrame";
    }
}
