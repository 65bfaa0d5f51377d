using System.Buffers.Binary;

namespace CoStream.Mixer.Flv;

/// <summary>
/// Builds the decoder configuration records FLV sequence headers carry (ISO/IEC 14496-15):
/// AVCDecoderConfigurationRecord (§5.3.3.1) and HEVCDecoderConfigurationRecord (§8.3.3.1), from
/// parameter sets taken out of Annex-B access units. Returns null (with a reason) for malformed SPS.
/// </summary>
public static class DecoderConfiguration
{
    /// <summary>
    /// avcC: version 1, profile / compatibility / level from the SPS, 4-byte NAL lengths, one SPS, one PPS,
    /// and for the High profiles the chroma format and bit depths read from the SPS.
    /// </summary>
    public static byte[]? BuildAvc(ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, out string? reason)
    {
        reason = null;
        if (sps.Length < 4 || NalUnits.AvcType(sps) != NalUnits.AvcSps) { reason = "not an H.264 SPS"; return null; }
        if (pps.Length < 2 || NalUnits.AvcType(pps) != NalUnits.AvcPps) { reason = "not an H.264 PPS"; return null; }
        if (sps.Length > ushort.MaxValue || pps.Length > ushort.MaxValue) { reason = "parameter set too large"; return null; }
        var profile = sps[1];
        bool high = profile is 100 or 110 or 122 or 144 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;
        uint chroma = 1, depthLuma = 0, depthChroma = 0;
        if (high)
        {
            Span<byte> rbsp = stackalloc byte[Math.Min(sps.Length, 256)];
            var n = NalUnits.Unescape(sps[1..], rbsp);
            var r = new RbspBitReader(rbsp[..n]);
            r.Skip(24); // profile_idc, constraint flags, level_idc
            r.ReadUe(); // seq_parameter_set_id
            chroma = r.ReadUe();
            if (chroma == 3) r.Skip(1);
            depthLuma = r.ReadUe();
            depthChroma = r.ReadUe();
            if (r.Overrun || chroma > 3 || depthLuma > 6 || depthChroma > 6) { reason = "malformed H.264 SPS"; return null; }
        }
        var record = new byte[6 + 2 + sps.Length + 1 + 2 + pps.Length + (high ? 4 : 0)];
        record[0] = 1;
        record[1] = sps[1];
        record[2] = sps[2];
        record[3] = sps[3];
        record[4] = 0xFF; // reserved '111111' + lengthSizeMinusOne = 3
        record[5] = 0xE1; // reserved '111' + numOfSequenceParameterSets = 1
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(6), (ushort)sps.Length);
        sps.CopyTo(record.AsSpan(8));
        var at = 8 + sps.Length;
        record[at++] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(at), (ushort)pps.Length);
        pps.CopyTo(record.AsSpan(at + 2));
        at += 2 + pps.Length;
        if (high)
        {
            record[at++] = (byte)(0xFC | chroma);
            record[at++] = (byte)(0xF8 | depthLuma);
            record[at++] = (byte)(0xF8 | depthChroma);
            record[at] = 0; // numOfSequenceParameterSetExt
        }
        return record;
    }

    /// <summary>What HEVCDecoderConfigurationRecord needs from an H.265 SPS (ITU-T H.265 §7.3.2.2, §7.3.3).</summary>
    public readonly record struct HevcSpsInfo(
        byte ProfileSpaceTierProfile, uint CompatibilityFlags, ulong ConstraintFlags, byte LevelIdc,
        int MaxSubLayersMinus1, bool TemporalIdNesting, uint ChromaFormatIdc, uint BitDepthLumaMinus8,
        uint BitDepthChromaMinus8, uint Width, uint Height);

    /// <summary>Parses the SPS up to the bit depths: profile_tier_level (with sub-layers), format and size.</summary>
    public static HevcSpsInfo? ParseHevcSps(ReadOnlySpan<byte> sps, out string? reason)
    {
        reason = null;
        if (sps.Length < 15 || NalUnits.HevcType(sps) != NalUnits.HevcSps) { reason = "not an H.265 SPS"; return null; }
        Span<byte> rbsp = stackalloc byte[Math.Min(sps.Length, 512)];
        var n = NalUnits.Unescape(sps[2..], rbsp);
        var r = new RbspBitReader(rbsp[..n]);
        r.Skip(4); // sps_video_parameter_set_id
        var maxSubLayersMinus1 = (int)r.ReadBits(3);
        var nesting = r.ReadBits(1) == 1;
        // profile_tier_level(1, maxSubLayersMinus1), §7.3.3
        var ptl = (byte)r.ReadBits(8);
        var compat = r.ReadBits(32);
        var constraints = ((ulong)r.ReadBits(16) << 32) | r.ReadBits(32);
        var level = (byte)r.ReadBits(8);
        if (maxSubLayersMinus1 > 6) { reason = "sps_max_sub_layers_minus1 > 6"; return null; }
        Span<bool> profilePresent = stackalloc bool[8], levelPresent = stackalloc bool[8];
        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            profilePresent[i] = r.ReadBits(1) == 1;
            levelPresent[i] = r.ReadBits(1) == 1;
        }
        if (maxSubLayersMinus1 > 0)
            for (int i = maxSubLayersMinus1; i < 8; i++) r.Skip(2); // reserved_zero_2bits
        for (int i = 0; i < maxSubLayersMinus1; i++)
        {
            if (profilePresent[i]) r.Skip(88);
            if (levelPresent[i]) r.Skip(8);
        }
        r.ReadUe(); // sps_seq_parameter_set_id
        var chroma = r.ReadUe();
        if (chroma == 3) r.Skip(1); // separate_colour_plane_flag
        var width = r.ReadUe();
        var height = r.ReadUe();
        if (r.ReadBits(1) == 1) { r.ReadUe(); r.ReadUe(); r.ReadUe(); r.ReadUe(); } // conformance window
        var depthLuma = r.ReadUe();
        var depthChroma = r.ReadUe();
        if (r.Overrun || chroma > 3 || depthLuma > 8 || depthChroma > 8) { reason = "malformed H.265 SPS"; return null; }
        return new HevcSpsInfo(ptl, compat, constraints, level, maxSubLayersMinus1, nesting, chroma, depthLuma, depthChroma, width, height);
    }

    /// <summary>hvcC with one array each of VPS, SPS and PPS (array_completeness = 1), 4-byte NAL lengths.</summary>
    public static byte[]? BuildHevc(ReadOnlySpan<byte> vps, ReadOnlySpan<byte> sps, ReadOnlySpan<byte> pps, out string? reason)
    {
        if (vps.Length < 2 || NalUnits.HevcType(vps) != NalUnits.HevcVps) { reason = "not an H.265 VPS"; return null; }
        if (pps.Length < 2 || NalUnits.HevcType(pps) != NalUnits.HevcPps) { reason = "not an H.265 PPS"; return null; }
        if (vps.Length > ushort.MaxValue || sps.Length > ushort.MaxValue || pps.Length > ushort.MaxValue) { reason = "parameter set too large"; return null; }
        if (ParseHevcSps(sps, out reason) is not { } info) return null;

        var record = new byte[23 + 3 * 5 + vps.Length + sps.Length + pps.Length];
        var s = record.AsSpan();
        s[0] = 1;
        s[1] = info.ProfileSpaceTierProfile;
        BinaryPrimitives.WriteUInt32BigEndian(s[2..], info.CompatibilityFlags);
        s[6] = (byte)(info.ConstraintFlags >> 40); s[7] = (byte)(info.ConstraintFlags >> 32);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], (uint)info.ConstraintFlags);
        s[12] = info.LevelIdc;
        s[13] = 0xF0; s[14] = 0x00;                     // reserved '1111' + min_spatial_segmentation_idc = 0
        s[15] = 0xFC;                                   // reserved '111111' + parallelismType = 0 (unknown)
        s[16] = (byte)(0xFC | info.ChromaFormatIdc);
        s[17] = (byte)(0xF8 | info.BitDepthLumaMinus8);
        s[18] = (byte)(0xF8 | info.BitDepthChromaMinus8);
        s[19] = 0; s[20] = 0;                           // avgFrameRate = 0 (unspecified)
        s[21] = (byte)(((info.MaxSubLayersMinus1 + 1) << 3) | (info.TemporalIdNesting ? 0x04 : 0) | 0x03); // constantFrameRate 0, lengthSizeMinusOne 3
        s[22] = 3;                                      // numOfArrays
        var at = 23;
        at = WriteArray(s, at, NalUnits.HevcVps, vps);
        at = WriteArray(s, at, NalUnits.HevcSps, sps);
        WriteArray(s, at, NalUnits.HevcPps, pps);
        return record;
    }

    private static int WriteArray(Span<byte> s, int at, int type, ReadOnlySpan<byte> nal)
    {
        s[at] = (byte)(0x80 | type); // array_completeness = 1, reserved 0, NAL_unit_type
        BinaryPrimitives.WriteUInt16BigEndian(s[(at + 1)..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(s[(at + 3)..], (ushort)nal.Length);
        nal.CopyTo(s[(at + 5)..]);
        return at + 5 + nal.Length;
    }
}
