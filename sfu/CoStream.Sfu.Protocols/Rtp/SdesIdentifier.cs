using System.Buffers;
using System.Text;

namespace CoStream.Sfu.Protocols.Rtp;

/// <summary>
/// The ASCII identifier carried by the SDES-item header extensions <c>mid</c> (RFC 8843 §15),
/// <c>rtp-stream-id</c> and <c>repaired-rtp-stream-id</c> (RFC 8852 §3). Read as a slice of the
/// packet and compared without allocating.
/// </summary>
/// <remarks>
/// The value has no terminator; some senders pad it with trailing zero bytes, which are dropped.
/// An identifier must be 1..255 printable ASCII characters (0x21..0x7E): RFC 8851 rid-ids are
/// alphanumerics, '-' and '_'; SDP mids are tokens. Anything else is refused.
/// </remarks>
public static class SdesIdentifier
{
    public const int MaxLength = 255;

    private const byte FirstPrintable = 0x21;
    private const byte LastPrintable = 0x7E;

    public static RtpError TryRead(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> identifier)
    {
        identifier = default;
        int length = value.Length;
        while (length > 0 && value[length - 1] == 0)
        {
            length--;
        }

        if (length == 0 || length > MaxLength)
        {
            return RtpError.ExtensionValueLength;
        }

        ReadOnlySpan<byte> candidate = value.Slice(0, length);
        if (candidate.IndexOfAnyExceptInRange(FirstPrintable, LastPrintable) >= 0)
        {
            return RtpError.ExtensionValueInvalid;
        }

        identifier = candidate;
        return RtpError.None;
    }

    /// <summary>Ordinal comparison of an identifier read from a packet with an expected one (e.g. a rid from SDP).</summary>
    public static bool Equals(ReadOnlySpan<byte> identifier, ReadOnlySpan<char> expected) =>
        Ascii.Equals(identifier, expected);

    /// <summary>Writes <paramref name="identifier"/> as ASCII; returns the length. Throws on non-printable or over-long input.</summary>
    public static int WriteTo(Span<byte> destination, ReadOnlySpan<char> identifier)
    {
        if (identifier.Length == 0 || identifier.Length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(identifier), "An SDES identifier is 1..255 characters.");
        }

        if (identifier.IndexOfAnyExceptInRange((char)FirstPrintable, (char)LastPrintable) >= 0)
        {
            throw new ArgumentException("An SDES identifier is printable ASCII.", nameof(identifier));
        }

        OperationStatus status = Ascii.FromUtf16(identifier, destination, out int written);
        if (status != OperationStatus.Done)
        {
            throw new ArgumentException("Destination is too small.", nameof(destination));
        }

        return written;
    }

    /// <summary>Allocates a string; for signaling and logs, not the per-packet path.</summary>
    public static string ToString(ReadOnlySpan<byte> identifier) => Encoding.ASCII.GetString(identifier);
}
