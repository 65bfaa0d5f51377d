namespace CoStream.Mixer.Compose;

/// <summary>
/// Turns a <see cref="LayoutDescription"/> into tile rectangles on a canvas, drawn in list order (later
/// tiles on top, so insets follow the full-size tiles). Every coordinate and size is even.
/// </summary>
public static class LayoutEngine
{
    /// <summary>Inset tiles (PiP, PK guests) are this fraction of the canvas (or half) in each dimension.</summary>
    public const int InsetDivisor = 4;
    /// <summary>Gap between an inset and the canvas edge, in pixels.</summary>
    public const int InsetMargin = 16;

    public static List<TileRect> Compute(LayoutDescription layout, int width, int height)
    {
        var tiles = new List<TileRect>();
        var ps = layout.Participants;
        var anchor = ps.FirstOrDefault(p => p.Role == ParticipantRole.Anchor) ?? ps.FirstOrDefault(p => p.Role == ParticipantRole.PkAnchor);
        switch (layout.Kind)
        {
            case LayoutKind.Solo:
                if (anchor != null) tiles.Add(Rect(anchor, 0, 0, width, height));
                break;
            case LayoutKind.Tiles:
            {
                var members = new List<LayoutParticipant>();
                if (anchor != null) members.Add(anchor);
                members.AddRange(ps.Where(p => p != anchor).Take(LayoutDescription.MaxTiles - members.Count));
                Grid(members, 0, 0, width, height, tiles);
                break;
            }
            case LayoutKind.PictureInPicture:
                if (anchor != null) tiles.Add(Rect(anchor, 0, 0, width, height));
                Insets(ps.Where(p => p != anchor && p.Role == ParticipantRole.Guest), 0, 0, width, height, tiles);
                break;
            case LayoutKind.Pk:
            {
                // The room's own anchor on the left (role Anchor, as RoomMixers lays a PK out; or the first PkAnchor), the
                // other room's anchor (PkAnchor) on the right.
                var pkAnchors = new List<LayoutParticipant>(2);
                if (anchor != null) pkAnchors.Add(anchor);
                pkAnchors.AddRange(ps.Where(p => p.Role == ParticipantRole.PkAnchor && p != anchor).Take(2 - pkAnchors.Count));
                var half = Even(width / 2);
                for (int side = 0; side < pkAnchors.Count; side++)
                {
                    var a = pkAnchors[side];
                    var x = side * half;
                    var w = side == 0 ? half : width - half;
                    tiles.Add(Rect(a, x, 0, w, height));
                    Insets(ps.Where(p => p.Role == ParticipantRole.Guest && p.Room == a.Room), x, 0, w, height, tiles);
                }
                break;
            }
        }
        return tiles;
    }

    private static void Grid(List<LayoutParticipant> members, int x0, int y0, int width, int height, List<TileRect> tiles)
    {
        if (members.Count == 0) return;
        var cols = (int)Math.Ceiling(Math.Sqrt(members.Count));
        var rows = (members.Count + cols - 1) / cols;
        for (int i = 0; i < members.Count; i++)
        {
            int c = i % cols, r = i / cols;
            int x = Even(x0 + width * c / cols), xe = c == cols - 1 ? x0 + width : Even(x0 + width * (c + 1) / cols);
            int y = Even(y0 + height * r / rows), ye = r == rows - 1 ? y0 + height : Even(y0 + height * (r + 1) / rows);
            tiles.Add(Rect(members[i], x, y, xe - x, ye - y));
        }
    }

    private static void Insets(IEnumerable<LayoutParticipant> guests, int x0, int y0, int width, int height, List<TileRect> tiles)
    {
        int w = Even(width / InsetDivisor), h = Even(height / InsetDivisor);
        if (w < 2 || h < 2) return;
        int x = Even(x0 + width - InsetMargin - w);
        int y = Even(y0 + height - InsetMargin - h);
        foreach (var g in guests)
        {
            if (y < y0) break; // no room for more insets
            tiles.Add(Rect(g, x, y, w, h));
            y = Even(y - h - InsetMargin / 2);
        }
    }

    private static TileRect Rect(LayoutParticipant p, int x, int y, int w, int h) => new(p.Id, x, y, w, h, p.HasVideo);

    private static int Even(int v) => v & ~1;
}
