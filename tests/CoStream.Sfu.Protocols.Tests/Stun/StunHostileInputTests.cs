using System.Net;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.Sfu.Protocols.Tests.Stun;

public sealed class StunHostileInputTests
{
    private const int Cases = 120_000;

    [Fact]
    public void HostileInput_NeverThrows_AndEveryRefusalHasACountedReason()
    {
        var random = new Random(5389);
        byte[][] seeds = BuildSeeds();
        var counts = new int[Enum.GetValues<StunError>().Length];
        int refused = 0;
        int accepted = 0;
        byte[] key = "VOkJxbRl1RmTxUk/WvJxBt"u8.ToArray();

        for (int i = 0; i < Cases; i++)
        {
            byte[] input = Mutate(random, seeds[random.Next(seeds.Length)]);
            StunError error = StunMessage.TryRead(input, out StunMessage message, out int consumed);
            StunMessage.TryReadUsername(input, out _);
            if (error == StunError.None)
            {
                accepted++;
                Assert.Equal(input.Length, consumed);
                Touch(message, key);
            }
            else
            {
                refused++;
                counts[(int)error]++;
            }
        }

        Assert.Equal(refused, counts.Sum());
        Assert.Equal(Cases, refused + accepted);
        Assert.True(accepted > 0);
        foreach (StunError reason in new[]
                 {
                     StunError.TooShort, StunError.NotStun, StunError.BadMagicCookie, StunError.LengthNotMultipleOfFour,
                     StunError.Truncated, StunError.TrailingBytes, StunError.AttributeTruncated, StunError.BadAttributeLength,
                 })
        {
            Assert.True(counts[(int)reason] > 0, $"no input was refused for {reason}");
        }
    }

    /// <summary>Reads every accessor so a bad offset would throw here.</summary>
    private static void Touch(StunMessage message, byte[] key)
    {
        _ = message.Type;
        _ = message.TransactionId;
        _ = message.Username.Length + message.Software.Length + message.Realm.Length + message.Nonce.Length;
        _ = message.Priority + message.IceControlling + message.IceControlled;
        _ = message.XorMappedAddress;
        _ = message.ErrorCode + message.ErrorReason.Length;
        _ = message.CheckMessageIntegrity(key);
        _ = message.CheckFingerprint();
        foreach (StunAttribute attribute in message.Attributes)
        {
            _ = attribute.Value.Length;
        }
    }

    private static byte[][] BuildSeeds()
    {
        byte[] buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingError, StunTransactionId.NewRandom());
        writer.AddErrorCode(401, "Unauthorized");
        writer.AddXorMappedAddress(new IPEndPoint(IPAddress.IPv6Loopback, 9));
        writer.AddFingerprint();
        byte[] error = buffer[..writer.Length];
        return
        [
            Rfc5769Vectors.SampleRequest, Rfc5769Vectors.SampleIPv4Response, Rfc5769Vectors.SampleIPv6Response,
            Rfc5769Vectors.SampleLongTermRequest, error,
        ];
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        switch (random.Next(6))
        {
            case 0: // pure noise, sometimes with a STUN-looking start
            {
                byte[] noise = new byte[random.Next(0, 200)];
                random.NextBytes(noise);
                if (noise.Length >= 8 && random.Next(2) == 0)
                {
                    noise[0] &= 0x01;
                    noise[4] = 0x21; noise[5] = 0x12; noise[6] = 0xa4; noise[7] = 0x42;
                    int length = noise.Length - 20;
                    noise[2] = (byte)(length >> 8);
                    noise[3] = (byte)(random.Next(3) == 0 ? random.Next(256) : length);
                }

                return noise;
            }
            case 1: // truncated
                return seed[..random.Next(seed.Length)];
            case 2: // oversized: trailing garbage
            {
                byte[] longer = new byte[seed.Length + random.Next(1, 64)];
                seed.CopyTo(longer, 0);
                random.NextBytes(longer.AsSpan(seed.Length));
                return longer;
            }
            case 3: // attribute length fields scrambled
            {
                byte[] copy = (byte[])seed.Clone();
                int at = 20 + (4 * random.Next((copy.Length - 20) / 4)) + 2;
                if (at + 1 < copy.Length)
                {
                    copy[at] = (byte)random.Next(3);
                    copy[at + 1] = (byte)random.Next(256);
                }

                return copy;
            }
            default: // bit flips
            {
                byte[] copy = (byte[])seed.Clone();
                int flips = random.Next(1, 4);
                for (int f = 0; f < flips; f++)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return copy;
            }
        }
    }
}
