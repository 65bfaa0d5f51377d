// DTLS-SRTP (RFC 5763, RFC 5764) over DTLS 1.2 (RFC 6347) with Portable.BouncyCastle 1.8.10
// (Org.BouncyCastle.Crypto.Tls).
//
// Interop notes, checked against public reports before writing this:
//
// * Chrome 124 broke BouncyCastle-based servers (sipsorcery issue 1104, April 2024; fixed by
//   sipsorcery PR 1105 "Adding ECDSA as certificate type"). Chrome's own logs showed it stopping
//   right after read_certificate_request, and the server then failing with handshake_failure(40).
//   Cause: the server's CertificateRequest listed only certificate_types = { rsa_sign }. Chrome's
//   DTLS certificate is ECDSA, and from 124 on BoringSSL checks that the client certificate's key
//   type is among the requested certificate_types, so Chrome no longer sent it. Fix: list
//   ecdsa_sign (64) in CertificateRequest.certificate_types, together with ECDSA entries in
//   supported_signature_algorithms. We do both (DtlsSrtpServerPeer.GetCertificateRequest), and our
//   client only answers a request that lists ecdsa_sign (DtlsSrtpClientPeer). It was not about
//   cipher suites, cookies, record fragmentation, EC point formats or ClientHello extensions.
// * Chrome also shuffles the order of its DTLS ClientHello extensions ("DTLS ClientHello extension
//   permutation"). BouncyCastle reads them into a hash table, so the order does not matter, and it
//   skips groups and extensions it does not know (x25519, GREASE, hybrid post-quantum groups).
// * BouncyCastle aborts clients that do not signal secure renegotiation (RFC 5746); old pion
//   clients did that, so both peers accept it (renegotiation is never done in WebRTC anyway).
// * No HelloVerifyRequest (VerifyRequests = false): ICE consent already checked the return path,
//   and an extra round trip only costs time.
// * bc-java issue 1489 (1.74+ did not retransmit the server's last flight when the client's last
//   flight came again) is not in 1.8.10. The retransmission only happens if something keeps
//   reading after Accept returns, which is why datagrams are still pumped into the record layer
//   after the handshake (see ReceiveDatagram).
// * A record that fails its MAC makes BouncyCastle's DtlsTransport send a fatal alert and close.
//   RFC 6347 §4.1.2.7 says to drop such records silently, so after the handshake each record goes
//   straight to the record layer's ProcessRecord (bound once by reflection against 1.8.10; if that
//   fails we fall back to its Receive loop), never through DtlsTransport, and the drop is counted.
// * Known limit inside BouncyCastle: during the handshake a well-formed forged record can still
//   spoil it (the first record read pins the record version; the first fragment seen for a
//   message_seq fixes its type and length). That needs someone spoofing the ICE-checked address.
using System.Reflection;
using Org.BouncyCastle.Crypto.Tls;
using Org.BouncyCastle.Security;

namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// One DTLS-SRTP association per peer connection, server or client role. The engine feeds every
/// DTLS-classified datagram (RFC 7983 first byte 20..63) to <see cref="ReceiveDatagram"/>; a worker
/// calls <see cref="Handshake"/> once, which blocks until the keys are ready or it fails. After
/// that, received datagrams are run through the record layer on the caller's thread so that a
/// close_notify or fatal alert from the peer raises <see cref="Closed"/>. Application data (SCTP)
/// is not used here and is dropped.
/// </summary>
public sealed class DtlsSrtpTransport : IDisposable
{
    /// <summary>Largest handshake datagram we send: Chrome's DTLS MTU, safe on any path.</summary>
    public const int SendMtu = 1200;

    /// <summary>Largest datagram we accept; larger ones are dropped (other stacks use up to 1472-byte datagrams).</summary>
    public const int MaxDatagramSize = 1500;

    /// <summary>How many received datagrams may wait for the handshake thread.</summary>
    public const int QueueCapacity = 64;

    private static readonly FieldInfo? RecordLayerField =
        typeof(DtlsTransport).GetField("mRecordLayer", BindingFlags.Instance | BindingFlags.NonPublic);

    // DtlsRecordLayer.ProcessRecord(int received, byte[] record, byte[] buf, int off): one record in,
    // plaintext length (application data) or -1 out; throws on a bad MAC or a fatal alert.
    private static readonly MethodInfo? ProcessRecordMethod = RecordLayerField?.FieldType.GetMethod("ProcessRecord",
        BindingFlags.Instance | BindingFlags.NonPublic, null,
        new[] { typeof(int), typeof(byte[]), typeof(byte[]), typeof(int) }, null);

    private readonly object _gate = new();
    private readonly DtlsPeerContext _context;
    private readonly QueuedDatagramTransport _link;
    private readonly long[] _drops = new long[Enum.GetValues<DtlsDropReason>().Length];
    private readonly byte[] _scratch = new byte[MaxDatagramSize];
    private readonly byte[] _record = new byte[MaxDatagramSize];

    private volatile State _state;
    private bool _pumping;
    private DtlsTransport? _dtls;
    private DatagramTransport? _recordLayer;
    private Func<int, byte[], byte[], int, int>? _processRecord;

    public DtlsSrtpTransport(DtlsCertificate local, DtlsRole role, string remoteFingerprintAlgorithm,
        string remoteFingerprint, IDatagramSender sender, IReadOnlyList<ushort> offeredProfiles)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remoteFingerprintAlgorithm);
        ArgumentNullException.ThrowIfNull(remoteFingerprint);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(offeredProfiles);

        int[] profiles = offeredProfiles.Where(DtlsSrtpProfiles.IsSupported).Distinct().Select(p => (int)p).ToArray();
        if (profiles.Length == 0)
        {
            throw new ArgumentException("No supported SRTP protection profile offered.", nameof(offeredProfiles));
        }

        Role = role;
        _context = new DtlsPeerContext(local, remoteFingerprintAlgorithm, remoteFingerprint, profiles);
        _link = new QueuedDatagramTransport(sender, QueueCapacity, MaxDatagramSize, SendMtu);
    }

    private enum State
    {
        New,
        Handshaking,
        Established,
        Closed,
        Failed,
    }

    /// <summary>
    /// Raised once when an established association ends from the peer's side:
    /// <see cref="DtlsError.Closed"/> for close_notify, <see cref="DtlsError.Alert"/> for a fatal alert.
    /// Runs on the thread that called <see cref="ReceiveDatagram"/>, outside any lock.
    /// </summary>
    public event Action<DtlsError>? Closed;

    public DtlsRole Role { get; }

    public bool IsEstablished => _state == State.Established;

    /// <summary>All datagrams dropped so far, any reason.</summary>
    public long DroppedDatagrams
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < _drops.Length; i++)
            {
                sum += Interlocked.Read(ref _drops[i]);
            }

            return sum;
        }
    }

    /// <summary>Datagrams the sender threw on (counted as lost).</summary>
    public long SendFailures => _link.SendFailures;

    public long GetDropCount(DtlsDropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    /// <summary>True when established datagrams go record by record into BouncyCastle's record layer (no queue, no exceptions).</summary>
    internal bool UsesDirectRecordPath => _processRecord is not null;

    /// <summary>
    /// Hands one received datagram to DTLS. Copies it; never blocks on the network, never throws.
    /// Before and during the handshake it is queued (bounded; overflow is dropped and counted).
    /// Afterwards it is run through the record layer right here, so alerts take effect at once.
    /// </summary>
    public void ReceiveDatagram(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            Count(DtlsDropReason.Empty);
            return;
        }

        if (datagram.Length > MaxDatagramSize)
        {
            Count(DtlsDropReason.Oversized);
            return;
        }

        DtlsError closedBy = DtlsError.None;
        lock (_gate)
        {
            switch (_state)
            {
                case State.New:
                case State.Handshaking:
                    if (!_link.TryEnqueue(datagram))
                    {
                        Count(DtlsDropReason.QueueFull);
                    }

                    return;

                case State.Established:
                    DtlsRecordScan scan = DtlsRecordScanner.Scan(datagram);
                    if (scan != DtlsRecordScan.Plausible)
                    {
                        Count(scan == DtlsRecordScan.ApplicationDataOnly
                            ? DtlsDropReason.ApplicationData
                            : DtlsDropReason.NotDtlsRecord);
                        return;
                    }

                    if (_processRecord is not null)
                    {
                        closedBy = ProcessRecordsLocked(datagram);
                    }
                    else if (!_link.TryEnqueue(datagram))
                    {
                        Count(DtlsDropReason.QueueFull);
                        return;
                    }
                    else
                    {
                        closedBy = PumpLocked();
                    }

                    break;

                default:
                    Count(DtlsDropReason.AfterClose);
                    return;
            }
        }

        RaiseClosed(closedBy);
    }

    /// <summary>
    /// Runs the handshake in our role and blocks until it completes, fails, times out after
    /// <paramref name="timeoutMs"/>, or <paramref name="ct"/> is cancelled. Call once.
    /// Retransmission follows RFC 6347 §4.2.4 (1 s, doubling), inside BouncyCastle.
    /// </summary>
    public DtlsHandshakeResult Handshake(int timeoutMs, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeoutMs);
        lock (_gate)
        {
            if (_state != State.New)
            {
                return _state == State.Closed
                    ? DtlsHandshakeResult.Fail(DtlsError.Closed, null)
                    : DtlsHandshakeResult.AlreadyStartedResult;
            }

            _state = State.Handshaking;
        }

        if (!DtlsCertificate.TryComputeFingerprint(ReadOnlySpan<byte>.Empty, _context.RemoteFingerprintAlgorithm, out _))
        {
            return Finish(DtlsHandshakeResult.Fail(DtlsError.UnsupportedFingerprintAlgorithm, null));
        }

        long deadline = Environment.TickCount64 + timeoutMs;
        // BouncyCastle's own limit is a backstop; ours fires first and says "Timeout" precisely.
        _context.HandshakeTimeoutMillis = timeoutMs + 1000;
        _link.StartHandshake(deadline, ct);

        DtlsTransport? dtls = null;
        Exception? failure = null;
        try
        {
            var random = new SecureRandom();
            if (Role == DtlsRole.Server)
            {
                var protocol = new DtlsServerProtocol(random) { VerifyRequests = false };
                dtls = protocol.Accept(new DtlsSrtpServerPeer(_context), _link);
            }
            else
            {
                dtls = new DtlsClientProtocol(random).Connect(new DtlsSrtpClientPeer(_context), _link);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }

        if (dtls is null || _context.KeyingMaterial.Length == 0)
        {
            return Finish(DtlsHandshakeResult.Fail(MapFailure(failure, deadline), AlertFor(failure)));
        }

        DtlsHandshakeResult result = BuildResult();
        DtlsError closedBy = DtlsError.None;
        lock (_gate)
        {
            if (_state != State.Handshaking)
            {
                // Close() arrived just as the handshake finished.
                dtls.Close();
                _link.Dispose();
                return DtlsHandshakeResult.Fail(DtlsError.Closed, null);
            }

            _dtls = dtls;
            _recordLayer = RecordLayerField?.GetValue(dtls) as DatagramTransport ?? dtls;
            if (ProcessRecordMethod is not null && !ReferenceEquals(_recordLayer, dtls))
            {
                _processRecord = (Func<int, byte[], byte[], int, int>)ProcessRecordMethod.CreateDelegate(
                    typeof(Func<int, byte[], byte[], int, int>), _recordLayer);
            }

            _link.SwitchToPolling();
            _state = State.Established;

            // Datagrams that arrived while BouncyCastle was finishing (a retransmitted flight, an alert).
            closedBy = PumpLocked();
        }

        RaiseClosed(closedBy);
        return result;
    }

    /// <summary>
    /// Sends close_notify (if established) and stops. A handshake in progress fails with
    /// <see cref="DtlsError.Closed"/>. Does not raise <see cref="Closed"/>. Idempotent.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            switch (_state)
            {
                case State.New:
                    _state = State.Closed;
                    _link.Dispose();
                    break;
                case State.Handshaking:
                    _state = State.Closed;
                    _link.Stop(DtlsError.Closed);
                    break;
                case State.Established:
                    _state = State.Closed;
                    try
                    {
                        _dtls!.Close();
                    }
                    catch (Exception)
                    {
                        // The close_notify is best effort.
                    }

                    _link.Dispose();
                    break;
            }
        }
    }

    public void Dispose() => Close();

    private DtlsHandshakeResult Finish(DtlsHandshakeResult failed)
    {
        lock (_gate)
        {
            if (_state == State.Handshaking)
            {
                _state = State.Failed;
            }

            _link.Dispose();
        }

        return failed;
    }

    private DtlsError MapFailure(Exception? failure, long deadline)
    {
        if (_context.Failure != DtlsError.None)
        {
            return _context.Failure;
        }

        if (_link.StopReason != DtlsError.None)
        {
            return _link.StopReason;
        }

        if (_context.FatalAlertReceived)
        {
            return DtlsError.Alert;
        }

        if (failure is TlsFatalAlert { AlertDescription: AlertDescription.handshake_failure }
            && Environment.TickCount64 >= deadline)
        {
            return DtlsError.Timeout;
        }

        return DtlsError.ProtocolError;
    }

    private byte? AlertFor(Exception? failure) =>
        _context.FatalAlertReceived
            ? _context.AlertReceived
            : _context.AlertSent ?? (failure as TlsFatalAlert)?.AlertDescription;

    /// <summary>
    /// RFC 5764 §4.2 keying material layout:
    /// client_write_SRTP_master_key | server_write_SRTP_master_key |
    /// client_write_SRTP_master_salt | server_write_SRTP_master_salt.
    /// The client protects with the client_write pair, the server with the server_write pair.
    /// </summary>
    private DtlsHandshakeResult BuildResult()
    {
        ushort profile = _context.SelectedProfile;
        int keyLength = DtlsSrtpProfiles.GetMasterKeyLength(profile);
        int saltLength = DtlsSrtpProfiles.GetMasterSaltLength(profile);
        ReadOnlyMemory<byte> material = _context.KeyingMaterial;

        ReadOnlyMemory<byte> clientKey = material.Slice(0, keyLength);
        ReadOnlyMemory<byte> serverKey = material.Slice(keyLength, keyLength);
        ReadOnlyMemory<byte> clientSalt = material.Slice(2 * keyLength, saltLength);
        ReadOnlyMemory<byte> serverSalt = material.Slice((2 * keyLength) + saltLength, saltLength);
        bool isClient = Role == DtlsRole.Client;

        return new DtlsHandshakeResult
        {
            Error = DtlsError.None,
            ProfileId = profile,
            CipherSuite = _context.NegotiatedCipherSuite,
            ExtendedMasterSecret = _context.ExtendedMasterSecret,
            LocalMasterKey = isClient ? clientKey : serverKey,
            LocalMasterSalt = isClient ? clientSalt : serverSalt,
            RemoteMasterKey = isClient ? serverKey : clientKey,
            RemoteMasterSalt = isClient ? serverSalt : clientSalt,
            RemoteCertificate = _context.RemoteCertificateDer,
        };
    }

    /// <summary>
    /// Feeds the records of one datagram straight to the record layer (caller holds
    /// <see cref="_gate"/>), counting one outcome for the datagram unless it ended the association.
    /// </summary>
    private DtlsError ProcessRecordsLocked(ReadOnlySpan<byte> datagram)
    {
        DtlsDropReason? outcome = null;
        int offset = 0;
        while (offset < datagram.Length && !_context.FatalAlertReceived && !_context.CloseNotifyReceived)
        {
            // DtlsRecordScanner.Scan said Plausible, so every header is complete and in bounds.
            int length = DtlsRecordScanner.HeaderLength
                + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + DtlsRecordScanner.LengthOffset)..]);
            datagram.Slice(offset, length).CopyTo(_record);
            offset += length;
            try
            {
                if (_processRecord!(length, _record, _scratch, 0) >= 0)
                {
                    outcome ??= DtlsDropReason.ApplicationData;
                }
            }
            catch (Exception)
            {
                if (!_context.FatalAlertReceived)
                {
                    // Bad MAC, bad padding, decode error: drop the record, keep the association.
                    outcome ??= DtlsDropReason.RejectedRecord;
                }
            }
        }

        if (_context.FatalAlertReceived || _context.CloseNotifyReceived)
        {
            return EndLocked();
        }

        Count(outcome ?? DtlsDropReason.DiscardedByRecordLayer);
        return DtlsError.None;
    }

    private DtlsError EndLocked()
    {
        _state = _context.FatalAlertReceived ? State.Failed : State.Closed;
        _link.Dispose();
        return _context.FatalAlertReceived ? DtlsError.Alert : DtlsError.Closed;
    }

    /// <summary>
    /// Drains the queue through the record layer's own receive loop (caller holds <see cref="_gate"/>):
    /// used for datagrams left over when the handshake ends, and for every datagram if the direct
    /// record path could not be bound. Each call normally carries the one datagram just queued, and counts one outcome for it unless it
    /// ended the association. Returns how the association ended if it just did, else None.
    /// </summary>
    private DtlsError PumpLocked()
    {
        if (_pumping || _recordLayer is null)
        {
            return DtlsError.None; // Re-entered from a send; the outer loop picks the datagram up.
        }

        _pumping = true;
        long dequeuedBefore = _link.Dequeued;
        DtlsDropReason? outcome = null;
        try
        {
            while (!_context.FatalAlertReceived && !_context.CloseNotifyReceived)
            {
                try
                {
                    if (_recordLayer.Receive(_scratch, 0, _scratch.Length, 1000) >= 0)
                    {
                        outcome ??= DtlsDropReason.ApplicationData;
                    }
                }
                catch (Exception e) when (QueuedDatagramTransport.IsDrainedSignal(e))
                {
                    break;
                }
                catch (Exception)
                {
                    if (!_context.FatalAlertReceived)
                    {
                        // Bad MAC, bad padding, decode error: drop the record, keep the association.
                        outcome ??= DtlsDropReason.RejectedRecord;
                    }
                }
            }

            if (_context.FatalAlertReceived || _context.CloseNotifyReceived)
            {
                return EndLocked();
            }

            // Nothing surfaced: a replay, an unknown epoch, or a stale handshake record (which may
            // have made us retransmit our last flight, RFC 6347 §4.2.4).
            if (_link.Dequeued != dequeuedBefore)
            {
                Count(outcome ?? DtlsDropReason.DiscardedByRecordLayer);
            }

            return DtlsError.None;
        }
        finally
        {
            _pumping = false;
        }
    }

    private void RaiseClosed(DtlsError reason)
    {
        if (reason == DtlsError.None)
        {
            return;
        }

        try
        {
            Closed?.Invoke(reason);
        }
        catch (Exception)
        {
            // A subscriber's bug must not surface in the engine's receive loop.
        }
    }

    private void Count(DtlsDropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);
}
