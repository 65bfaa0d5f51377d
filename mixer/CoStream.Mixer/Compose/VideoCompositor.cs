using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Compose;

/// <summary>
/// Draws the participants' latest decoded pictures into one output canvas by a <see cref="LayoutDescription"/>.
/// Decoders hand in pictures with <see cref="Submit"/>; the output loop calls <see cref="Compose"/> once per
/// output frame and encodes the returned canvas before the next call (the canvas is reused).
/// A layout change (<see cref="SetLayout"/>) takes effect on the next composed frame, drawn from the same
/// latest pictures, so a switch never shows a blank frame. A participant with no picture for
/// <see cref="CompositorOptions.StallMs"/> (or audio-only) gets a placeholder tile. Allocation-free per frame
/// once each tile size has been seen. Not thread-safe: one output loop calls it.
/// </summary>
public sealed class VideoCompositor : IDisposable
{
    private readonly CompositorOptions _options;
    private readonly Dictionary<string, Latest> _latest = new(StringComparer.Ordinal);
    private readonly TileScaler _scaler = new();
    private List<TileRect> _tiles = [];
    private LayoutDescription? _pending;
    private bool _coversCanvas;

    public I420Frame Canvas { get; }
    public LayoutDescription? Layout { get; private set; }
    /// <summary>The rectangles of the layout in effect (the last composed frame's).</summary>
    public IReadOnlyList<TileRect> Tiles => _tiles;
    public long FramesComposed { get; private set; }
    public long PlaceholderTilesDrawn { get; private set; }
    public long ScaleFailures { get; private set; }

    public VideoCompositor(CompositorOptions? options = null)
    {
        _options = options ?? new CompositorOptions();
        if (_options.Validate() is { } why) throw new ArgumentException(why, nameof(options));
        Canvas = new I420Frame(_options.Width, _options.Height);
    }

    public CompositorOptions Options => _options;

    /// <summary>Asks for a new layout; it is applied at the start of the next <see cref="Compose"/>.</summary>
    public void SetLayout(LayoutDescription layout) => _pending = layout ?? throw new ArgumentNullException(nameof(layout));

    /// <summary>
    /// Gives a participant's newest picture, received at <paramref name="nowMs"/> on the room clock. The
    /// compositor keeps the reference until the next picture of that participant: do not overwrite it before then (a
    /// decoder recycling two pictures, <see cref="VideoDecoder.TryCreate"/>, writes the other one meanwhile).
    /// </summary>
    public void Submit(string participantId, I420Frame picture, long nowMs)
    {
        if (!_latest.TryGetValue(participantId, out var latest)) _latest[participantId] = latest = new Latest();
        latest.Release();
        latest.Picture = picture;
        latest.AtMs = nowMs;
    }

    /// <summary>
    /// Gives a participant's newest picture as the decoder wrote it (no copy). The compositor owns it from now on and
    /// disposes it — giving the frame back to the decoder — when the next picture of that participant comes, when the
    /// participant is removed, or when the compositor is disposed.
    /// </summary>
    public void Submit(string participantId, DecodedPicture picture, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(picture);
        if (!_latest.TryGetValue(participantId, out var latest)) _latest[participantId] = latest = new Latest();
        if (!ReferenceEquals(latest.Decoded, picture)) latest.Release();
        latest.Decoded = picture;
        latest.AtMs = nowMs;
    }

    /// <summary>Forgets a participant's picture (they left).</summary>
    public void Remove(string participantId)
    {
        if (_latest.Remove(participantId, out var latest)) latest.Release();
    }

    /// <summary>Draws the output frame for room time <paramref name="nowMs"/> and returns the canvas (stamped with it).</summary>
    public I420Frame Compose(long nowMs)
    {
        if (_pending != null)
        {
            Layout = _pending;
            _tiles = LayoutEngine.Compute(_pending, _options.Width, _options.Height);
            _coversCanvas = Covers(_tiles, _options.Width, _options.Height);
            _pending = null;
        }
        // Every tile is drawn whole (picture or placeholder), so the background is needed only where no tile lies.
        if (!_coversCanvas) Fill(0, 0, _options.Width, _options.Height, _options.Background);
        for (int i = 0; i < _tiles.Count; i++)
        {
            var t = _tiles[i];
            if (t.HasVideo && _latest.TryGetValue(t.ParticipantId, out var latest) && nowMs - latest.AtMs <= _options.StallMs
                && (latest.Picture != null || latest.Decoded is { InUse: true }))
            {
                var drawn = latest.Decoded is { InUse: true } decoded
                    ? _scaler.Draw(decoded.View, Canvas, t.X, t.Y, t.Width, t.Height)
                    : _scaler.Draw(latest.Picture!, Canvas, t.X, t.Y, t.Width, t.Height);
                if (drawn) continue;
                ScaleFailures++;
            }
            DrawPlaceholder(t);
        }
        Canvas.Pts = nowMs;
        FramesComposed++;
        return Canvas;
    }

    /// <summary>
    /// Whether the tiles together cover the canvas (a PK's two halves, a grid without gaps, a full-size anchor): each cell
    /// between consecutive tile edges, across and down, must lie in some tile. Once per layout, not per frame.
    /// </summary>
    internal static bool Covers(IReadOnlyList<TileRect> tiles, int width, int height)
    {
        if (tiles.Count == 0) return false;
        var xs = new SortedSet<int> { 0, width };
        var ys = new SortedSet<int> { 0, height };
        foreach (var t in tiles)
        {
            xs.Add(Math.Clamp(t.X, 0, width)); xs.Add(Math.Clamp(t.X + t.Width, 0, width));
            ys.Add(Math.Clamp(t.Y, 0, height)); ys.Add(Math.Clamp(t.Y + t.Height, 0, height));
        }
        int[] xe = [.. xs], ye = [.. ys];
        for (var i = 0; i + 1 < xe.Length; i++)
        for (var j = 0; j + 1 < ye.Length; j++)
        {
            int cx = xe[i], cy = ye[j];
            var covered = false;
            foreach (var t in tiles)
                if (cx >= t.X && cx < t.X + t.Width && cy >= t.Y && cy < t.Y + t.Height) { covered = true; break; }
            if (!covered) return false;
        }
        return true;
    }

    private void DrawPlaceholder(in TileRect t)
    {
        PlaceholderTilesDrawn++;
        Fill(t.X, t.Y, t.Width, t.Height, _options.Placeholder);
        // The "no video" mark: a square ring, a third of the tile's shorter side, in the middle.
        var side = Math.Min(t.Width, t.Height) / 3 & ~1;
        var ring = Math.Max(2, side / 8 & ~1);
        if (side < 3 * ring) return;
        int mx = (t.X + (t.Width - side) / 2) & ~1, my = (t.Y + (t.Height - side) / 2) & ~1;
        var mark = (_options.PlaceholderMarkY, _options.Placeholder.U, _options.Placeholder.V);
        Fill(mx, my, side, ring, mark);
        Fill(mx, my + side - ring, side, ring, mark);
        Fill(mx, my, ring, side, mark);
        Fill(mx + side - ring, my, ring, side, mark);
    }

    private void Fill(int x, int y, int w, int h, (byte Y, byte U, byte V) c)
    {
        var canvas = Canvas;
        var yPlane = canvas.Y;
        for (int row = y; row < y + h; row++) yPlane.Slice(row * canvas.Width + x, w).Fill(c.Y);
        var u = canvas.U;
        var v = canvas.V;
        for (int row = y / 2; row < (y + h) / 2; row++)
        {
            u.Slice(row * canvas.ChromaWidth + x / 2, w / 2).Fill(c.U);
            v.Slice(row * canvas.ChromaWidth + x / 2, w / 2).Fill(c.V);
        }
    }

    public void Dispose()
    {
        foreach (var latest in _latest.Values) latest.Release();
        _latest.Clear();
        _scaler.Dispose();
    }

    private sealed class Latest
    {
        public I420Frame? Picture;
        public DecodedPicture? Decoded;
        public long AtMs;

        /// <summary>Drops the held picture; a decoder's frame goes back to its decoder.</summary>
        public void Release()
        {
            Decoded?.Dispose();
            Decoded = null;
            Picture = null;
        }
    }
}
