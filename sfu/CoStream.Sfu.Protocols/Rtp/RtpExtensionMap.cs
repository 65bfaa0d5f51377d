namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>
/// The negotiated extension ids of one transport/direction (from SDP <c>a=extmap:id uri</c>):
/// id → <see cref="RtpExtensionKind"/> and kind → id. Built once at negotiation; lookups per
/// packet are array reads and allocate nothing. Ids 1..14 fit the one-byte form, 15..255 need the
/// two-byte form (RFC 8285 §4). Not thread-safe for registration; safe for concurrent lookups
/// once built.
/// </summary>
public sealed class RtpExtensionMap
{
    private const int KindCount = (int)RtpExtensionKind.AudioLevel + 1;

    private readonly RtpExtensionKind[] _kindById = new RtpExtensionKind[RtpHeaderExtensions.TwoByteMaxId + 1];
    private readonly byte[] _idByKind = new byte[KindCount];

    /// <summary>True once an id above 14 is registered: packets must use the two-byte form.</summary>
    public bool RequiresTwoByteForm { get; private set; }

    /// <summary>Builds a map from negotiated (id, uri) pairs; throws on an invalid or conflicting pair.</summary>
    public static RtpExtensionMap Create(ReadOnlySpan<(int Id, string Uri)> negotiated)
    {
        var map = new RtpExtensionMap();
        foreach ((int id, string uri) in negotiated)
        {
            if (!map.TryRegister(id, uri))
            {
                throw new ArgumentException($"Extension id {id} ({uri}) is out of range or conflicts with an earlier one.", nameof(negotiated));
            }
        }

        return map;
    }

    /// <summary>
    /// Registers <paramref name="id"/> for <paramref name="uri"/>. Returns false when the id is
    /// outside 1..255, or the id or the (known) URI is already registered differently.
    /// </summary>
    public bool TryRegister(int id, string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return TryRegister(id, RtpExtensionUris.GetKind(uri));
    }

    public bool TryRegister(int id, RtpExtensionKind kind)
    {
        if (id < 1 || id > RtpHeaderExtensions.TwoByteMaxId || kind == RtpExtensionKind.None || (int)kind >= KindCount)
        {
            return false;
        }

        RtpExtensionKind existing = _kindById[id];
        if (existing != RtpExtensionKind.None)
        {
            // The same pair again (e.g. from a second BUNDLEd m-section) is fine.
            return existing == kind;
        }

        if (kind != RtpExtensionKind.Unknown)
        {
            if (_idByKind[(int)kind] != 0)
            {
                return false;
            }

            _idByKind[(int)kind] = (byte)id;
        }

        _kindById[id] = kind;
        if (id > RtpHeaderExtensions.OneByteMaxId)
        {
            RequiresTwoByteForm = true;
        }

        return true;
    }

    /// <summary>The kind registered for <paramref name="id"/>; <see cref="RtpExtensionKind.None"/> if none or out of range.</summary>
    public RtpExtensionKind GetKind(int id) =>
        (uint)id < (uint)_kindById.Length ? _kindById[id] : RtpExtensionKind.None;

    /// <summary>The id negotiated for a known <paramref name="kind"/>, or 0 when it is not negotiated.</summary>
    public int GetId(RtpExtensionKind kind) =>
        kind > RtpExtensionKind.Unknown && (int)kind < KindCount ? _idByKind[(int)kind] : 0;

    /// <summary>Finds the value of a known kind in a packet, via its negotiated id.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> packet, in RtpHeader header, RtpExtensionKind kind, out ReadOnlySpan<byte> value)
    {
        int id = GetId(kind);
        if (id == 0)
        {
            value = default;
            return false;
        }

        return RtpHeaderExtensions.TryGetExtension(packet, header, id, out value);
    }
}
