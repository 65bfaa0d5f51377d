namespace CoStream.Sfu.Protocols.Codecs;

/*
 RFC 6716 §3.1 Opus TOC byte (first byte of an Opus RTP payload, RFC 7587):

    0 1 2 3 4 5 6 7
   +-+-+-+-+-+-+-+-+
   | config  |s| c |
   +-+-+-+-+-+-+-+-+
*/

/// <summary>The Opus TOC byte: configuration (mode, bandwidth, frame size), stereo flag, frame count code.</summary>
public readonly struct OpusToc
{
    private OpusToc(byte value) => Value = value;

    public byte Value { get; }

    /// <summary>0..31: 0-11 SILK, 12-15 hybrid, 16-31 CELT (RFC 6716 Table 2).</summary>
    public int Config => Value >> 3;

    public bool IsStereo => (Value & 0x04) != 0;

    /// <summary>0: one frame, 1: two equal frames, 2: two frames, 3: arbitrary count.</summary>
    public int FrameCountCode => Value & 0x03;

    /// <summary>Reads the TOC byte; false for an empty payload.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out OpusToc toc)
    {
        if (payload.IsEmpty)
        {
            toc = default;
            return false;
        }

        toc = new OpusToc(payload[0]);
        return true;
    }
}
