using CoStream.Sfu.Protocols.Srtp;
using static CoStream.Sfu.Protocols.Tests.Srtp.SrtpTestData;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>
/// 100,000 hostile inputs per profile into UnprotectRtp / UnprotectRtcp: random, truncated,
/// oversized, bit-flipped, replayed. Nothing may throw; every refusal has a counted reason.
/// </summary>
public sealed class SrtpHostileInputTests
{
    private const int Inputs = 100_000;
    private const int ValidPackets = 300;
    private const uint Ssrc = 0x0BADF00D;

    [Theory]
    [MemberData(nameof(Profiles), MemberType = typeof(SrtpTestData))]
    public void HostileInput_UnprotectNeverThrowsAndCountsEveryRefusal(SrtpProfile profile)
    {
        var random = new Random(20_250_101 + (int)profile);
        using SrtpContext sender = CreateContext(profile);
        using SrtpContext receiver = CreateContext(profile);

        // Genuine traffic the receiver has already accepted: replays of it are duplicates (recent)
        // or too old (more than 128 behind); mutations of it reach the authentication step.
        var rtp = new byte[ValidPackets][];
        var rtcp = new byte[ValidPackets][];
        for (int i = 0; i < ValidPackets; i++)
        {
            rtp[i] = ProtectRtp(sender, RtpPacket((ushort)(1000 + i), Ssrc, random.Next(0, 300)));
            rtcp[i] = ProtectRtcp(sender, RtcpPacket(Ssrc, random.Next(0, 300)));
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, rtp[i]).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, rtcp[i]).Error);
        }

        var refusals = new Dictionary<SrtpError, int>();
        int accepted = 0;
        int exceptions = 0;
        var buffer = new byte[2048];
        for (int n = 0; n < Inputs; n++)
        {
            bool isRtp = (n & 1) == 0;
            byte[] source = isRtp ? rtp[random.Next(ValidPackets)] : rtcp[random.Next(ValidPackets)];
            int length = Mutate(random, source, buffer, out int bufferLength);
            try
            {
                Span<byte> span = buffer.AsSpan(0, bufferLength);
                SrtpError error = isRtp
                    ? receiver.UnprotectRtp(span, length, out _)
                    : receiver.UnprotectRtcp(span, length, out _);
                if (error == SrtpError.None)
                {
                    accepted++;
                }
                else
                {
                    refusals[error] = refusals.GetValueOrDefault(error) + 1;
                }
            }
            catch (Exception)
            {
                exceptions++;
            }
        }

        Assert.Equal(0, exceptions);
        Assert.Equal(Inputs - accepted, refusals.Values.Sum());
        // Only a verbatim, not yet seen packet could pass; every input here is a mutation or a replay.
        Assert.Equal(0, accepted);
        foreach (SrtpError reason in new[]
                 {
                     SrtpError.TooShort, SrtpError.BadVersion, SrtpError.Malformed, SrtpError.BufferTooSmall,
                     SrtpError.AuthenticationFailed, SrtpError.ReplayOld, SrtpError.ReplayDuplicate,
                 })
        {
            Assert.True(refusals.GetValueOrDefault(reason) > 0, $"{profile}: no input was refused as {reason}");
        }
    }

    /// <summary>Writes one hostile input into <paramref name="buffer"/>; returns the length to claim.</summary>
    private static int Mutate(Random random, byte[] valid, byte[] buffer, out int bufferLength)
    {
        bufferLength = buffer.Length;
        switch (random.Next(8))
        {
            case 0: // random bytes, random length
            {
                int length = random.Next(0, 1600);
                random.NextBytes(buffer.AsSpan(0, length));
                return length;
            }

            case 1: // random bytes that pass the version check
            {
                int length = random.Next(0, 200);
                random.NextBytes(buffer.AsSpan(0, length));
                if (length > 0)
                {
                    buffer[0] = (byte)(0x80 | (buffer[0] & 0x3F));
                }

                return length;
            }

            case 2: // truncated genuine packet
            {
                int length = random.Next(0, valid.Length);
                valid.AsSpan(0, length).CopyTo(buffer);
                return length;
            }

            case 3: // genuine packet with one to four bits flipped
            {
                valid.CopyTo(buffer, 0);
                for (int flips = random.Next(1, 5); flips > 0; flips--)
                {
                    int bit = random.Next(valid.Length * 8);
                    buffer[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return valid.Length;
            }

            case 4: // genuine packet with junk appended (oversized)
            {
                valid.CopyTo(buffer, 0);
                int extra = random.Next(1, 400);
                random.NextBytes(buffer.AsSpan(valid.Length, extra));
                return valid.Length + extra;
            }

            case 5: // length larger than the buffer handed over
                valid.CopyTo(buffer, 0);
                bufferLength = valid.Length;
                return valid.Length + random.Next(1, 100);

            case 6: // verbatim replay
                valid.CopyTo(buffer, 0);
                return valid.Length;

            default: // header that claims more CSRCs / extension words than there are
            {
                valid.CopyTo(buffer, 0);
                buffer[0] = (byte)(0x90 | random.Next(16));
                buffer[14] = 0xFF;
                buffer[15] = 0xFF;
                return random.Next(12, valid.Length + 1);
            }
        }
    }
}
