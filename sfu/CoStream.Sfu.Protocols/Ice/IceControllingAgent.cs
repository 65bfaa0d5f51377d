using System.Net;
using System.Text;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.Sfu.Protocols.Ice;

/// <summary>
/// A full ICE agent in the controlling role (RFC 8445) for one data stream with one component,
/// as the load tester needs to connect to our ice-lite server. No sockets and no clock of its
/// own: the caller polls <see cref="TryGetNextCheck"/> with its time and feeds responses to
/// <see cref="HandleResponse"/>. Not thread-safe.
/// <list type="bullet">
/// <item>Pairs: every local host candidate with every remote UDP candidate of the same address
/// family that has an IP address (mDNS names are skipped), ordered by §6.1.2.3 pair priority.</item>
/// <item>Pacing: one transmission (new check or retransmission) per <see cref="TaMs"/> (§14.2).</item>
/// <item>Retransmission: RTO from <see cref="InitialRtoMs"/>, doubling up to <see cref="MaxRtoMs"/>,
/// <see cref="MaxTransmissions"/> sends, then the check times out (RFC 5389 §7.2.1, capped).</item>
/// <item>Regular nomination (§8.1.1): the first pair that succeeds is checked again with
/// USE-CANDIDATE; when that succeeds the pair is selected and the state is Connected. New
/// ordinary checks stop once a pair has succeeded.</item>
/// <item>Consent freshness (RFC 7675): once Connected, a check every 4–6 s (randomised);
/// Failed when no check succeeded for <see cref="ConsentTimeoutMs"/>.</item>
/// </list>
/// Failed is terminal, and the agent does not answer checks from the peer (a lite peer sends none).
/// </summary>
public sealed class IceControllingAgent
{
    public const int MaxPairs = 100;

    private readonly byte[] _username;        // "remoteUfrag:localUfrag"
    private readonly byte[] _remotePassword;  // MESSAGE-INTEGRITY key for our checks
    private readonly ulong _tieBreaker;
    private readonly Random _random;
    private readonly List<IPEndPoint> _localCandidates = new();
    private readonly List<IceCandidate> _remoteCandidates = new();
    private readonly List<IceCandidatePair> _checkList = new();
    private readonly List<Transaction> _transactions = new();
    private IceCandidatePair? _nominating;
    private IceCandidatePair? _selected;
    private long _nextTransmitMs = long.MinValue;
    private long _nextConsentMs;
    private int _pairsCreated;

    public IceControllingAgent(IceCredentials local, string remoteUfrag, string remotePassword, ulong tieBreaker, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (!IceCredentials.IsValidUfrag(remoteUfrag))
        {
            throw new ArgumentException("ice-ufrag must be 4..256 ice-chars.", nameof(remoteUfrag));
        }

        if (!IceCredentials.IsValidPassword(remotePassword))
        {
            throw new ArgumentException("ice-pwd must be 22..256 ice-chars.", nameof(remotePassword));
        }

        Local = local;
        _username = Encoding.ASCII.GetBytes(remoteUfrag + ":" + local.Ufrag);
        _remotePassword = Encoding.ASCII.GetBytes(remotePassword);
        _tieBreaker = tieBreaker;
        _random = random ?? Random.Shared;
    }

    public IceCredentials Local { get; }

    /// <summary>Ta, the pacing interval between transmissions (RFC 8445 §14.2 default 50 ms).</summary>
    public int TaMs { get; init; } = 50;

    public int InitialRtoMs { get; init; } = 500;

    public int MaxRtoMs { get; init; } = 1600;

    /// <summary>Rc: transmissions of one check before it times out (RFC 5389 default 7).</summary>
    public int MaxTransmissions { get; init; } = 7;

    public int ConsentIntervalMinMs { get; init; } = 4000;

    public int ConsentIntervalMaxMs { get; init; } = 6000;

    public int ConsentTimeoutMs { get; init; } = 30_000;

    public IceConnectionState State { get; private set; }

    /// <summary>Remote address of the nominated pair, null until Connected.</summary>
    public IPEndPoint? SelectedRemote => _selected?.Remote;

    /// <summary>Time of the last successful check on the selected pair.</summary>
    public long LastConsentMs { get; private set; }

    /// <summary>The check list, highest pair priority first.</summary>
    public IReadOnlyList<IceCandidatePair> CheckList => _checkList;

    /// <summary>Bytes a buffer given to <see cref="TryGetNextCheck"/> needs.</summary>
    public int RequestLength =>
        StunMessage.HeaderLength
        + 4 + ((_username.Length + 3) & ~3)   // USERNAME
        + 4 + 4                               // PRIORITY
        + 4 + 8                               // ICE-CONTROLLING
        + 4                                   // USE-CANDIDATE
        + 4 + 20                              // MESSAGE-INTEGRITY
        + 4 + 4;                              // FINGERPRINT

    /// <summary>A local host candidate (the address our socket is bound to, as the peer will see it).</summary>
    public void AddLocalCandidate(IPEndPoint local)
    {
        ArgumentNullException.ThrowIfNull(local);
        _localCandidates.Add(local);
        foreach (IceCandidate remote in _remoteCandidates)
        {
            AddPair(_localCandidates.Count - 1, remote);
        }
    }

    /// <summary>False when the candidate cannot be checked (TCP, component other than 1, mDNS name, duplicate).</summary>
    public bool AddRemoteCandidate(IceCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        IPEndPoint? endPoint = candidate.EndPoint;
        if (candidate.Transport != IceTransport.Udp || candidate.Component != 1 || endPoint == null
            || _remoteCandidates.Exists(c => endPoint.Equals(c.EndPoint)))
        {
            return false;
        }

        _remoteCandidates.Add(candidate);
        for (int i = 0; i < _localCandidates.Count; i++)
        {
            AddPair(i, candidate);
        }

        return true;
    }

    /// <summary>
    /// The next datagram to send, if one is due at <paramref name="nowMs"/>: a retransmission, a
    /// nomination, an ordinary check, or a consent check, in that order, paced at Ta. Also
    /// advances timeouts and consent expiry, so call it every few milliseconds.
    /// </summary>
    public bool TryGetNextCheck(long nowMs, Span<byte> buffer, out int length, out IPEndPoint destination)
    {
        length = 0;
        destination = null!;
        if (buffer.Length < RequestLength)
        {
            throw new ArgumentException($"The buffer must hold {RequestLength} bytes.", nameof(buffer));
        }

        ExpireTransactions(nowMs);
        UpdateState(nowMs);
        if (State == IceConnectionState.Failed || nowMs < _nextTransmitMs)
        {
            return false;
        }

        Transaction? transaction = NextDueRetransmission(nowMs) ?? StartNextTransaction(nowMs);
        if (transaction == null)
        {
            return false;
        }

        length = WriteRequest(transaction, buffer);
        destination = transaction.Pair.Remote;
        transaction.Transmissions++;
        transaction.NextTransmitMs = nowMs + transaction.RtoMs;
        transaction.RtoMs = Math.Min(transaction.RtoMs * 2, MaxRtoMs);
        _nextTransmitMs = nowMs + TaMs;
        if (State == IceConnectionState.New)
        {
            State = IceConnectionState.Checking;
        }

        return true;
    }

    /// <summary>Matches a Binding response to our check, authenticates it and advances the pair.</summary>
    public IceCheckOutcome HandleResponse(ReadOnlySpan<byte> packet, IPEndPoint from, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (StunMessage.TryRead(packet, out StunMessage response, out _) != StunError.None)
        {
            return IceCheckOutcome.Malformed;
        }

        StunMessageType type = response.Type;
        if (type.Method != StunMethod.Binding || !type.IsResponse)
        {
            return IceCheckOutcome.NotAResponse;
        }

        Transaction? transaction = FindTransaction(response.TransactionId);
        if (transaction == null)
        {
            return IceCheckOutcome.UnknownTransaction;
        }

        if (response.HasFingerprint && !response.CheckFingerprint())
        {
            return IceCheckOutcome.BadFingerprint;
        }

        if (!response.CheckMessageIntegrity(_remotePassword))
        {
            return IceCheckOutcome.BadIntegrity;
        }

        _transactions.Remove(transaction);
        if (!from.Equals(transaction.Pair.Remote))
        {
            Fail(transaction);
            return IceCheckOutcome.NonSymmetric;
        }

        if (type.Class == StunClass.ErrorResponse)
        {
            // 487 cannot be resolved against a lite peer (it never controls); any error fails the pair.
            Fail(transaction);
            return IceCheckOutcome.ErrorResponse;
        }

        return Succeed(transaction, nowMs);
    }

    private IceCheckOutcome Succeed(Transaction transaction, long nowMs)
    {
        IceCandidatePair pair = transaction.Pair;
        switch (transaction.Kind)
        {
            case CheckKind.Nomination:
                pair.State = IceCandidatePairState.Succeeded;
                pair.Nominated = true;
                _nominating = null;
                _selected = pair;
                State = IceConnectionState.Connected;
                LastConsentMs = nowMs;
                _nextConsentMs = nowMs + NextConsentInterval();
                _transactions.RemoveAll(t => t.Kind == CheckKind.Ordinary);
                return IceCheckOutcome.Nominated;
            case CheckKind.Consent:
                LastConsentMs = nowMs;
                return IceCheckOutcome.ConsentRefreshed;
            default:
                pair.State = IceCandidatePairState.Succeeded;
                return IceCheckOutcome.Succeeded;
        }
    }

    private void Fail(Transaction transaction)
    {
        if (transaction.Kind == CheckKind.Consent)
        {
            return; // consent only lapses by time
        }

        transaction.Pair.State = IceCandidatePairState.Failed;
        if (ReferenceEquals(_nominating, transaction.Pair))
        {
            _nominating = null;
        }
    }

    private void ExpireTransactions(long nowMs)
    {
        for (int i = _transactions.Count - 1; i >= 0; i--)
        {
            Transaction transaction = _transactions[i];
            if (transaction.Transmissions >= MaxTransmissions && nowMs >= transaction.NextTransmitMs)
            {
                _transactions.RemoveAt(i);
                Fail(transaction);
            }
        }
    }

    private void UpdateState(long nowMs)
    {
        if (State == IceConnectionState.Connected && nowMs - LastConsentMs >= ConsentTimeoutMs)
        {
            State = IceConnectionState.Failed;
            _transactions.Clear();
        }
        else if (State == IceConnectionState.Checking && _checkList.TrueForAll(p => p.State == IceCandidatePairState.Failed))
        {
            State = IceConnectionState.Failed;
            _transactions.Clear();
        }
    }

    private Transaction? NextDueRetransmission(long nowMs)
    {
        foreach (Transaction transaction in _transactions)
        {
            if (transaction.NextTransmitMs <= nowMs)
            {
                return transaction;
            }
        }

        return null;
    }

    private Transaction? StartNextTransaction(long nowMs)
    {
        if (State == IceConnectionState.Connected)
        {
            if (nowMs < _nextConsentMs)
            {
                return null;
            }

            _nextConsentMs = nowMs + NextConsentInterval();
            return Start(_selected!, CheckKind.Consent);
        }

        if (_nominating != null)
        {
            return null;
        }

        IceCandidatePair? succeeded = _checkList.Find(p => p.State == IceCandidatePairState.Succeeded);
        if (succeeded != null)
        {
            _nominating = succeeded;
            return Start(succeeded, CheckKind.Nomination);
        }

        IceCandidatePair? waiting = _checkList.Find(p => p.State == IceCandidatePairState.Waiting);
        if (waiting == null)
        {
            return null;
        }

        waiting.State = IceCandidatePairState.InProgress;
        return Start(waiting, CheckKind.Ordinary);
    }

    private Transaction Start(IceCandidatePair pair, CheckKind kind)
    {
        var transaction = new Transaction(StunTransactionId.NewRandom(), pair, kind, InitialRtoMs);
        _transactions.Add(transaction);
        return transaction;
    }

    private Transaction? FindTransaction(StunTransactionId id)
    {
        foreach (Transaction transaction in _transactions)
        {
            if (transaction.Id == id)
            {
                return transaction;
            }
        }

        return null;
    }

    /// <summary>RFC 8445 §7.1: USERNAME, PRIORITY (as peer-reflexive), ICE-CONTROLLING, [USE-CANDIDATE], MESSAGE-INTEGRITY, FINGERPRINT.</summary>
    private int WriteRequest(Transaction transaction, Span<byte> buffer)
    {
        int localIndex = _localCandidates.IndexOf(transaction.Pair.Local);
        uint priority = IceCandidate.ComputePriority(
            IceCandidate.TypePreference(IceCandidateType.PeerReflexive), LocalPreference(localIndex), 1);
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, transaction.Id);
        writer.AddUsername(_username);
        writer.AddPriority(priority);
        writer.AddIceControlling(_tieBreaker);
        if (transaction.Kind == CheckKind.Nomination)
        {
            writer.AddUseCandidate();
        }

        writer.AddMessageIntegrity(_remotePassword);
        writer.AddFingerprint();
        return writer.Length;
    }

    private void AddPair(int localIndex, IceCandidate remote)
    {
        IPEndPoint local = _localCandidates[localIndex];
        IPEndPoint remoteEndPoint = remote.EndPoint!;
        if (local.AddressFamily != remoteEndPoint.AddressFamily || _checkList.Count >= MaxPairs
            || State is IceConnectionState.Failed)
        {
            return;
        }

        uint localPriority = IceCandidate.ComputePriority(
            IceCandidate.TypePreference(IceCandidateType.Host), LocalPreference(localIndex), 1);
        _checkList.Add(new IceCandidatePair(local, localPriority, remoteEndPoint, remote.Priority, _pairsCreated++));
        _checkList.Sort(static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Order.CompareTo(b.Order));
    }

    private static int LocalPreference(int localIndex) => Math.Max(0, 65535 - localIndex);

    private int NextConsentInterval() => _random.Next(ConsentIntervalMinMs, ConsentIntervalMaxMs + 1);

    private enum CheckKind
    {
        Ordinary,
        Nomination,
        Consent,
    }

    private sealed class Transaction
    {
        public Transaction(StunTransactionId id, IceCandidatePair pair, CheckKind kind, int rtoMs)
        {
            Id = id;
            Pair = pair;
            Kind = kind;
            RtoMs = rtoMs;
        }

        public StunTransactionId Id { get; }

        public IceCandidatePair Pair { get; }

        public CheckKind Kind { get; }

        public int Transmissions { get; set; }

        public long NextTransmitMs { get; set; }

        public int RtoMs { get; set; }
    }
}
