namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// The result of pairing a local and a remote description (JSEP, RFC 8829 §5.10-5.11) in either role:
/// remote ICE credentials and DTLS fingerprint, our DTLS role, and per m-section what flows and how.
/// m-sections pair by position and must carry the same mid and kind.
/// </summary>
public sealed class NegotiatedSession
{
    private NegotiatedSession() { }

    /// <summary>Remote ICE ufrag of the BUNDLE transport; null when every m-section was rejected.</summary>
    public string? RemoteIceUfrag { get; private set; }
    public string? RemoteIcePwd { get; private set; }
    public SdpFingerprint? RemoteFingerprint { get; private set; }
    public bool RemoteIceLite { get; private set; }

    /// <summary>Client = we send the DTLS ClientHello (our setup is active); Server = we wait for it.</summary>
    public DtlsRole LocalDtlsRole { get; private set; } = DtlsRole.Server;

    /// <summary>Mids of the answer's BUNDLE group (all sharing one transport).</summary>
    public IReadOnlyList<string> BundleMids { get; private set; } = Array.Empty<string>();

    /// <summary>One entry per m-section, in order.</summary>
    public IReadOnlyList<NegotiatedMedia> Media { get; private set; } = Array.Empty<NegotiatedMedia>();

    public NegotiatedMedia? FindMedia(string mid) => Media.FirstOrDefault(m => m.Mid == mid);

    /// <summary>Pairs two descriptions; throws <see cref="ArgumentException"/> when they cannot be paired (see <see cref="TryFromOfferAnswer"/>).</summary>
    public static NegotiatedSession FromOfferAnswer(SessionDescription local, SessionDescription remote, bool localIsOfferer)
    {
        SdpError error = TryFromOfferAnswer(local, remote, localIsOfferer, out NegotiatedSession? session);
        return error == SdpError.None ? session! : throw new ArgumentException($"Descriptions cannot be paired: {error}.");
    }

    /// <summary>Pairs two descriptions; a remote description is untrusted, so refusals are reasons, not exceptions.</summary>
    public static SdpError TryFromOfferAnswer(SessionDescription local, SessionDescription remote, bool localIsOfferer, out NegotiatedSession? negotiated)
    {
        negotiated = null;
        SessionDescription offer = localIsOfferer ? local : remote;
        SessionDescription answer = localIsOfferer ? remote : local;
        if (local.Media.Count != remote.Media.Count)
            return SdpError.MediaMismatch;

        var result = new NegotiatedSession { RemoteIceLite = remote.IceLite };
        var media = new List<NegotiatedMedia>(local.Media.Count);
        bool transportKnown = false;
        for (int i = 0; i < local.Media.Count; i++)
        {
            MediaDescription l = local.Media[i], r = remote.Media[i];
            if (l.Kind != r.Kind || l.Mid != r.Mid)
                return SdpError.MediaMismatch;
            var entry = new NegotiatedMedia(i, l.Mid, l.Kind) { IsRejected = l.IsRejected || r.IsRejected };
            media.Add(entry);
            if (entry.IsRejected)
                continue;

            if (!transportKnown)
            {
                SdpError transport = ReadTransport(result, offer.Media[i], answer.Media[i], r, localIsOfferer);
                if (transport != SdpError.None)
                    return transport;
                transportKnown = true;
            }
            Fill(entry, l, r, answer.Media[i]);
        }
        result.Media = media;
        result.BundleMids = answer.BundleGroup?.Mids.ToArray() ?? Array.Empty<string>();
        negotiated = result;
        return SdpError.None;
    }

    /// <summary>ICE credentials and fingerprint from the remote side; DTLS role from the answer's setup (RFC 5763 §5).</summary>
    private static SdpError ReadTransport(NegotiatedSession result, MediaDescription offer, MediaDescription answer, MediaDescription remote, bool localIsOfferer)
    {
        if (remote.IceUfrag is null || remote.IcePwd is null)
            return SdpError.MissingIceCredentials;
        if (remote.Fingerprint is null)
            return SdpError.MissingFingerprint;
        DtlsSetup offerSetup = offer.Setup ?? DtlsSetup.ActPass; // RFC 5763 §5: the offerer must say actpass
        bool answererIsClient;
        if (answer.Setup == DtlsSetup.Active && offerSetup is DtlsSetup.ActPass or DtlsSetup.Passive)
            answererIsClient = true;
        else if (answer.Setup == DtlsSetup.Passive && offerSetup is DtlsSetup.ActPass or DtlsSetup.Active)
            answererIsClient = false;
        else
            return SdpError.BadSetup;
        bool localIsClient = localIsOfferer ? !answererIsClient : answererIsClient;
        result.LocalDtlsRole = localIsClient ? DtlsRole.Client : DtlsRole.Server;
        result.RemoteIceUfrag = remote.IceUfrag;
        result.RemoteIcePwd = remote.IcePwd;
        result.RemoteFingerprint = remote.Fingerprint;
        return SdpError.None;
    }

    private static void Fill(NegotiatedMedia entry, MediaDescription local, MediaDescription remote, MediaDescription answer)
    {
        entry.Direction = SdpTokens.FromFlags(
            local.Direction.Sends() && remote.Direction.Receives(),
            local.Direction.Receives() && remote.Direction.Sends());
        entry.Codecs = answer.Codecs.Select(c => c.Clone()).ToArray();
        var extensions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (HeaderExtension extension in answer.Extensions)
            extensions.TryAdd(extension.Uri, extension.Id);
        entry.Extensions = extensions;
        entry.RemoteMsid = remote.Msid;
        entry.RemoteSsrcs = remote.GetSsrcNumbers().Select(ssrc => new RemoteSsrc(
            ssrc,
            remote.GetSsrcAttribute(ssrc, "cname"),
            ParseMsid(remote.GetSsrcAttribute(ssrc, "msid")) ?? remote.Msid)).ToArray();
        entry.RemoteSsrcGroups = remote.SsrcGroups.Select(g => new SsrcGroup(g.Semantics, g.Ssrcs)).ToArray();
        entry.ReceiveRids = remote.Rids.Where(r => r.Direction == RidDirection.Send).ToArray();
        entry.ReceiveSimulcast = remote.Simulcast?.Send.Select(s => (IReadOnlyList<SimulcastRid>)s.ToArray()).ToArray()
            ?? Array.Empty<IReadOnlyList<SimulcastRid>>();
        entry.LocalSsrcs = local.GetSsrcNumbers();
    }

    private static SdpMsid? ParseMsid(string? value)
    {
        if (value is null)
            return null;
        string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            1 => new SdpMsid(parts[0], null),
            2 => new SdpMsid(parts[0], parts[1]),
            _ => null,
        };
    }
}
