using System.Globalization;

namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>H.264 profiles that RFC 6184 Table 5 tells apart by profile_idc and profile-iop.</summary>
public enum H264Profile
{
    Unknown = 0,
    ConstrainedBaseline,
    Baseline,
    Extended,
    Main,
    ConstrainedHigh,
    High,
    High10,
    High422,
    High444,
    Cavlc444Intra,
}

/// <summary>
/// The <c>profile-level-id</c> fmtp parameter of H.264 (RFC 6184 §8.1): three bytes in hex,
/// <code>
///  profile_idc  profile-iop  level_idc
///  +--------+   +--------+   +--------+
///  |  0x42  |   |  0xE0  |   |  0x1F  |      "42e01f" = Constrained Baseline, level 3.1
///  +--------+   +--------+   +--------+
///               cs0 cs1 cs2 cs3 cs4 cs5 0 0  (constraint_set flags, MSB first)
/// </code>
/// Offer/answer (RFC 6184 §8.2.2) requires the same profile on both sides; the level may differ.
/// The profile is read from profile_idc plus the constraint flags that Table 5 names (a pattern
/// like <c>x1xx0000</c>), so <c>42e01f</c> and <c>42c01f</c> are both Constrained Baseline.
/// </summary>
public static class H264ProfileLevelId
{
    /// <summary>RFC 6184 §8.1: when profile-level-id is absent, it is 42000A (Baseline, level 1).</summary>
    public const string Default = "42000a";

    // (profile_idc, mask of the iop bits that matter, required value of those bits, profile); first match wins.
    private static readonly (byte Idc, byte Mask, byte Value, H264Profile Profile)[] s_patterns =
    {
        (0x42, 0b0100_1111, 0b0100_0000, H264Profile.ConstrainedBaseline), // x1xx0000
        (0x4D, 0b1000_1111, 0b1000_0000, H264Profile.ConstrainedBaseline), // 1xxx0000
        (0x58, 0b1100_1111, 0b1100_0000, H264Profile.ConstrainedBaseline), // 11xx0000
        (0x42, 0b0100_1111, 0b0000_0000, H264Profile.Baseline),            // x0xx0000
        (0x58, 0b1100_1111, 0b1000_0000, H264Profile.Baseline),            // 10xx0000
        (0x58, 0b1000_1111, 0b0000_0000, H264Profile.Extended),            // 0xxx0000
        (0x4D, 0b1010_1111, 0b0000_0000, H264Profile.Main),                // 0x0x0000
        (0x64, 0b1111_1111, 0b0000_0000, H264Profile.High),                // 00000000
        (0x64, 0b1111_1111, 0b0000_1100, H264Profile.ConstrainedHigh),     // 00001100
        (0x6E, 0b1111_1111, 0b0000_0000, H264Profile.High10),              // 00000000
        (0x7A, 0b1111_1111, 0b0000_0000, H264Profile.High422),             // 00000000
        (0xF4, 0b1111_1111, 0b0000_0000, H264Profile.High444),             // 00000000
        (0x2C, 0b1111_1111, 0b0001_0000, H264Profile.Cavlc444Intra),       // 00010000
    };

    /// <summary>Reads the profile and level; false when the text is not six hex digits or names no known profile.</summary>
    public static bool TryParse(string? text, out H264Profile profile, out byte level)
    {
        profile = H264Profile.Unknown;
        level = 0;
        if (text is null || text.Length != 6 ||
            !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint bits))
            return false;
        byte idc = (byte)(bits >> 16);
        byte iop = (byte)(bits >> 8);
        level = (byte)bits;
        foreach (var pattern in s_patterns)
        {
            if (pattern.Idc == idc && (iop & pattern.Mask) == pattern.Value)
            {
                profile = pattern.Profile;
                return true;
            }
        }
        return false;
    }

    /// <summary>True when both values name the same known profile (levels may differ). Null means the default.</summary>
    public static bool SameProfile(string? a, string? b) =>
        TryParse(a ?? Default, out H264Profile pa, out _) &&
        TryParse(b ?? Default, out H264Profile pb, out _) &&
        pa == pb;
}
