using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.Mixer.Ingest;

/// <summary>
/// Rebuilds one H.264 access unit in Annex-B form (4-byte start codes) from the RTP payloads of one
/// frame (RFC 6184 §5.6 single NAL unit, §5.7.1 STAP-A, §5.8 FU-A; non-interleaved mode). A payload
/// that does not parse, an FU-A fragment without its start, or an FU-A left unfinished refuses the
/// whole access unit (the caller drops it and asks for a keyframe).
/// </summary>
public static class H264Depacketizer
{
    private static ReadOnlySpan<byte> StartCode => [0, 0, 0, 1];

    /// <summary>Appends the access unit to <paramref name="output"/> (cleared first); <paramref name="keyFrame"/> when it holds an IDR slice.</summary>
    internal static IngestDropReason Depacketize(IReadOnlyList<JitterPacket> packets, FrameBuffer output, out bool keyFrame) =>
        Depacketize(packets, output, out keyFrame, out _, out _);

    /// <summary>As above, with the picture size when the access unit carries a whole SPS (0 otherwise).</summary>
    internal static IngestDropReason Depacketize(IReadOnlyList<JitterPacket> packets, FrameBuffer output, out bool keyFrame, out int width, out int height)
    {
        output.Clear();
        keyFrame = false;
        width = height = 0;
        var inFragment = false;
        for (var i = 0; i < packets.Count; i++)
        {
            var payload = packets[i].Payload;
            var units = H264Payload.EnumerateNalUnits(payload);
            while (units.MoveNext())
            {
                var unit = units.Current;
                var data = payload.Slice(unit.Offset, unit.Length);
                if (!unit.IsFragment)
                {
                    if (inFragment) return IngestDropReason.FuNotEnded;
                    if (unit.Type == H264NalUnitType.Sps && width == 0) H264SpsReader.TryReadSize(data, out width, out height);
                    if (!output.TryAppend(StartCode) || !output.TryAppend(data)) return IngestDropReason.FrameTooLarge;
                }
                else if (unit.IsFragmentStart)
                {
                    if (inFragment) return IngestDropReason.FuNotEnded;
                    if (!output.TryAppend(StartCode) || !output.TryAppend(unit.Header) || !output.TryAppend(data)) return IngestDropReason.FrameTooLarge;
                    inFragment = !unit.IsFragmentEnd;
                }
                else
                {
                    if (!inFragment) return IngestDropReason.FuWithoutStart;
                    if (!output.TryAppend(data)) return IngestDropReason.FrameTooLarge;
                    if (unit.IsFragmentEnd) inFragment = false;
                }
                if (unit.IsStart && unit.Type == H264NalUnitType.IdrSlice) keyFrame = true;
            }
            if (units.Error != H264Error.None) return IngestDropReason.MalformedPayload;
        }
        if (inFragment) return IngestDropReason.FuNotEnded;
        return output.Length == 0 ? IngestDropReason.MalformedPayload : IngestDropReason.None;
    }

    /// <summary>
    /// True when a frame may start decoding after a loss: the first NAL unit that is not an access unit delimiter or SEI
    /// (OBS and FFmpeg send those first; browsers do not) is an SPS or an IDR slice (a single NAL unit, inside a STAP-A,
    /// or an FU-A start), looking across the frame's payloads in order.
    /// </summary>
    public static bool StartsKeyFrame(IReadOnlyList<JitterPacket> packets)
    {
        foreach (var packet in packets)
        {
            var units = H264Payload.EnumerateNalUnits(packet.Payload);
            while (units.MoveNext())
            {
                var unit = units.Current;
                if (!unit.IsStart) return false;
                if (unit.Type is H264NalUnitType.AccessUnitDelimiter or H264NalUnitType.Sei) continue;
                return unit.Type is H264NalUnitType.Sps or H264NalUnitType.IdrSlice;
            }
            if (units.Error != H264Error.None) return false;
        }
        return false;
    }

    /// <summary>The same test on a frame's first payload alone.</summary>
    public static bool StartsKeyFrame(ReadOnlySpan<byte> firstPayload)
    {
        var units = H264Payload.EnumerateNalUnits(firstPayload);
        while (units.MoveNext())
        {
            var unit = units.Current;
            if (!unit.IsStart) return false;
            if (unit.Type is H264NalUnitType.AccessUnitDelimiter or H264NalUnitType.Sei) continue;
            return unit.Type is H264NalUnitType.Sps or H264NalUnitType.IdrSlice;
        }
        return false;
    }
}
