using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// Opus over RTP (RFC 7587 §4.2): one RTP payload is one Opus packet, taken as is after a structural
/// check of its TOC byte and size (RFC 6716 §3.1, §3.4 R1/R2: at most 1275 bytes per frame, 48 frames).
/// </summary>
public static class OpusDepacketizer
{
    /// <summary>The largest payload accepted: three 1275-byte frames plus framing bytes (libopus's own output limit).</summary>
    public const int MaxPacketSize = 1275 * 3 + 7;

    public static IngestDropReason Check(ReadOnlySpan<byte> payload)
    {
        if (!OpusToc.TryRead(payload, out var toc)) return IngestDropReason.MalformedPayload;
        if (payload.Length > MaxPacketSize) return IngestDropReason.FrameTooLarge;
        // Code 1 (two equal frames) needs an odd total after the TOC (RFC 6716 §3.2.3, R3); code 2 and 3 need a length byte.
        if (toc.FrameCountCode == 1 && (payload.Length - 1) % 2 != 0) return IngestDropReason.MalformedPayload;
        if (toc.FrameCountCode >= 2 && payload.Length < 2) return IngestDropReason.MalformedPayload;
        return IngestDropReason.None;
    }
}
