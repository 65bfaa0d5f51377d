using System.Globalization;
using System.Net;
using System.Text;

namespace CoStream.Sfu.Protocols.Ice;

/// <summary>
/// An ICE candidate as carried in SDP (RFC 8839 §5.1):
/// <code>
/// candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
///                       connection-address SP port SP cand-type [SP rel-addr] [SP rel-port]
///                       *(SP cand-extension)
/// cand-type           = "typ" SP ("host" / "srflx" / "prflx" / "relay" / token)
/// rel-addr            = "raddr" SP connection-address
/// rel-port            = "rport" SP port
/// cand-extension      = extension-att-name SP extension-att-value
/// </code>
/// e.g. <c>candidate:842163049 1 udp 1677729535 203.0.113.7 50123 typ srflx raddr 10.0.0.2 rport 50123 generation 0</c>.
/// The address may be an mDNS host name (<c>5f1c…-….local</c>, as Chrome sends); it is kept as
/// text and never resolved. Extensions (generation, ufrag, network-id, tcptype…) are kept in order.
/// </summary>
public sealed class IceCandidate
{
    public const string Prefix = "candidate:";
    public const int MaxLength = 1024;
    public const int MaxExtensions = 16;
    private const int MaxFoundationLength = 32;
    private const int MaxComponentId = 256;
    private const int MaxHostNameLength = 253;
    private const int MaxLabelLength = 63;
    private const int MandatoryFields = 8;   // foundation .. cand-type, "typ" included
    private const int MaxFields = MandatoryFields + (2 * (MaxExtensions + 2));

    private static readonly IReadOnlyList<KeyValuePair<string, string>> NoExtensions = Array.Empty<KeyValuePair<string, string>>();

    public IceCandidate(
        string foundation,
        int component,
        IceTransport transport,
        uint priority,
        string address,
        int port,
        IceCandidateType type,
        string? relatedAddress = null,
        int? relatedPort = null,
        IReadOnlyList<KeyValuePair<string, string>>? extensions = null)
    {
        Foundation = foundation;
        Component = component;
        Transport = transport;
        Priority = priority;
        Address = address;
        Port = port;
        Type = type;
        RelatedAddress = relatedAddress;
        RelatedPort = relatedPort;
        Extensions = extensions ?? NoExtensions;
    }

    public string Foundation { get; }

    public int Component { get; }

    public IceTransport Transport { get; }

    public uint Priority { get; }

    /// <summary>An IPv4/IPv6 literal or a host name (mDNS <c>.local</c>).</summary>
    public string Address { get; }

    public int Port { get; }

    public IceCandidateType Type { get; }

    public string? RelatedAddress { get; }

    public int? RelatedPort { get; }

    /// <summary>Extension attributes in the order received (name, value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extensions { get; }

    /// <summary>True for an mDNS host name (RFC 8839 doesn't name it; draft-ietf-mmusic-mdns-ice-candidates).</summary>
    public bool IsMdns => Address.EndsWith(".local", StringComparison.OrdinalIgnoreCase);

    /// <summary>The end point when <see cref="Address"/> is an IP literal; null for host names.</summary>
    public IPEndPoint? EndPoint =>
        IsIPLiteral(Address) && IPAddress.TryParse(Address, out IPAddress? ip) ? new IPEndPoint(ip, Port) : null;

    /// <summary>A UDP host candidate for a local socket address.</summary>
    public static IceCandidate CreateHost(IPEndPoint endPoint, int localPreference = 65535, int component = 1, string? foundation = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return new IceCandidate(
            foundation ?? "1",
            component,
            IceTransport.Udp,
            ComputePriority(TypePreference(IceCandidateType.Host), localPreference, component),
            endPoint.Address.ToString(),
            endPoint.Port,
            IceCandidateType.Host);
    }

    /// <summary>
    /// RFC 8445 §5.1.2.1: priority = 2^24 * type preference + 2^8 * local preference + (256 - component id).
    /// </summary>
    public static uint ComputePriority(int typePreference, int localPreference, int componentId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(typePreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(typePreference, 126);
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentId, MaxComponentId);
        return ((uint)typePreference << 24) + ((uint)localPreference << 8) + (uint)(256 - componentId);
    }

    /// <summary>RFC 8445 §5.1.2.2 recommended type preferences.</summary>
    public static int TypePreference(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => 126,
        IceCandidateType.PeerReflexive => 110,
        IceCandidateType.ServerReflexive => 100,
        _ => 0,
    };

    /// <summary>
    /// Parses the value of an SDP <c>a=candidate</c> line, with or without the <c>candidate:</c>
    /// (or <c>a=candidate:</c>) prefix. Hostile text is refused with a reason; never throws.
    /// </summary>
    public static IceError TryParse(ReadOnlySpan<char> value, out IceCandidate? candidate)
    {
        candidate = null;
        value = value.Trim();
        if (value.IsEmpty)
        {
            return IceError.Empty;
        }

        if (value.Length > MaxLength)
        {
            return IceError.TooLong;
        }

        if (value.StartsWith("a=", StringComparison.Ordinal))
        {
            value = value.Slice(2);
        }

        if (value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            value = value.Slice(Prefix.Length);
        }

        foreach (char c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return IceError.InvalidCharacter;
            }
        }

        Span<Range> fields = stackalloc Range[MaxFields + 1];
        int count = value.Split(fields, ' ');
        for (int i = 0; i < count; i++)
        {
            if (value[fields[i]].IsEmpty)
            {
                return IceError.InvalidCharacter;
            }
        }

        if (count < MandatoryFields)
        {
            return IceError.MissingField;
        }

        if (count > MaxFields)
        {
            return IceError.TooManyExtensions;
        }

        return IceCandidateParser.Parse(value, fields.Slice(0, count), out candidate);
    }

    /// <summary>The SDP attribute value, <c>candidate:</c> prefix included (as RTCIceCandidate.candidate wants it).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(128);
        text.Append(Prefix)
            .Append(Foundation).Append(' ')
            .Append(Component.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Transport == IceTransport.Udp ? "udp" : "tcp").Append(' ')
            .Append(Priority.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Address).Append(' ')
            .Append(Port.ToString(CultureInfo.InvariantCulture))
            .Append(" typ ").Append(TypeName(Type));
        if (RelatedAddress != null)
        {
            text.Append(" raddr ").Append(RelatedAddress);
        }

        if (RelatedPort != null)
        {
            text.Append(" rport ").Append(RelatedPort.Value.ToString(CultureInfo.InvariantCulture));
        }

        foreach (KeyValuePair<string, string> extension in Extensions)
        {
            text.Append(' ').Append(extension.Key).Append(' ').Append(extension.Value);
        }

        return text.ToString();
    }

    internal static string TypeName(IceCandidateType type) => type switch
    {
        IceCandidateType.Host => "host",
        IceCandidateType.ServerReflexive => "srflx",
        IceCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    internal static bool IsFoundation(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxFoundationLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!IceCredentials.IsIceChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Dotted-quad IPv4 or an IPv6 literal; refuses the odd forms IPAddress.TryParse accepts ("1", "0x7f.1").</summary>
    internal static bool IsIPLiteral(ReadOnlySpan<char> value)
    {
        if (value.Contains(':'))
        {
            return IPAddress.TryParse(value, out IPAddress? v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        int dots = 0;
        foreach (char c in value)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return dots == 3 && IPAddress.TryParse(value, out _);
    }

    /// <summary>An IP literal or a DNS host name (letters, digits, hyphens; labels of 1..63).</summary>
    internal static bool IsConnectionAddress(ReadOnlySpan<char> value)
    {
        if (IsIPLiteral(value))
        {
            return true;
        }

        if (value.IsEmpty || value.Length > MaxHostNameLength || value.Contains(':'))
        {
            return false;
        }

        int labelLength = 0;
        bool allDigitsAndDots = true;
        foreach (char c in value)
        {
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    return false;
                }

                labelLength = 0;
                continue;
            }

            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }

            allDigitsAndDots &= char.IsAsciiDigit(c);
            if (++labelLength > MaxLabelLength)
            {
                return false;
            }
        }

        return labelLength > 0 && !allDigitsAndDots;
    }
}
