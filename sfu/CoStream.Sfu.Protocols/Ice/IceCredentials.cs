using System.Security.Cryptography;
using System.Text;

namespace CoStream.Sfu.Protocols.Ice;

/// <summary>
/// ICE username fragment and password (RFC 8839 §5.4): <c>ice-ufrag = 4*256ice-char</c>,
/// <c>ice-pwd = 22*256ice-char</c>, <c>ice-char = ALPHA / DIGIT / "+" / "/"</c>.
/// Generated ones carry 48 bits (ufrag) and 144 bits (password) of randomness.
/// </summary>
public sealed class IceCredentials
{
    public const int GeneratedUfragLength = 8;
    public const int GeneratedPasswordLength = 24;
    private const int MinUfragLength = 4;
    private const int MinPasswordLength = 22;
    private const int MaxLength = 256;

    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Throws <see cref="ArgumentException"/> when either value breaks the RFC 8839 grammar.</summary>
    public IceCredentials(string ufrag, string password)
    {
        if (!IsValidUfrag(ufrag))
        {
            throw new ArgumentException("ice-ufrag must be 4..256 ice-chars.", nameof(ufrag));
        }

        if (!IsValidPassword(password))
        {
            throw new ArgumentException("ice-pwd must be 22..256 ice-chars.", nameof(password));
        }

        Ufrag = ufrag;
        Password = password;
        UfragBytes = Encoding.ASCII.GetBytes(ufrag);
        PasswordBytes = Encoding.ASCII.GetBytes(password);
    }

    public string Ufrag { get; }

    public string Password { get; }

    /// <summary>ASCII bytes of the ufrag, as compared against STUN USERNAME.</summary>
    public ReadOnlyMemory<byte> UfragBytes { get; }

    /// <summary>ASCII bytes of the password: the short-term MESSAGE-INTEGRITY key.</summary>
    public ReadOnlyMemory<byte> PasswordBytes { get; }

    public static IceCredentials Generate() =>
        new(
            RandomNumberGenerator.GetString(IceChars, GeneratedUfragLength),
            RandomNumberGenerator.GetString(IceChars, GeneratedPasswordLength));

    /// <summary>Builds from values taken from a remote SDP without throwing.</summary>
    public static bool TryCreate(string? ufrag, string? password, out IceCredentials? credentials)
    {
        credentials = IsValidUfrag(ufrag) && IsValidPassword(password) ? new IceCredentials(ufrag!, password!) : null;
        return credentials != null;
    }

    public static bool IsValidUfrag(string? value) => IsIceCharString(value, MinUfragLength);

    public static bool IsValidPassword(string? value) => IsIceCharString(value, MinPasswordLength);

    internal static bool IsIceChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/';

    private static bool IsIceCharString(string? value, int minLength)
    {
        if (value == null || value.Length < minLength || value.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!IsIceChar(c))
            {
                return false;
            }
        }

        return true;
    }
}
