using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.Sfu.Protocols.Tests.Dtls;

public sealed class DtlsSrtpTransportTests
{
    private const int EcdheEcdsaAes128GcmSha256 = 0xC02B;
    private const byte BadCertificate = 42;
    private const byte HandshakeFailure = 40;

    [Theory]
    [InlineData(DtlsSrtpProfiles.AeadAes128Gcm, 16, 12)]
    [InlineData(DtlsSrtpProfiles.AesCm128HmacSha1_80, 16, 14)]
    public async Task Rfc5764_4_2_BothRolesDeriveTheSameKeysCrosswise(ushort profile, int keyLength, int saltLength)
    {
        await using var pair = new DtlsPair(new[] { profile }, new[] { profile });

        var (client, server) = await pair.HandshakeAsync();

        Assert.True(client.Success, client.ToString());
        Assert.True(server.Success, server.ToString());
        Assert.Equal(profile, client.ProfileId);
        Assert.Equal(profile, server.ProfileId);
        Assert.Equal(keyLength, client.LocalMasterKey.Length);
        Assert.Equal(saltLength, client.LocalMasterSalt.Length);

        // What one side protects with is what the other unprotects with.
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
        Assert.Equal(client.LocalMasterSalt.ToArray(), server.RemoteMasterSalt.ToArray());
        Assert.Equal(server.LocalMasterKey.ToArray(), client.RemoteMasterKey.ToArray());
        Assert.Equal(server.LocalMasterSalt.ToArray(), client.RemoteMasterSalt.ToArray());
        Assert.NotEqual(client.LocalMasterKey.ToArray(), client.RemoteMasterKey.ToArray());
        Assert.True(pair.Client.IsEstablished);
        Assert.True(pair.Server.IsEstablished);
    }

    [Fact]
    public async Task Rfc8827_6_5_NegotiatesEcdheEcdsaAes128Gcm_WithExtendedMasterSecret_AndVerifiedCertificates()
    {
        await using var pair = new DtlsPair();

        var (client, server) = await pair.HandshakeAsync();

        Assert.Equal(EcdheEcdsaAes128GcmSha256, client.CipherSuite);
        Assert.Equal(EcdheEcdsaAes128GcmSha256, server.CipherSuite);
        Assert.True(client.ExtendedMasterSecret); // RFC 7627
        Assert.True(server.ExtendedMasterSecret);
        Assert.Equal(DtlsPair.ServerCertificate.DerEncoded.ToArray(), client.RemoteCertificate.ToArray());
        Assert.Equal(DtlsPair.ClientCertificate.DerEncoded.ToArray(), server.RemoteCertificate.ToArray());
    }

    [Fact]
    public async Task Rfc5764_4_2_KeyingMaterialSplit_ClientWriteIsServerRead()
    {
        // Server role maps server_write_* to Local; client role maps client_write_* to Local.
        await using var pair = new DtlsPair();

        var (client, server) = await pair.HandshakeAsync();

        Assert.Equal(DtlsRole.Client, pair.Client.Role);
        Assert.Equal(DtlsRole.Server, pair.Server.Role);
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
        Assert.NotEqual(server.LocalMasterSalt.ToArray(), server.RemoteMasterSalt.ToArray());
    }

    [Theory]
    [InlineData(new ushort[] { 0x0001, 0x0007 }, new ushort[] { 0x0007, 0x0001 }, 0x0007)]
    [InlineData(new ushort[] { 0x0007, 0x0001 }, new ushort[] { 0x0001 }, 0x0001)]
    [InlineData(new ushort[] { 0x0007, 0x0001 }, new ushort[] { 0x0001, 0x0007 }, 0x0001)]
    public async Task Rfc5764_4_1_1_ServerPicksItsMostPreferredCommonProfile(ushort[] clientProfiles,
        ushort[] serverProfiles, ushort expected)
    {
        await using var pair = new DtlsPair(clientProfiles, serverProfiles);

        var (client, server) = await pair.HandshakeAsync();

        Assert.Equal(expected, client.ProfileId);
        Assert.Equal(expected, server.ProfileId);
    }

    [Fact]
    public async Task Rfc5764_4_1_1_NoCommonProfile_FailsOnBothSides()
    {
        await using var pair = new DtlsPair(new[] { DtlsSrtpProfiles.AeadAes128Gcm },
            new[] { DtlsSrtpProfiles.AesCm128HmacSha1_80 });

        var (client, server) = await pair.HandshakeAsync();

        // The server answers without use_srtp (RFC 5764 §4.1.1) and then aborts with handshake_failure;
        // our client already refuses the ServerHello that lacks use_srtp.
        Assert.Equal(DtlsError.NoSrtpProfile, server.Error);
        Assert.Equal(HandshakeFailure, server.AlertDescription);
        Assert.Equal(DtlsError.NoSrtpProfile, client.Error);
        Assert.True(client.LocalMasterKey.IsEmpty);
        Assert.False(pair.Server.IsEstablished);
    }

    [Fact]
    public async Task Rfc5763_5_ServerRejectsClientCertificateNotMatchingSdpFingerprint()
    {
        await using var pair = new DtlsPair(fingerprintServerExpects: DtlsPair.WrongFingerprint);

        var (client, server) = await pair.HandshakeAsync();

        Assert.Equal(DtlsError.FingerprintMismatch, server.Error);
        Assert.Equal(BadCertificate, server.AlertDescription);
        Assert.Equal(DtlsError.Alert, client.Error);
        Assert.Equal(BadCertificate, client.AlertDescription);
    }

    [Fact]
    public async Task Rfc5763_5_ClientRejectsServerCertificateNotMatchingSdpFingerprint()
    {
        await using var pair = new DtlsPair(fingerprintClientExpects: DtlsPair.WrongFingerprint);

        var (client, server) = await pair.HandshakeAsync();

        Assert.Equal(DtlsError.FingerprintMismatch, client.Error);
        Assert.Equal(DtlsError.Alert, server.Error);
        Assert.Equal(BadCertificate, server.AlertDescription);
    }

    [Fact]
    public async Task Rfc8122_5_UnsupportedFingerprintHash_FailsBeforeSendingAnything()
    {
        await using var link = new FakeDatagramLink();
        using var server = new DtlsSrtpTransport(DtlsPair.ServerCertificate, DtlsRole.Server, "md5", "AB:CD",
            link.ServerSender, DtlsSrtpProfiles.Default);

        DtlsHandshakeResult result = server.Handshake(1000, CancellationToken.None);

        Assert.Equal(DtlsError.UnsupportedFingerprintAlgorithm, result.Error);
        Assert.Empty(link.Sent);
    }

    [Fact]
    public async Task Rfc6347_4_2_4_LostFirstFlights_AreRetransmitted()
    {
        // Lose the first ClientHello and the server's first answer.
        await using var pair = new DtlsPair();
        pair.Link.Drop = (_, index, _) => index == 0;

        var (client, server) = await pair.HandshakeAsync();

        Assert.True(client.Success, client.ToString());
        Assert.True(server.Success, server.ToString());
        Assert.Equal(2, pair.Link.DroppedCount);
    }

    [Fact]
    public async Task Rfc6347_4_2_4_LostLastServerFlight_IsResentAfterServerHandshakeReturned()
    {
        // The server's ChangeCipherSpec + Finished are lost once. The server's Accept has already
        // returned; only the post-handshake reading lets it answer the client's retransmission
        // (the case bc-java issue 1489 broke).
        await using var pair = new DtlsPair();
        int lost = 0;
        pair.Link.Drop = (direction, _, datagram) =>
            direction == LinkDirection.ServerToClient
            && (datagram[0] == 20 || (datagram[0] == 22 && datagram[4] == 1)) // CCS, or epoch-1 handshake
            && Interlocked.Increment(ref lost) <= 2;

        var (client, server) = await pair.HandshakeAsync();

        Assert.True(server.Success, server.ToString());
        Assert.True(client.Success, client.ToString());
        Assert.Equal(2, pair.Link.DroppedCount);
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
    }

    [Fact]
    public async Task Rfc6347_4_1_2_7_GarbageBeforeAndDuringHandshake_IsIgnored()
    {
        await using var pair = new DtlsPair(connect: false);
        var random = new Random(1104);
        byte[] Garbage()
        {
            byte[] datagram = new byte[random.Next(1, 300)];
            random.NextBytes(datagram);
            datagram[0] = (byte)random.Next(20, 64); // what an RFC 7983 demultiplexer calls DTLS
            return datagram;
        }

        for (int i = 0; i < 20; i++)
        {
            pair.Client.ReceiveDatagram(Garbage());
            pair.Server.ReceiveDatagram(Garbage());
        }

        pair.Link.Connect(pair.Client, pair.Server);
        Task<(DtlsHandshakeResult, DtlsHandshakeResult)> handshakes = pair.HandshakeAsync();
        while (!handshakes.IsCompleted)
        {
            pair.Client.ReceiveDatagram(Garbage());
            pair.Server.ReceiveDatagram(Garbage());
            await Task.Delay(5);
        }

        var (client, server) = await handshakes;
        Assert.True(client.Success, client.ToString());
        Assert.True(server.Success, server.ToString());
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
    }

    [Fact]
    public async Task NoPeer_HandshakeTimesOut()
    {
        await using var link = new FakeDatagramLink();
        using var client = new DtlsSrtpTransport(DtlsPair.ClientCertificate, DtlsRole.Client, "sha-256",
            DtlsPair.ServerCertificate.Fingerprint, link.ClientSender, DtlsSrtpProfiles.Default);

        DtlsHandshakeResult result = client.Handshake(300, CancellationToken.None);

        Assert.Equal(DtlsError.Timeout, result.Error);
        Assert.NotEmpty(link.Sent); // The ClientHello went out.
        Assert.False(client.IsEstablished);
    }

    [Fact]
    public async Task Cancellation_StopsTheHandshake()
    {
        await using var link = new FakeDatagramLink();
        using var server = new DtlsSrtpTransport(DtlsPair.ServerCertificate, DtlsRole.Server, "sha-256",
            DtlsPair.ClientCertificate.Fingerprint, link.ServerSender, DtlsSrtpProfiles.Default);
        using var cts = new CancellationTokenSource(100);

        DtlsHandshakeResult result = server.Handshake(30_000, cts.Token);

        Assert.Equal(DtlsError.Cancelled, result.Error);
    }

    [Fact]
    public async Task CloseDuringHandshake_FailsItWithClosed()
    {
        await using var link = new FakeDatagramLink();
        using var server = new DtlsSrtpTransport(DtlsPair.ServerCertificate, DtlsRole.Server, "sha-256",
            DtlsPair.ClientCertificate.Fingerprint, link.ServerSender, DtlsSrtpProfiles.Default);
        Task<DtlsHandshakeResult> handshake = DtlsPair.StartHandshake(server, 30_000);

        await Task.Delay(50);
        server.Close();

        Assert.Equal(DtlsError.Closed, (await handshake).Error);
    }

    [Fact]
    public async Task HandshakeTwice_IsRefused()
    {
        await using var pair = new DtlsPair();
        await pair.HandshakeAsync();

        Assert.Equal(DtlsError.AlreadyStarted, pair.Client.Handshake(1000, CancellationToken.None).Error);
    }

    [Fact]
    public async Task Rfc5246_7_2_1_CloseNotifyFromServer_RaisesClosedOnClient()
    {
        await using var pair = new DtlsPair();
        var closed = new TaskCompletionSource<DtlsError>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Client.Closed += reason => closed.TrySetResult(reason);
        await pair.HandshakeAsync();

        pair.Server.Close();

        Assert.Equal(DtlsError.Closed, await closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(pair.Client.IsEstablished);

        // The client answers with its own close_notify (RFC 5246 §7.2.1); it reaches a closed server.
        Assert.True(SpinWait.SpinUntil(() => pair.Server.GetDropCount(DtlsDropReason.AfterClose) == 1,
            TimeSpan.FromSeconds(10)));
        pair.Server.ReceiveDatagram(new byte[] { 0x15, 0xFE, 0xFD });
        Assert.Equal(2, pair.Server.GetDropCount(DtlsDropReason.AfterClose));
    }

    [Fact]
    public void ReceiveDatagram_EmptyAndOversized_AreCountedNotQueued()
    {
        using var server = new DtlsSrtpTransport(DtlsPair.ServerCertificate, DtlsRole.Server, "sha-256",
            DtlsPair.ClientCertificate.Fingerprint, new FakeDatagramLink().ServerSender, DtlsSrtpProfiles.Default);

        server.ReceiveDatagram(ReadOnlySpan<byte>.Empty);
        server.ReceiveDatagram(new byte[DtlsSrtpTransport.MaxDatagramSize + 1]);
        for (int i = 0; i < DtlsSrtpTransport.QueueCapacity + 3; i++)
        {
            server.ReceiveDatagram(new byte[] { 22, 0xFE, 0xFD });
        }

        Assert.Equal(1, server.GetDropCount(DtlsDropReason.Empty));
        Assert.Equal(1, server.GetDropCount(DtlsDropReason.Oversized));
        Assert.Equal(3, server.GetDropCount(DtlsDropReason.QueueFull));
        Assert.Equal(5, server.DroppedDatagrams);
    }
}
