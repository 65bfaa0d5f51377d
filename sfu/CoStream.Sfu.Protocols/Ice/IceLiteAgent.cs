using System.Net;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.Sfu.Protocols.Ice;

/// <summary>
/// The server side of ICE for one peer connection: an ice-lite agent (RFC 8445 §2.5), always in
/// the controlled role, answering the peer's connectivity checks (§7.3) and tracking consent
/// freshness (RFC 7675) from them. Not thread-safe: the caller serialises calls.
/// <para>Selection: the source of the FIRST valid check becomes <see cref="SelectedRemote"/> at
/// once, so media can flow before nomination; a check carrying USE-CANDIDATE from any address
/// replaces it (the controlling agent decides). Later plain checks from other addresses are
/// answered but do not move the selection.</para>
/// <para>Role: a request carrying ICE-CONTROLLED (the peer thinks it is controlled too) is
/// answered 487 Role Conflict regardless of tie-breakers, because a lite agent can never take the
/// controlling role (§6.1.1, §7.3.1.1); the full peer must switch. Requests with neither
/// ICE-CONTROLLING nor ICE-CONTROLLED are accepted (RFC 5245 peers).</para>
/// </summary>
public sealed class IceLiteAgent
{
    /// <summary>Largest response this agent writes (IPv6 XOR-MAPPED-ADDRESS, or an error with its reason).</summary>
    public const int MaxResponseLength = 128;
    public const int DefaultConsentTimeoutMs = 30_000;

    private const byte UsernameSeparator = (byte)':';

    private readonly byte[] _localUfrag;
    private readonly byte[] _password;
    private byte[]? _remoteUfrag;

    public IceLiteAgent(IceCredentials local, string? remoteUfrag = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        Local = local;
        _localUfrag = local.UfragBytes.ToArray();
        _password = local.PasswordBytes.ToArray();
        if (remoteUfrag != null)
        {
            SetRemoteUfrag(remoteUfrag);
        }
    }

    public IceCredentials Local { get; }

    public string? RemoteUfrag { get; private set; }

    /// <summary>The peer's address for media: first valid check, then the nominated one.</summary>
    public IPEndPoint? SelectedRemote { get; private set; }

    /// <summary>True once a check with USE-CANDIDATE chose <see cref="SelectedRemote"/>.</summary>
    public bool IsNominated { get; private set; }

    /// <summary>Time of the last valid check from <see cref="SelectedRemote"/> (caller's clock).</summary>
    public long LastValidCheckMs { get; private set; }

    /// <summary>Once set (from the remote SDP), the second part of USERNAME must match it.</summary>
    public void SetRemoteUfrag(string remoteUfrag)
    {
        if (!IceCredentials.IsValidUfrag(remoteUfrag))
        {
            throw new ArgumentException("ice-ufrag must be 4..256 ice-chars.", nameof(remoteUfrag));
        }

        RemoteUfrag = remoteUfrag;
        _remoteUfrag = System.Text.Encoding.ASCII.GetBytes(remoteUfrag);
    }

    /// <summary>
    /// RFC 7675: consent lapses when no valid check from the selected remote arrived within
    /// <paramref name="timeoutMs"/>. False while nothing is selected (a peer that never connects
    /// is the caller's connect timeout, not a consent expiry).
    /// </summary>
    public bool IsConsentExpired(long nowMs, int timeoutMs = DefaultConsentTimeoutMs) =>
        SelectedRemote != null && nowMs - LastValidCheckMs >= timeoutMs;

    /// <summary>
    /// Validates a Binding request from <paramref name="remote"/> and writes the response to send
    /// back to it into <paramref name="response"/> (<see cref="MaxResponseLength"/> bytes always suffice).
    /// </summary>
    public IceLiteOutcome HandleBindingRequest(
        ReadOnlySpan<byte> packet, IPEndPoint remote, long nowMs, Span<byte> response, out int responseLength)
    {
        ArgumentNullException.ThrowIfNull(remote);
        responseLength = 0;
        if (StunMessage.TryRead(packet, out StunMessage request, out _) != StunError.None)
        {
            return IceLiteOutcome.Malformed;
        }

        if (request.Type != StunMessageType.BindingRequest)
        {
            return IceLiteOutcome.NotARequest;
        }

        if (request.HasFingerprint && !request.CheckFingerprint())
        {
            return IceLiteOutcome.BadFingerprint;
        }

        IceLiteOutcome refusal = Authenticate(request);
        if (refusal != IceLiteOutcome.Responded)
        {
            return WriteError(request, refusal, response, out responseLength);
        }

        if (request.HasIceControlled)
        {
            return WriteError(request, IceLiteOutcome.RoleConflict, response, out responseLength);
        }

        var writer = new StunMessageWriter(response, StunMessageType.BindingSuccess, request.TransactionId);
        writer.AddXorMappedAddress(remote);
        writer.AddMessageIntegrity(_password);
        writer.AddFingerprint();
        if (writer.Overflowed)
        {
            return IceLiteOutcome.ResponseBufferTooSmall;
        }

        responseLength = writer.Length;
        return Accept(remote, request.UseCandidate, nowMs);
    }

    private IceLiteOutcome Authenticate(StunMessage request)
    {
        if (!request.HasUsername || !request.HasMessageIntegrity)
        {
            return IceLiteOutcome.MissingCredentials;
        }

        ReadOnlySpan<byte> username = request.Username;
        int separator = username.IndexOf(UsernameSeparator);
        if (separator < 0
            || !username.Slice(0, separator).SequenceEqual(_localUfrag)
            || (_remoteUfrag != null && !username.Slice(separator + 1).SequenceEqual(_remoteUfrag)))
        {
            return IceLiteOutcome.BadUsername;
        }

        return request.CheckMessageIntegrity(_password) ? IceLiteOutcome.Responded : IceLiteOutcome.BadIntegrity;
    }

    private IceLiteOutcome Accept(IPEndPoint remote, bool useCandidate, long nowMs)
    {
        if (useCandidate)
        {
            SelectedRemote = SameAddress(SelectedRemote, remote) ? SelectedRemote : remote;
            IsNominated = true;
            LastValidCheckMs = nowMs;
            return IceLiteOutcome.Nominated;
        }

        if (SelectedRemote == null)
        {
            SelectedRemote = remote;
        }

        if (SameAddress(SelectedRemote, remote))
        {
            LastValidCheckMs = nowMs;
        }

        return IceLiteOutcome.Responded;
    }

    /// <summary>
    /// 400 and 401 carry no MESSAGE-INTEGRITY (there is no shared key to trust, RFC 5389 §10.1.2);
    /// 487 follows an authenticated request and is signed. All carry FINGERPRINT.
    /// </summary>
    private IceLiteOutcome WriteError(StunMessage request, IceLiteOutcome reason, Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        (int code, string text) = reason switch
        {
            IceLiteOutcome.MissingCredentials => (400, "Bad Request"),
            IceLiteOutcome.RoleConflict => (487, "Role Conflict"),
            _ => (401, "Unauthorized"),
        };
        var writer = new StunMessageWriter(response, StunMessageType.BindingError, request.TransactionId);
        writer.AddErrorCode(code, text);
        if (reason == IceLiteOutcome.RoleConflict)
        {
            writer.AddMessageIntegrity(_password);
        }

        writer.AddFingerprint();
        if (writer.Overflowed)
        {
            return IceLiteOutcome.ResponseBufferTooSmall;
        }

        responseLength = writer.Length;
        return reason;
    }

    private static bool SameAddress(IPEndPoint? a, IPEndPoint b) => a != null && a.Equals(b);
}
