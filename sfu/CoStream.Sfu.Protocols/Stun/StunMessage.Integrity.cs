using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CoStream.Sfu.Protocols.Stun;

/// <summary>
/// MESSAGE-INTEGRITY (RFC 5389 §15.4): HMAC-SHA1 over the message up to (not including) the
/// MESSAGE-INTEGRITY attribute, with the header's length field set as if MESSAGE-INTEGRITY were the
/// last attribute. FINGERPRINT (§15.5): CRC-32 of the message up to the FINGERPRINT attribute,
/// XOR 0x5354554E; it is always last, so the header length is already the final one.
/// Short-term credentials (ICE): the key is the password's bytes.
/// </summary>
public readonly ref partial struct StunMessage
{
    public const uint FingerprintXor = 0x5354554E;
    private const int StackScratchLimit = 1024;

    /// <summary>True when <paramref name="packet"/> is a valid STUN message with a MESSAGE-INTEGRITY that matches <paramref name="key"/>.</summary>
    public static bool VerifyMessageIntegrity(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> key) =>
        TryRead(packet, out StunMessage message, out _) == StunError.None && message.CheckMessageIntegrity(key);

    /// <summary>True when <paramref name="packet"/> is a valid STUN message whose FINGERPRINT is present and correct.</summary>
    public static bool VerifyFingerprint(ReadOnlySpan<byte> packet) =>
        TryRead(packet, out StunMessage message, out _) == StunError.None && message.CheckFingerprint();

    /// <summary>False when MESSAGE-INTEGRITY is absent or does not match the key. Constant-time comparison.</summary>
    public bool CheckMessageIntegrity(ReadOnlySpan<byte> key)
    {
        int start = _layout.MessageIntegrity;
        if (start == 0)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MessageIntegrityLength];
        ComputeMessageIntegrity(_data.Slice(0, start), key, expected);
        return CryptographicOperations.FixedTimeEquals(
            expected, _data.Slice(start + AttributeHeaderLength, MessageIntegrityLength));
    }

    /// <summary>False when FINGERPRINT is absent or wrong.</summary>
    public bool CheckFingerprint()
    {
        int start = _layout.Fingerprint;
        if (start == 0)
        {
            return false;
        }

        uint expected = ComputeFingerprint(_data.Slice(0, start));
        return BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(start + AttributeHeaderLength)) == expected;
    }

    /// <summary>
    /// Fast peek at USERNAME without full validation: checks the header, then walks the attributes
    /// in bounds until USERNAME. Used to find which peer a binding request belongs to.
    /// </summary>
    public static bool TryReadUsername(ReadOnlySpan<byte> packet, out ReadOnlySpan<byte> username)
    {
        username = default;
        if (ReadHeader(packet, out int messageLength) != StunError.None)
        {
            return false;
        }

        int end = HeaderLength + messageLength;
        int position = HeaderLength;
        while (end - position >= AttributeHeaderLength)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(position));
            int length = BinaryPrimitives.ReadUInt16BigEndian(packet.Slice(position + 2));
            int valueOffset = position + AttributeHeaderLength;
            if (length > end - valueOffset)
            {
                return false;
            }

            if (type == (ushort)StunAttributeType.Username)
            {
                if (length > MaxUsernameLength)
                {
                    return false;
                }

                username = packet.Slice(valueOffset, length);
                return true;
            }

            position = valueOffset + ((length + 3) & ~3);
        }

        return false;
    }

    /// <summary>
    /// Long-term credential key (RFC 5389 §15.4): MD5(username ":" realm ":" password).
    /// No SASLprep is applied: pass already-prepared strings. Not used by ICE.
    /// </summary>
    public static byte[] ComputeLongTermKey(string username, string realm, string password)
    {
        byte[] input = Encoding.UTF8.GetBytes(username + ":" + realm + ":" + password);
        return MD5.HashData(input);
    }

    /// <summary>HMAC-SHA1 of <paramref name="prefix"/> (message bytes before MESSAGE-INTEGRITY) with the length field patched.</summary>
    internal static void ComputeMessageIntegrity(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        byte[]? rented = null;
        Span<byte> scratch = prefix.Length <= StackScratchLimit
            ? stackalloc byte[StackScratchLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(prefix.Length));
        scratch = scratch.Slice(0, prefix.Length);
        prefix.CopyTo(scratch);
        int lengthWithIntegrity = prefix.Length - HeaderLength + AttributeHeaderLength + MessageIntegrityLength;
        BinaryPrimitives.WriteUInt16BigEndian(scratch.Slice(LengthOffset), (ushort)lengthWithIntegrity);
        HMACSHA1.HashData(key, scratch, destination);
        if (rented != null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>CRC-32 XOR 0x5354554E of <paramref name="prefix"/> (message bytes before FINGERPRINT).</summary>
    internal static uint ComputeFingerprint(ReadOnlySpan<byte> prefix) => Crc32.Compute(prefix) ^ FingerprintXor;
}
