using System.Globalization;

namespace CoStream.Sfu.Protocols.Ice;

/// <summary>Field-by-field reading of a split candidate line (see <see cref="IceCandidate"/> for the grammar).</summary>
internal static class IceCandidateParser
{
    private const int FoundationField = 0;
    private const int ComponentField = 1;
    private const int TransportField = 2;
    private const int PriorityField = 3;
    private const int AddressField = 4;
    private const int PortField = 5;
    private const int TypKeywordField = 6;
    private const int TypeField = 7;
    private const int FirstOptionalField = 8;

    public static IceError Parse(ReadOnlySpan<char> line, ReadOnlySpan<Range> fields, out IceCandidate? candidate)
    {
        candidate = null;
        ReadOnlySpan<char> foundation = line[fields[FoundationField]];
        if (!IceCandidate.IsFoundation(foundation))
        {
            return IceError.BadFoundation;
        }

        if (!TryReadNumber(line[fields[ComponentField]], 3, out uint component) || component < 1 || component > 256)
        {
            return IceError.BadComponent;
        }

        IceTransport transport;
        ReadOnlySpan<char> transportText = line[fields[TransportField]];
        if (transportText.Equals("udp", StringComparison.OrdinalIgnoreCase))
        {
            transport = IceTransport.Udp;
        }
        else if (transportText.Equals("tcp", StringComparison.OrdinalIgnoreCase))
        {
            transport = IceTransport.Tcp;
        }
        else
        {
            return IceError.BadTransport;
        }

        if (!TryReadNumber(line[fields[PriorityField]], 10, out uint priority))
        {
            return IceError.BadPriority;
        }

        ReadOnlySpan<char> address = line[fields[AddressField]];
        if (!IceCandidate.IsConnectionAddress(address))
        {
            return IceError.BadAddress;
        }

        if (!TryReadPort(line[fields[PortField]], out int port))
        {
            return IceError.BadPort;
        }

        if (!line[fields[TypKeywordField]].SequenceEqual("typ"))
        {
            return IceError.MissingType;
        }

        if (!TryReadType(line[fields[TypeField]], out IceCandidateType type))
        {
            return IceError.BadType;
        }

        IceError error = ReadOptional(line, fields, out string? relatedAddress, out int? relatedPort, out List<KeyValuePair<string, string>>? extensions);
        if (error != IceError.None)
        {
            return error;
        }

        candidate = new IceCandidate(
            foundation.ToString(), (int)component, transport, priority, address.ToString(), port, type,
            relatedAddress, relatedPort, extensions);
        return IceError.None;
    }

    private static IceError ReadOptional(
        ReadOnlySpan<char> line,
        ReadOnlySpan<Range> fields,
        out string? relatedAddress,
        out int? relatedPort,
        out List<KeyValuePair<string, string>>? extensions)
    {
        relatedAddress = null;
        relatedPort = null;
        extensions = null;
        for (int i = FirstOptionalField; i < fields.Length; i += 2)
        {
            ReadOnlySpan<char> name = line[fields[i]];
            if (i + 1 >= fields.Length)
            {
                return name.SequenceEqual("raddr") ? IceError.BadRelatedAddress
                    : name.SequenceEqual("rport") ? IceError.BadRelatedPort
                    : IceError.BadExtension;
            }

            ReadOnlySpan<char> value = line[fields[i + 1]];
            if (name.SequenceEqual("raddr"))
            {
                if (relatedAddress != null || !IceCandidate.IsConnectionAddress(value))
                {
                    return IceError.BadRelatedAddress;
                }

                relatedAddress = value.ToString();
            }
            else if (name.SequenceEqual("rport"))
            {
                if (relatedPort != null || !TryReadPort(value, out int port))
                {
                    return IceError.BadRelatedPort;
                }

                relatedPort = port;
            }
            else
            {
                if (!IsToken(name))
                {
                    return IceError.BadExtension;
                }

                extensions ??= new List<KeyValuePair<string, string>>(4);
                if (extensions.Count == IceCandidate.MaxExtensions)
                {
                    return IceError.TooManyExtensions;
                }

                extensions.Add(new KeyValuePair<string, string>(name.ToString(), value.ToString()));
            }
        }

        return IceError.None;
    }

    private static bool TryReadType(ReadOnlySpan<char> text, out IceCandidateType type)
    {
        switch (text)
        {
            case "host":
                type = IceCandidateType.Host;
                return true;
            case "srflx":
                type = IceCandidateType.ServerReflexive;
                return true;
            case "prflx":
                type = IceCandidateType.PeerReflexive;
                return true;
            case "relay":
                type = IceCandidateType.Relayed;
                return true;
            default:
                type = default;
                return false;
        }
    }

    private static bool TryReadPort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (!TryReadNumber(text, 5, out uint value) || value > ushort.MaxValue)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    /// <summary>1..maxDigits ASCII digits fitting in a uint (no sign, no spaces, no hex).</summary>
    private static bool TryReadNumber(ReadOnlySpan<char> text, int maxDigits, out uint value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>RFC 4566 token characters (what extension names are in practice: letters, digits, '-', '_', '.').</summary>
    private static bool IsToken(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+-.^_`{|}~".IndexOf(c) < 0)
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }
}
