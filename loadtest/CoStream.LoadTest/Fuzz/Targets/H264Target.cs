using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>H.264 RTP payloads (RFC 6184): single NAL units, STAP-A, FU-A.</summary>
internal sealed class H264Target : FuzzTarget
{
    public override string Name => "h264";

    public override string Folder => "Codecs";

    public override string EntryPoints => "H264Payload.EnumerateNalUnits, TryIsKeyFrame";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        [0x67, 0x42, 0xE0, 0x1F, 0xDA, 0x01, 0x40, 0x16, 0xE8], // SPS, constrained baseline 3.1
        [0x68, 0xCE, 0x3C, 0x80],                               // PPS
        [0x65, 0x88, 0x84, 0x00, 0x33, 0xFF],                   // IDR slice
        [0x41, 0x9A, 0x24, 0x6C, 0x41],                         // non-IDR slice
        [0x78, 0x00, 0x09, 0x67, 0x42, 0xE0, 0x1F, 0xDA, 0x01, 0x40, 0x16, 0xE8,
         0x00, 0x04, 0x68, 0xCE, 0x3C, 0x80, 0x00, 0x03, 0x65, 0x88, 0x84],           // STAP-A: SPS, PPS, IDR
        [0x7C, 0x85, 0x88, 0x84, 0x00, 0x33, 0xFF, 0x00],       // FU-A start of an IDR
        [0x7C, 0x05, 0x21, 0x7F, 0x13],                         // FU-A middle
        [0x5C, 0x41, 0x9A, 0x24],                               // FU-A end of a non-IDR
        [0x06, 0x05, 0x10, 0xB9, 0xED],                         // SEI
    ];

    public override void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields) => LengthFieldWalker.H264(input, fields);

    public override string? Run(byte[] input)
    {
        var enumerator = H264Payload.EnumerateNalUnits(input);
        while (enumerator.MoveNext())
        {
            H264NalUnit unit = enumerator.Current;
            FuzzInvariant.Check(unit.Offset >= 0 && unit.Length >= 0 && unit.Offset + unit.Length <= input.Length,
                $"NAL unit {unit.Offset}+{unit.Length} outside a {input.Length}-byte payload");
            _ = unit.IsStart;
        }

        H264Error keyFrameError = H264Payload.TryIsKeyFrame(input, out bool isKeyFrame);
        FuzzInvariant.Check(keyFrameError == H264Error.None || !isKeyFrame, "a refused payload reported a key frame");
        return enumerator.Error == H264Error.None ? null : ReasonName<H264Error>.Of(enumerator.Error);
    }
}
