using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.Sfu.Protocols.Tests.Codecs;

/// <summary>
/// Hostile input for the payload parsers: valid VP8 descriptors / H.264 packetizations mutated
/// (bit flips, truncation, random tails) plus random bytes. Nothing may throw; every refusal
/// has a reason.
/// </summary>
public class CodecHostileInputTests
{
    private const int Cases = 100_000;

    private static int Mutate(Random random, byte[] buffer, int length)
    {
        switch (random.Next(5))
        {
            case 0:
                for (int i = random.Next(1, 4); i > 0 && length > 0; i--)
                {
                    buffer[random.Next(Math.Min(length, 12))] ^= (byte)(1 << random.Next(8));
                }

                return length;
            case 1:
                return random.Next(length + 1);
            case 2:
                int extra = random.Next(1, 32);
                random.NextBytes(buffer.AsSpan(length, extra));
                return length + extra;
            case 3:
                int size = random.Next(0, 16);
                random.NextBytes(buffer.AsSpan(0, size));
                return size;
            default:
                return length;
        }
    }

    [Fact]
    public void Rfc7741_Vp8Descriptor_NeverThrowsAndCountsEveryRefusal()
    {
        var random = new Random(7741);
        byte[] buffer = new byte[128];
        int[] refusals = new int[Enum.GetValues<Vp8Error>().Length];
        int refused = 0;
        int keyFrames = 0;

        for (int n = 0; n < Cases; n++)
        {
            var descriptor = Vp8PayloadDescriptor.Create(
                isStartOfPartition: random.Next(2) == 0,
                partitionId: (byte)random.Next(8),
                isNonReference: random.Next(2) == 0,
                pictureId: random.Next(3) == 0 ? -1 : random.Next(128),
                longPictureId: false,
                tl0PicIdx: random.Next(2) == 0 ? -1 : random.Next(256),
                temporalLayerId: random.Next(2) == 0 ? -1 : random.Next(4),
                layerSync: random.Next(2) == 0,
                keyIdx: random.Next(3) == 0 ? random.Next(32) : -1);
            int length = descriptor.WriteTo(buffer);
            int data = random.Next(0, 6);
            random.NextBytes(buffer.AsSpan(length, data));
            length = Mutate(random, buffer, length + data);
            Span<byte> payload = buffer.AsSpan(0, length);

            Vp8Error error = Vp8PayloadDescriptor.TryIsKeyFrame(payload, out bool isKeyFrame);
            if (error != Vp8Error.None)
            {
                refused++;
                refusals[(int)error]++;
                if (isKeyFrame)
                {
                    Assert.Fail("a refused payload reported a key frame");
                }

                continue;
            }

            keyFrames += isKeyFrame ? 1 : 0;
            if (Vp8PayloadDescriptor.TryRead(payload, out var read, out int consumed) != Vp8Error.None || consumed > length)
            {
                Assert.Fail($"case {n}: TryIsKeyFrame accepted what TryRead refused");
            }

            Vp8PayloadDescriptor.TrySetPictureId(payload, read, (ushort)random.Next(65536));
            Vp8PayloadDescriptor.TrySetTl0PicIdx(payload, read, (byte)random.Next(256));
            if (Vp8PayloadDescriptor.TryRead(payload, out var again, out int consumedAgain) != Vp8Error.None || consumedAgain != consumed)
            {
                Assert.Fail($"case {n}: rewriting changed the descriptor's shape");
            }
        }

        Assert.Equal(refused, refusals.Sum());
        Assert.Equal(0, refusals[(int)Vp8Error.None]);
        Assert.True(refusals[(int)Vp8Error.Empty] > 0);
        Assert.True(refusals[(int)Vp8Error.DescriptorTruncated] > 0);
        Assert.True(refusals[(int)Vp8Error.NoPayloadData] > 0);
        Assert.True(keyFrames > 0);
        Assert.True(refused < Cases);
    }

    private static int BuildH264(Random random, byte[] buffer)
    {
        byte nri = (byte)(random.Next(4) << 5);
        switch (random.Next(4))
        {
            case 0: // single NAL unit
            {
                int size = random.Next(1, 20);
                random.NextBytes(buffer.AsSpan(0, size));
                buffer[0] = (byte)(nri | random.Next(1, 24));
                return size;
            }

            case 1: // STAP-A
            {
                int offset = 0;
                buffer[offset++] = (byte)(nri | 24);
                for (int units = random.Next(1, 4); units > 0; units--)
                {
                    int size = random.Next(1, 10);
                    buffer[offset++] = (byte)(size >> 8);
                    buffer[offset++] = (byte)size;
                    random.NextBytes(buffer.AsSpan(offset, size));
                    buffer[offset] = (byte)(nri | random.Next(1, 24));
                    offset += size;
                }

                return offset;
            }

            case 2: // FU-A
            {
                int size = random.Next(3, 20);
                random.NextBytes(buffer.AsSpan(0, size));
                buffer[0] = (byte)(nri | 28);
                int position = random.Next(3); // start, middle, end
                buffer[1] = (byte)((position == 0 ? 0x80 : position == 2 ? 0x40 : 0) | random.Next(1, 24));
                return size;
            }

            default: // any NAL type byte, random rest
            {
                int size = random.Next(0, 12);
                random.NextBytes(buffer.AsSpan(0, size));
                return size;
            }
        }
    }

    [Fact]
    public void Rfc6184_H264_NeverThrowsAndCountsEveryRefusal()
    {
        var random = new Random(6184);
        byte[] buffer = new byte[256];
        int[] refusals = new int[Enum.GetValues<H264Error>().Length];
        int refused = 0;
        int units = 0;
        int keyFrames = 0;

        for (int n = 0; n < Cases; n++)
        {
            int length = Mutate(random, buffer, BuildH264(random, buffer));
            ReadOnlySpan<byte> payload = buffer.AsSpan(0, length);

            var enumerator = H264Payload.EnumerateNalUnits(payload);
            while (enumerator.MoveNext())
            {
                H264NalUnit unit = enumerator.Current;
                if (unit.Offset < 0 || unit.Length < 0 || unit.Offset + unit.Length > length)
                {
                    Assert.Fail($"case {n}: NAL unit {unit.Offset}+{unit.Length} outside a {length}-byte payload");
                }

                units++;
            }

            if (enumerator.Error != H264Error.None)
            {
                refused++;
                refusals[(int)enumerator.Error]++;
            }

            keyFrames += H264Payload.IsKeyFrame(payload) ? 1 : 0;
            _ = Vp9Payload.IsKeyFrame(payload);
            _ = OpusToc.TryRead(payload, out _);
        }

        Assert.Equal(refused, refusals.Sum());
        Assert.Equal(0, refusals[(int)H264Error.None]);
        foreach (H264Error reason in Enum.GetValues<H264Error>())
        {
            if (reason != H264Error.None)
            {
                Assert.True(refusals[(int)reason] > 0, $"no refusal counted for {reason}");
            }
        }

        Assert.True(units > Cases / 2);
        Assert.True(keyFrames > 0);
    }
}
