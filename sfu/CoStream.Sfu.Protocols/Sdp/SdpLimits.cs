namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>Limits the parser enforces on untrusted SDP text (refused with a reason, never thrown).</summary>
public static class SdpLimits
{
    /// <summary>Largest accepted SDP text, in characters (64 KiB).</summary>
    public const int MaxTextLength = 64 * 1024;

    /// <summary>Longest accepted line, in characters, without its line ending.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>Most lines in the session section or in one m-section.</summary>
    public const int MaxLinesPerSection = 512;

    /// <summary>Most m-sections in one description.</summary>
    public const int MaxMediaSections = 64;
}
