using System.Security.Cryptography;

namespace CoStream.Sfu.Protocols.Tests.Srtp;

/// <summary>
/// A second, deliberately plain AES_CM_128_HMAC_SHA1 SRTP sender written from RFC 3711 with
/// array APIs only (Aes.EncryptEcb per block, HMACSHA1.ComputeHash), sharing no code with the
/// production transform. Used to cross-check it.
/// </summary>
internal sealed class ReferenceSrtp
{
    private readonly byte[] _encryptionKey;
    private readonly byte[] _salt;
    private readonly byte[] _authKey;
    private readonly int _tagLength;

    public ReferenceSrtp(byte[] masterKey, byte[] masterSalt, int tagLength)
    {
        _encryptionKey = Prf(masterKey, masterSalt, 0x00, 16);
        _authKey = Prf(masterKey, masterSalt, 0x01, 20);
        _salt = Prf(masterKey, masterSalt, 0x02, 14);
        _tagLength = tagLength;
    }

    /// <summary>SRTP packet for an RTP packet with a 12-octet header (no CSRC, no extension).</summary>
    public byte[] Protect(byte[] rtp, uint roc)
    {
        int seq = (rtp[2] << 8) | rtp[3];
        uint ssrc = (uint)((rtp[8] << 24) | (rtp[9] << 16) | (rtp[10] << 8) | rtp[11]);
        long index = ((long)roc << 16) | (long)seq;

        // IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16)
        var iv = new byte[16];
        Array.Copy(_salt, iv, 14);
        for (int i = 0; i < 4; i++)
        {
            iv[4 + i] ^= (byte)(ssrc >> (24 - 8 * i));
        }

        for (int i = 0; i < 6; i++)
        {
            iv[8 + i] ^= (byte)(index >> (40 - 8 * i));
        }

        byte[] keystream = Keystream(_encryptionKey, iv, rtp.Length - 12);
        var output = new byte[rtp.Length + _tagLength];
        Array.Copy(rtp, output, rtp.Length);
        for (int i = 12; i < rtp.Length; i++)
        {
            output[i] ^= keystream[i - 12];
        }

        var authenticated = new byte[rtp.Length + 4];
        Array.Copy(output, authenticated, rtp.Length);
        authenticated[rtp.Length] = (byte)(roc >> 24);
        authenticated[rtp.Length + 1] = (byte)(roc >> 16);
        authenticated[rtp.Length + 2] = (byte)(roc >> 8);
        authenticated[rtp.Length + 3] = (byte)roc;
        using var hmac = new HMACSHA1(_authKey);
        byte[] mac = hmac.ComputeHash(authenticated);
        Array.Copy(mac, 0, output, rtp.Length, _tagLength);
        return output;
    }

    private static byte[] Prf(byte[] masterKey, byte[] masterSalt, byte label, int length)
    {
        var x = new byte[16];
        Array.Copy(masterSalt, x, 14);
        x[7] ^= label;
        return Keystream(masterKey, x, length);
    }

    private static byte[] Keystream(byte[] key, byte[] iv, int length)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var result = new byte[length];
        for (int block = 0; block * 16 < length; block++)
        {
            var counter = (byte[])iv.Clone();
            int carry = block;
            for (int i = 15; i >= 0 && carry != 0; i--)
            {
                int sum = counter[i] + (carry & 0xFF);
                counter[i] = (byte)sum;
                carry = (carry >> 8) + (sum >> 8);
            }

            byte[] encrypted = aes.EncryptEcb(counter, PaddingMode.None);
            Array.Copy(encrypted, 0, result, block * 16, Math.Min(16, length - block * 16));
        }

        return result;
    }
}
