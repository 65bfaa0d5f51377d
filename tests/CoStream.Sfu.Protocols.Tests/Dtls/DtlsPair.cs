using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.Sfu.Protocols.Tests.Dtls;

/// <summary>A DTLS client and server wired through a <see cref="FakeDatagramLink"/>.</summary>
internal sealed class DtlsPair : IAsyncDisposable
{
    // Generating a P-256 key is cheap but not free; the tests share two identities.
    internal static readonly DtlsCertificate ClientCertificate = DtlsCertificate.CreateSelfSigned("client");
    internal static readonly DtlsCertificate ServerCertificate = DtlsCertificate.CreateSelfSigned("server");

    internal const string WrongFingerprint =
        "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";

    internal DtlsPair(
        IReadOnlyList<ushort>? clientProfiles = null,
        IReadOnlyList<ushort>? serverProfiles = null,
        string? fingerprintClientExpects = null,
        string? fingerprintServerExpects = null,
        bool connect = true)
    {
        Link = new FakeDatagramLink();
        Client = new DtlsSrtpTransport(ClientCertificate, DtlsRole.Client, "sha-256",
            fingerprintClientExpects ?? ServerCertificate.Fingerprint, Link.ClientSender,
            clientProfiles ?? DtlsSrtpProfiles.Default);
        Server = new DtlsSrtpTransport(ServerCertificate, DtlsRole.Server, "sha-256",
            fingerprintServerExpects ?? ClientCertificate.Fingerprint, Link.ServerSender,
            serverProfiles ?? DtlsSrtpProfiles.Default);
        if (connect)
        {
            Link.Connect(Client, Server);
        }
    }

    internal FakeDatagramLink Link { get; }

    internal DtlsSrtpTransport Client { get; }

    internal DtlsSrtpTransport Server { get; }

    /// <summary>Runs both handshakes, each on its own thread, and waits for both.</summary>
    internal async Task<(DtlsHandshakeResult Client, DtlsHandshakeResult Server)> HandshakeAsync(int timeoutMs = 10_000)
    {
        Task<DtlsHandshakeResult> server = StartHandshake(Server, timeoutMs);
        Task<DtlsHandshakeResult> client = StartHandshake(Client, timeoutMs);
        return (await client, await server);
    }

    internal static Task<DtlsHandshakeResult> StartHandshake(DtlsSrtpTransport transport, int timeoutMs,
        CancellationToken ct = default) =>
        Task.Factory.StartNew(() => transport.Handshake(timeoutMs, ct), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Server.Dispose();
        await Link.DisposeAsync();
    }
}
