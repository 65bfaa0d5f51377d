using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>VP8 payload descriptor (RFC 7741 §4.2) and key-frame header (§4.3), plus the forwarder's rewrites.</summary>
internal sealed class Vp8Target : FuzzTarget
{
    private readonly byte[] _copy = new byte[4096];

    public override string Name => "vp8";

    public override string Folder => "Codecs";

    public override string EntryPoints => "Vp8PayloadDescriptor.TryRead, TryIsKeyFrame, TrySetPictureId, TrySetTl0PicIdx";

    public override IReadOnlyList<byte[]> Seeds { get; } = BuildSeeds();

    public override string? Run(byte[] input)
    {
        Vp8Error keyFrameError = Vp8PayloadDescriptor.TryIsKeyFrame(input, out bool isKeyFrame);
        FuzzInvariant.Check(keyFrameError == Vp8Error.None || !isKeyFrame, "a refused payload reported a key frame");
        Vp8Error error = Vp8PayloadDescriptor.TryRead(input, out Vp8PayloadDescriptor descriptor, out int consumed);
        if (error != Vp8Error.None)
        {
            return ReasonName<Vp8Error>.Of(error);
        }

        FuzzInvariant.Check(consumed == descriptor.Size && consumed <= input.Length, $"consumed {consumed}, size {descriptor.Size}, length {input.Length}");
        Span<byte> copy = _copy.AsSpan(0, input.Length);
        input.CopyTo(copy);
        Vp8PayloadDescriptor.TrySetPictureId(copy, descriptor, 0x7FFF);
        Vp8PayloadDescriptor.TrySetTl0PicIdx(copy, descriptor, 0xFF);
        FuzzInvariant.Check(Vp8PayloadDescriptor.TryRead(copy, out _, out int again) == Vp8Error.None && again == consumed,
            "rewriting changed the descriptor's shape");
        return keyFrameError == Vp8Error.None ? null : ReasonName<Vp8Error>.Of("KeyFrame", keyFrameError);
    }

    private static byte[][] BuildSeeds()
    {
        var seeds = new List<byte[]> { FuzzSeeds.ChromeVp8Packet[28..] };
        byte[] buffer = new byte[64];
        byte[] keyFrame = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01, 0x00, 0x47];
        byte[] interFrame = [0x31, 0x02, 0x00, 0x47, 0x08, 0x85];
        int n = 0;
        foreach (int pictureId in new[] { -1, 5, 0x1C41 })
        {
            foreach (int tl0 in new[] { -1, 7 })
            {
                foreach (int tid in new[] { -1, 2 })
                {
                    var descriptor = Vp8PayloadDescriptor.Create(
                        isStartOfPartition: n % 3 != 2, partitionId: (byte)(n % 3 == 2 ? 1 : 0), isNonReference: n % 4 == 1,
                        pictureId: pictureId, longPictureId: pictureId > 127, tl0PicIdx: tl0, temporalLayerId: tid,
                        layerSync: n % 2 == 0, keyIdx: n % 5 == 0 ? 3 : -1);
                    int length = descriptor.WriteTo(buffer);
                    seeds.Add([.. buffer.AsSpan(0, length), .. (n++ % 2 == 0 ? keyFrame : interFrame)]);
                }
            }
        }

        return seeds.ToArray();
    }
}
