namespace CoStream.Sfu.Protocols.Rtp;

/*
 RFC 6464 §3 client-to-mixer audio level, one-byte form:

    0                   1
    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   |  ID   | len=0 |V| level       |
   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

 V: voice activity (optional, negotiated with vad=on). level: -dBov, 0 (loudest) .. 127 (silence).
*/

/// <summary>The RFC 6464 audio level value (one byte).</summary>
public static class AudioLevel
{
    public const int ValueLength = 1;
    public const byte MaxLevel = 127;
    public const byte Silence = 127;

    private const byte VoiceActivityBit = 0x80;
    private const byte LevelMask = 0x7F;

    /// <param name="voiceActivity">The V flag.</param>
    /// <param name="level">The level in -dBov, 0..127 (127 = silence or quieter).</param>
    public static RtpError TryRead(ReadOnlySpan<byte> value, out bool voiceActivity, out byte level)
    {
        if (value.Length != ValueLength)
        {
            voiceActivity = false;
            level = 0;
            return RtpError.ExtensionValueLength;
        }

        voiceActivity = (value[0] & VoiceActivityBit) != 0;
        level = (byte)(value[0] & LevelMask);
        return RtpError.None;
    }

    /// <summary>Writes the value; returns 1. <paramref name="level"/> must be 0..127.</summary>
    public static int WriteTo(Span<byte> destination, bool voiceActivity, byte level)
    {
        if (level > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), "Audio level is 0..127 -dBov.");
        }

        destination[0] = (byte)((voiceActivity ? VoiceActivityBit : 0) | level);
        return ValueLength;
    }
}
