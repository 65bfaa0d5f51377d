namespace CoStream.Mixer.Ingest;

/// <summary>
/// Reads the picture size from an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1, §7.4.2.1.1):
/// the fields before <c>pic_width_in_mbs_minus1</c> are walked (exp-Golomb, scaling lists skipped),
/// then the frame cropping is applied. Hostile input (truncated, absurd values) returns false.
/// </summary>
public static class H264SpsReader
{
    private const int MaxSpsBytes = 512;

    /// <summary>Width and height in pixels from an SPS NAL unit (header byte included, emulation prevention bytes in place).</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> spsNal, out int width, out int height)
    {
        width = height = 0;
        if (spsNal.Length < 4 || (spsNal[0] & 0x1F) != 7) return false;
        Span<byte> rbsp = stackalloc byte[Math.Min(spsNal.Length, MaxSpsBytes)];
        var length = Unescape(spsNal.Slice(1, Math.Min(spsNal.Length - 1, MaxSpsBytes)), rbsp);
        var r = new BitReader(rbsp.Slice(0, length));
        var profile = r.Bits(8);
        r.Bits(16); // constraint flags, level_idc
        r.Ue(); // seq_parameter_set_id
        var chromaFormat = 1;
        var separateColourPlanes = false;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormat = (int)r.Ue();
            if (chromaFormat > 3) return false;
            if (chromaFormat == 3) separateColourPlanes = r.Bits(1) == 1;
            r.Ue(); r.Ue(); // bit depths
            r.Bits(1);      // qpprime_y_zero_transform_bypass_flag
            if (r.Bits(1) == 1) // seq_scaling_matrix_present_flag
            {
                for (var i = 0; i < (chromaFormat == 3 ? 12 : 8); i++)
                {
                    if (r.Bits(1) == 0) continue;
                    int last = 8, next = 8;
                    for (var j = 0; j < (i < 6 ? 16 : 64) && !r.Failed; j++)
                    {
                        if (next != 0) next = (last + (int)r.Se() + 256) % 256;
                        last = next == 0 ? last : next;
                    }
                }
            }
        }
        r.Ue(); // log2_max_frame_num_minus4
        var pocType = r.Ue();
        if (pocType == 0) r.Ue();
        else if (pocType == 1)
        {
            r.Bits(1); r.Se(); r.Se();
            var cycle = r.Ue();
            if (cycle > 255) return false;
            for (var i = 0u; i < cycle && !r.Failed; i++) r.Se();
        }
        else if (pocType != 2) return false;
        r.Ue();     // max_num_ref_frames
        r.Bits(1);  // gaps_in_frame_num_value_allowed_flag
        var widthMbs = r.Ue() + 1;
        var heightMapUnits = r.Ue() + 1;
        var frameMbsOnly = r.Bits(1);
        if (frameMbsOnly == 0) r.Bits(1);
        r.Bits(1); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.Bits(1) == 1) { cropLeft = r.Ue(); cropRight = r.Ue(); cropTop = r.Ue(); cropBottom = r.Ue(); }
        if (r.Failed || widthMbs > 1024 || heightMapUnits > 1024) return false;
        var arrayType = separateColourPlanes ? 0 : chromaFormat;
        int cropUnitX = arrayType == 0 ? 1 : chromaFormat == 3 ? 1 : 2;
        int cropUnitY = (arrayType == 0 ? 1 : chromaFormat == 1 ? 2 : 1) * (2 - (int)frameMbsOnly);
        long w = widthMbs * 16L - cropUnitX * (long)(cropLeft + cropRight);
        long h = (2 - frameMbsOnly) * heightMapUnits * 16L - cropUnitY * (long)(cropTop + cropBottom);
        if (w <= 0 || h <= 0) return false;
        (width, height) = ((int)w, (int)h);
        return true;
    }

    /// <summary>Drops emulation prevention bytes (00 00 03 → 00 00, §7.4.1).</summary>
    private static int Unescape(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int n = 0, zeros = 0;
        foreach (var b in source)
        {
            if (zeros >= 2 && b == 3) { zeros = 0; continue; }
            zeros = b == 0 ? zeros + 1 : 0;
            destination[n++] = b;
        }
        return n;
    }

    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _bit;

        public bool Failed { get; private set; }

        public uint Bits(int count)
        {
            uint value = 0;
            for (var i = 0; i < count; i++)
            {
                if (_bit >= _data.Length * 8) { Failed = true; return 0; }
                value = (value << 1) | (uint)((_data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
                _bit++;
            }
            return value;
        }

        /// <summary>ue(v), §9.1; more than 31 leading zeros is refused.</summary>
        public uint Ue()
        {
            var zeros = 0;
            while (Bits(1) == 0)
            {
                if (Failed || ++zeros > 31) { Failed = true; return 0; }
            }
            return zeros == 0 ? 0 : (uint)((1UL << zeros) - 1 + Bits(zeros));
        }

        public int Se()
        {
            var k = Ue();
            return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
        }
    }
}
