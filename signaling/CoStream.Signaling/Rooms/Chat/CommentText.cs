using System.Globalization;
using System.Text;

namespace CoStream.Signaling.Rooms.Chat;

/// <summary>Why a comment's text or client id was refused.</summary>
public enum CommentTextError
{
    None = 0,
    Missing,
    Empty,
    TooLong,
    ControlCharacter,
    BidiControl,
    InvalidUtf16,
    BadClientId,
}

/// <summary>
/// Checks and normalises a comment: trimmed, 1..<c>maxChars</c> characters (Unicode scalar values, so an emoji counts
/// once), no control characters (C0/C1, including newlines), no bidirectional overrides or isolates (which let a
/// comment visually rewrite its neighbours), no unpaired surrogates. The optional client id (the sender's own
/// reference, echoed in the event) is 1..64 printable ASCII characters.
/// </summary>
public static class CommentText
{
    public const int MaxClientIdLength = 64;

    public static CommentTextError TryNormalize(string? raw, int maxChars, out string text)
    {
        text = "";
        if (raw is null) return CommentTextError.Missing;
        // A first bound on the raw length before any walk: a scalar is at most 2 UTF-16 units; allow padding to trim.
        if (raw.Length > maxChars * 2 + 64) return CommentTextError.TooLong;
        var trimmed = raw.AsSpan().Trim();
        if (trimmed.IsEmpty) return CommentTextError.Empty;
        var count = 0;
        var rest = trimmed;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done)
                return CommentTextError.InvalidUtf16;
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control) return CommentTextError.ControlCharacter;
            if (IsBidiControl(rune.Value)) return CommentTextError.BidiControl;
            if (++count > maxChars) return CommentTextError.TooLong;
            rest = rest[used..];
        }
        text = trimmed.Length == raw.Length ? raw : trimmed.ToString();
        return CommentTextError.None;
    }

    /// <summary>Null is allowed (no client id); otherwise 1..64 characters in U+0021..U+007E.</summary>
    public static CommentTextError CheckClientId(string? clientId)
    {
        if (clientId is null) return CommentTextError.None;
        if (clientId.Length is 0 or > MaxClientIdLength) return CommentTextError.BadClientId;
        foreach (var c in clientId)
            if (c is < '!' or > '~') return CommentTextError.BadClientId;
        return CommentTextError.None;
    }

    // U+061C ALM, U+200E/F LRM RLM, U+202A..U+202E embeddings and overrides, U+2066..U+2069 isolates.
    private static bool IsBidiControl(int c) =>
        c is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
}
