using System.Collections.Concurrent;
using System.Threading.Channels;
using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// A DTLS-SRTP client and server joined in memory (each direction a queue drained by its own task,
/// as a socket would), handshaken once. What the client sent is kept as fuzzing seeds; after the
/// handshake the link drops everything, so the server's retransmissions go nowhere.
/// </summary>
internal sealed class DtlsLoopback : IDisposable
{
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.CreateSelfSigned("fuzz-client");
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.CreateSelfSigned("fuzz-server");

    private readonly Channel<byte[]> _toServer = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _toClient = Channel.CreateUnbounded<byte[]>();
    private volatile bool _connected = true;

    private DtlsLoopback()
    {
        Client = new DtlsSrtpTransport(ClientCertificate, DtlsRole.Client, "sha-256", ServerCertificate.Fingerprint,
            new Sender(this, toServer: true), DtlsSrtpProfiles.Default);
        Server = new DtlsSrtpTransport(ServerCertificate, DtlsRole.Server, "sha-256", ClientCertificate.Fingerprint,
            new Sender(this, toServer: false), DtlsSrtpProfiles.Default);
        _ = Pump(_toServer, Server);
        _ = Pump(_toClient, Client);
    }

    public DtlsSrtpTransport Client { get; }

    public DtlsSrtpTransport Server { get; }

    /// <summary>Every datagram the client sent during the handshake.</summary>
    public ConcurrentQueue<byte[]> ClientFlights { get; } = new();

    /// <summary>Handshakes a new pair; throws when it does not complete.</summary>
    public static DtlsLoopback Establish()
    {
        var loopback = new DtlsLoopback();
        Task<DtlsHandshakeResult> server = Start(loopback.Server);
        Task<DtlsHandshakeResult> client = Start(loopback.Client);
        DtlsHandshakeResult clientResult = client.GetAwaiter().GetResult();
        DtlsHandshakeResult serverResult = server.GetAwaiter().GetResult();
        if (!clientResult.Success || !serverResult.Success)
        {
            throw new InvalidOperationException($"DTLS handshake failed: client {clientResult}, server {serverResult}");
        }

        loopback._connected = false;
        return loopback;
    }

    public void Dispose()
    {
        _connected = false;
        Client.Dispose();
        Server.Dispose();
        _toServer.Writer.TryComplete();
        _toClient.Writer.TryComplete();
    }

    private static Task<DtlsHandshakeResult> Start(DtlsSrtpTransport transport) =>
        Task.Factory.StartNew(() => transport.Handshake(10_000, CancellationToken.None), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static async Task Pump(Channel<byte[]> channel, DtlsSrtpTransport receiver)
    {
        await foreach (byte[] datagram in channel.Reader.ReadAllAsync())
        {
            receiver.ReceiveDatagram(datagram);
        }
    }

    private sealed class Sender(DtlsLoopback link, bool toServer) : IDatagramSender
    {
        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (!link._connected)
            {
                return;
            }

            byte[] copy = datagram.ToArray();
            if (toServer)
            {
                link.ClientFlights.Enqueue(copy);
            }

            (toServer ? link._toServer : link._toClient).Writer.TryWrite(copy);
        }
    }
}
