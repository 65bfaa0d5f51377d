using System.Buffers.Binary;
using System.Diagnostics;
using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.Sfu.Protocols.Tests.Dtls;

public sealed class DtlsSrtpTransportHostileInputTests
{
    private const int Inputs = 100_000;

    [Fact]
    public async Task Rfc6347_4_1_2_7_HostileDatagramsAfterHandshake_AreCountedAndTheAssociationSurvives()
    {
        await using var pair = new DtlsPair();
        var closed = new TaskCompletionSource<DtlsError>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Client.Closed += reason => closed.TrySetResult(reason);
        var (client, server) = await pair.HandshakeAsync();
        Assert.True(client.Success && server.Success);
        Assert.True(pair.Server.UsesDirectRecordPath); // BouncyCastle 1.8.10 internals were found.

        // Seeds: everything the client really sent (ClientHello, its last flight incl. the
        // encrypted epoch-1 Finished). Mutations of them get past the cheap header scan and reach
        // the record layer (bad MAC, replay, stale epoch); random bytes mostly do not.
        byte[][] seeds = pair.Link.Sent.Where(s => s.Direction == LinkDirection.ClientToServer)
            .Select(s => s.Datagram).ToArray();
        Assert.NotEmpty(seeds);
        pair.Link.Drop = (_, _, _) => true; // The server may retransmit its last flight; lose that.
        long dropsBefore = pair.Server.DroppedDatagrams;

        var random = new Random(20240418);
        var stopwatch = Stopwatch.StartNew();
        for (int i = 0; i < Inputs; i++)
        {
            pair.Server.ReceiveDatagram(NextHostileDatagram(random, seeds));
        }

        stopwatch.Stop();

        Assert.True(pair.Server.IsEstablished);
        Assert.Equal(Inputs, pair.Server.DroppedDatagrams - dropsBefore);
        Assert.True(pair.Server.GetDropCount(DtlsDropReason.Empty) > 0);
        Assert.True(pair.Server.GetDropCount(DtlsDropReason.Oversized) > 0);
        Assert.True(pair.Server.GetDropCount(DtlsDropReason.NotDtlsRecord) > 0);
        Assert.True(pair.Server.GetDropCount(DtlsDropReason.ApplicationData) > 0);
        Assert.True(pair.Server.GetDropCount(DtlsDropReason.RejectedRecord) > 0);
        Assert.True(pair.Server.GetDropCount(DtlsDropReason.DiscardedByRecordLayer) > 0);
        Assert.Equal(0, pair.Server.GetDropCount(DtlsDropReason.QueueFull));
        Assert.Equal(0, pair.Server.GetDropCount(DtlsDropReason.AfterClose));

        // Still a working association: close_notify goes out and the client sees it.
        pair.Link.Drop = (_, _, _) => false;
        pair.Server.Close();
        Assert.Equal(DtlsError.Closed, await closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>
    /// Datagrams without a well-formed record are ignored during the handshake.
    /// (Well-formed forged records are another matter, inside BouncyCastle: the first record read
    /// pins the record-layer version, and the reassembler keeps the type and length of the first
    /// fragment it sees for a message_seq, so a spoofed record can make the handshake fail or time
    /// out. That takes an attacker who can spoof the ICE-validated peer address.)
    /// </summary>
    [Fact]
    public async Task MalformedDatagramsDuringHandshake_DoNotStopIt()
    {
        await using var pair = new DtlsPair();
        var random = new Random(1104);
        byte[] NextMalformed()
        {
            // Either a header cut short, or noise behind a first byte that RFC 7983 sends to DTLS
            // but that is no DTLS content type. (Noise that happens to hold a second valid-looking
            // record header, version included, is a one-in-millions event.)
            if (random.Next(4) == 0)
            {
                byte[] cut = new byte[random.Next(1, 13)];
                random.NextBytes(cut);
                cut[0] = 22; // handshake, but shorter than a record header
                return cut;
            }

            byte[] noise = new byte[random.Next(1, 1600)];
            random.NextBytes(noise);
            noise[0] = (byte)random.Next(25, 64);
            return noise;
        }

        // Paced so the bounded queue keeps room for the real flights (a flood that fills the queue
        // only delays the handshake through retransmission; that is the QueueFull counter's job).
        Task<(DtlsHandshakeResult Client, DtlsHandshakeResult Server)> handshakes = pair.HandshakeAsync();
        while (!handshakes.IsCompleted)
        {
            for (int i = 0; i < 8; i++)
            {
                pair.Server.ReceiveDatagram(NextMalformed());
                pair.Client.ReceiveDatagram(NextMalformed());
            }

            await Task.Delay(1);
        }

        var (client, server) = await handshakes;
        Assert.True(client.Success, client.ToString());
        Assert.True(server.Success, server.ToString());
    }

    /// <summary>
    /// One of: random bytes (0..1600 long), a seed with flipped bits, truncated, extended, with its
    /// record header rewritten, replayed as is, two seeds glued, or a plausible header over noise.
    /// The kinds that reach the record layer and make BouncyCastle throw (a bad MAC costs a
    /// TlsFatalAlert) are rarer, to keep 100,000 inputs within a few seconds.
    /// </summary>
    private static byte[] NextHostileDatagram(Random random, byte[][] seeds)
    {
        byte[] seed = seeds[random.Next(seeds.Length)];
        int roll = random.Next(100);
        int kind = roll switch
        {
            < 40 => 0, // noise
            < 55 => 1, // bit flips
            < 67 => 2, // truncation
            < 79 => 3, // extension
            < 86 => 4, // header rewrite
            < 92 => 5, // replay
            < 96 => 6, // glued
            _ => 7,    // plausible header, noise body
        };

        switch (kind)
        {
            case 0:
            {
                byte[] noise = new byte[random.Next(0, 1601)];
                random.NextBytes(noise);
                return noise;
            }

            case 1:
            {
                byte[] flipped = (byte[])seed.Clone();
                for (int bits = random.Next(1, 9); bits > 0; bits--)
                {
                    int bit = random.Next(flipped.Length * 8);
                    flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return flipped;
            }

            case 2:
                return seed.AsSpan(0, random.Next(seed.Length)).ToArray();

            case 3:
            {
                byte[] longer = new byte[seed.Length + random.Next(1, 1600)];
                seed.CopyTo(longer, 0);
                random.NextBytes(longer.AsSpan(seed.Length));
                return longer;
            }

            case 4:
            {
                byte[] rewritten = (byte[])seed.Clone();
                if (rewritten.Length >= 13)
                {
                    rewritten[0] = (byte)random.Next(20, 25);                                        // content type
                    BinaryPrimitives.WriteUInt16BigEndian(rewritten.AsSpan(3), (ushort)random.Next(3)); // epoch
                    BinaryPrimitives.WriteUInt16BigEndian(rewritten.AsSpan(9), (ushort)random.Next()); // low seq
                    if (random.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(rewritten.AsSpan(11), (ushort)random.Next(0, rewritten.Length)); // length
                    }
                }

                return rewritten;
            }

            case 5:
                return (byte[])seed.Clone();

            case 6:
                return seed.Concat(seeds[random.Next(seeds.Length)]).ToArray();

            default:
            {
                int bodyLength = random.Next(0, 200);
                byte[] record = new byte[13 + bodyLength];
                random.NextBytes(record);
                record[0] = (byte)random.Next(20, 25);
                record[1] = 0xFE;
                record[2] = 0xFD;
                record[3] = 0;
                record[4] = (byte)random.Next(2);
                BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)bodyLength);
                return record;
            }
        }
    }
}
