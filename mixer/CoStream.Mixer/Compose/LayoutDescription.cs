namespace CoStream.Mixer.Compose;

/// <summary>How the canvas is divided among the participants.</summary>
public enum LayoutKind
{
    /// <summary>The anchor fills the canvas.</summary>
    Solo,
    /// <summary>The anchor and up to N guests in an even grid, anchor first.</summary>
    Tiles,
    /// <summary>The anchor fills the canvas; guests are small insets stacked up from the bottom-right corner.</summary>
    PictureInPicture,
    /// <summary>Two anchors side by side (left = first PK anchor); each one's guests are insets at the bottom of its half.</summary>
    Pk,
}

/// <summary>A participant's part in a layout.</summary>
public enum ParticipantRole
{
    Anchor,
    Guest,
    /// <summary>An anchor in a cross-room PK session (one per room).</summary>
    PkAnchor,
}

/// <summary>One participant in a <see cref="LayoutDescription"/>; <paramref name="HasVideo"/> false means audio-only (placeholder tile).</summary>
public sealed record LayoutParticipant(string Id, ParticipantRole Role, string Room, bool HasVideo = true);

/// <summary>
/// What the room events ask the compositor to show: the layout kind and the participants in order
/// (for PK, the first PK anchor's room is drawn on the left).
/// </summary>
public sealed record LayoutDescription(LayoutKind Kind, IReadOnlyList<LayoutParticipant> Participants)
{
    /// <summary>The most guests the Tiles layout places; more are left out.</summary>
    public const int MaxTiles = 9;
}

/// <summary>A participant's rectangle on the canvas (even coordinates and sizes, for 4:2:0).</summary>
public readonly record struct TileRect(string ParticipantId, int X, int Y, int Width, int Height, bool HasVideo);
