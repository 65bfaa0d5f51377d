using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

/// <summary>
/// Hostile input: valid packets mutated (bit flips, truncation, extension, overwritten bytes)
/// and plain random bytes, fed to <see cref="RtpHeader.TryRead"/> and the RFC 8285 enumerator.
/// Nothing may throw; every refusal must have a reason.
/// </summary>
public class RtpHostileInputTests
{
    private const int Cases = 100_000;

    internal static int BuildValidPacket(Random random, Span<byte> buffer)
    {
        var form = random.Next(3) == 0 ? RtpExtensionForm.TwoByte : RtpExtensionForm.OneByte;
        var writer = new RtpPacketWriter(buffer, (byte)random.Next(128), (ushort)random.Next(65536), (uint)random.Next(), (uint)random.Next(), random.Next(2) == 0, form);
        int csrcs = random.Next(4) == 0 ? random.Next(16) : 0;
        for (int i = 0; i < csrcs; i++)
        {
            writer.AddCsrc((uint)random.Next());
        }

        int extensions = random.Next(5);
        Span<byte> value = stackalloc byte[16];
        for (int i = 0; i < extensions; i++)
        {
            if (random.Next(4) == 0)
            {
                writer.AddExtensionPadding(random.Next(1, 4));
            }

            int length = form == RtpExtensionForm.OneByte ? random.Next(1, 17) : random.Next(0, 17);
            random.NextBytes(value.Slice(0, length));
            int id = form == RtpExtensionForm.OneByte ? random.Next(1, 15) : random.Next(1, 256);
            writer.AddExtension(id, value.Slice(0, length));
        }

        Span<byte> payload = stackalloc byte[random.Next(0, 64)];
        random.NextBytes(payload);
        int padding = random.Next(4) == 0 ? random.Next(1, 40) : 0;
        return writer.Complete(payload, padding);
    }

    internal static int Mutate(Random random, Span<byte> buffer, int length)
    {
        switch (random.Next(6))
        {
            case 0: // bit flips, mostly in the header where the structure is
                for (int i = random.Next(1, 5); i > 0 && length > 0; i--)
                {
                    int at = random.Next(Math.Min(length, 48));
                    buffer[at] ^= (byte)(1 << random.Next(8));
                }

                return length;
            case 1: // truncated
                return random.Next(length + 1);
            case 2: // oversized: random bytes appended
                int extra = random.Next(1, 64);
                random.NextBytes(buffer.Slice(length, extra));
                return length + extra;
            case 3: // a byte overwritten anywhere, the padding count included
                if (length > 0)
                {
                    buffer[random.Next(2) == 0 ? length - 1 : random.Next(length)] = (byte)random.Next(256);
                }

                return length;
            case 4: // random bytes with a valid version, so deeper checks get exercised
                int size = random.Next(0, 80);
                random.NextBytes(buffer.Slice(0, size));
                if (size > 0)
                {
                    buffer[0] = (byte)((buffer[0] & 0x3F) | 0x80);
                }

                return size;
            default: // left valid
                return length;
        }
    }

    [Fact]
    public void RtpHeaderAndExtensionEnumerator_NeverThrowAndCountEveryRefusal()
    {
        var random = new Random(3550_8285);
        int[] headerRefusals = new int[Enum.GetValues<RtpError>().Length];
        int[] elementRefusals = new int[headerRefusals.Length];
        int accepted = 0;
        int refused = 0;
        int enumerationsRefused = 0;
        int elementsSeen = 0;
        byte[] buffer = new byte[2048];

        for (int n = 0; n < Cases; n++)
        {
            int length = BuildValidPacket(random, buffer);
            length = Mutate(random, buffer, length);
            Span<byte> packet = buffer.AsSpan(0, length);

            RtpError error = RtpHeader.TryRead(packet, out RtpHeader header, out int consumed);
            if (error != RtpError.None)
            {
                refused++;
                headerRefusals[(int)error]++;
                Assert.Equal(0, consumed);
                continue;
            }

            accepted++;
            if (consumed != header.PayloadOffset
                || length != header.PayloadOffset + header.PayloadLength + header.PaddingLength
                || header.PayloadLength < 0)
            {
                Assert.Fail($"inconsistent header for case {n}");
            }

            _ = header.GetPayload(packet);
            _ = header.GetExtensionBody(packet);

            var enumerator = RtpHeaderExtensions.Enumerate(packet, header);
            while (enumerator.MoveNext())
            {
                RtpExtensionElement element = enumerator.Current;
                if (element.ValueOffset < header.ExtensionOffset
                    || element.ValueOffset + element.ValueLength > header.ExtensionOffset + header.ExtensionLength)
                {
                    Assert.Fail($"element {element.Id} at {element.ValueOffset}+{element.ValueLength} is outside the extension body");
                }

                elementsSeen++;

                // The value codecs must refuse, not throw, whatever the element holds.
                _ = AbsSendTime.TryRead(element.Value, out _);
                _ = TransportSequenceNumber.TryRead(element.Value, out _);
                _ = AudioLevel.TryRead(element.Value, out _, out _);
                _ = SdesIdentifier.TryRead(element.Value, out _);
            }

            if (enumerator.Error != RtpError.None)
            {
                enumerationsRefused++;
                elementRefusals[(int)enumerator.Error]++;
            }

            int id = random.Next(256);
            if (RtpHeaderExtensions.TryFindExtension(packet, header, id, out int offset, out int valueLength))
            {
                Assert.True(offset + valueLength <= length);
                Assert.True(RtpHeaderExtensions.ClearExtension(packet, header, id));
            }

            _ = Vp8PayloadDescriptor.IsKeyFrame(header.GetPayload(packet));
            _ = H264Payload.IsKeyFrame(header.GetPayload(packet));
        }

        Assert.Equal(Cases, accepted + refused);
        Assert.Equal(refused, headerRefusals.Sum());
        Assert.Equal(0, headerRefusals[(int)RtpError.None]);
        foreach (RtpError reason in new[]
        {
            RtpError.TooShort, RtpError.BadVersion, RtpError.CsrcOutOfBounds, RtpError.ExtensionHeaderOutOfBounds,
            RtpError.ExtensionBodyOutOfBounds, RtpError.PaddingZero, RtpError.PaddingExceedsPayload,
        })
        {
            Assert.True(headerRefusals[(int)reason] > 0, $"no header refusal counted for {reason}");
        }

        Assert.Equal(enumerationsRefused, elementRefusals.Sum());
        foreach (RtpError reason in new[] { RtpError.ExtensionUnknownProfile, RtpError.ExtensionElementOutOfBounds, RtpError.ExtensionInvalidId })
        {
            Assert.True(elementRefusals[(int)reason] > 0, $"no element refusal counted for {reason}");
        }

        Assert.True(accepted > Cases / 4);
        Assert.True(elementsSeen > Cases);
    }
}
