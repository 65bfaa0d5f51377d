using CoStream.Mixer.Pipeline;

namespace CoStream.Signaling.Mixing;

/// <summary>
/// The mixer's settings (<c>Mixer:</c> keys): whether rooms are mixed at all, the output (codec, size, frame rate, bit
/// rate, preset, GOP — defaults from seed 002's push settings), the guests' layout, and an optional RTMP push URL
/// template (<c>{room}</c> is replaced), e.g. <c>rtmp://cdn.example/live/{room}</c>.
/// </summary>
public sealed record MixerSettings
{
    public bool Enabled { get; init; } = true;
    public RoomMixerOptions Output { get; init; } = new();
    /// <summary><c>pip</c> (anchor full, guests inset — the live-commerce norm) or <c>tiles</c>.</summary>
    public string GuestLayout { get; init; } = "pip";
    public string? RtmpUrl { get; init; }
    /// <summary>A room's mixer stops this long after its last publisher left.</summary>
    public TimeSpan IdleStop { get; init; } = TimeSpan.FromSeconds(30);

    public static MixerSettings From(IConfiguration config)
    {
        var s = config.GetSection("Mixer");
        var d = new RoomMixerOptions();
        var output = d with
        {
            Encoder = s["Codec"] is { Length: > 0 } codec ? codec.ToLowerInvariant() switch
            {
                "h264" or "libx264" => "libx264",
                "h265" or "hevc" or "libx265" => "libx265",
                _ => throw new InvalidOperationException("Mixer:Codec must be h264 or h265"),
            } : d.Encoder,
            Width = s.GetValue("Width", d.Width),
            Height = s.GetValue("Height", d.Height),
            Fps = s.GetValue("Fps", d.Fps),
            GopSeconds = s.GetValue("GopSeconds", d.GopSeconds),
            VideoBitrateBitsPerSecond = s.GetValue("VideoKbps", (int)(d.VideoBitrateBitsPerSecond / 1000)) * 1000L,
            AudioBitrateBitsPerSecond = s.GetValue("AudioKbps", d.AudioBitrateBitsPerSecond / 1000) * 1000,
            Preset = s["Preset"] is { Length: > 0 } preset ? preset : d.Preset,
            StallMs = s.GetValue("StallMs", d.StallMs),
            Passthrough = s.GetValue("Passthrough", d.Passthrough),
            AdaptiveCpu = s.GetValue("AdaptiveCpu", d.AdaptiveCpu),
            CpuTarget = s.GetValue("CpuTarget", d.CpuTarget),
            X264Mode = s["X264"] is { Length: > 0 } x264 ? x264.ToLowerInvariant() switch
            {
                "direct" => X264Mode.Direct,
                "hints" => X264Mode.DirectWithHints,
                "libavcodec" => X264Mode.Libavcodec,
                _ => throw new InvalidOperationException("Mixer:X264 must be direct, hints or libavcodec"),
            } : d.X264Mode,
        };
        if (output.Validate() is { } error) throw new InvalidOperationException("Mixer: " + error);
        var layout = (s["GuestLayout"] ?? "pip").ToLowerInvariant();
        if (layout is not ("pip" or "tiles")) throw new InvalidOperationException("Mixer:GuestLayout must be pip or tiles");
        return new MixerSettings
        {
            Enabled = s.GetValue("Enabled", true),
            Output = output,
            GuestLayout = layout,
            RtmpUrl = s["RtmpUrl"] is { Length: > 0 } url ? url : null,
            IdleStop = TimeSpan.FromSeconds(s.GetValue("IdleStopSeconds", 30)),
        };
    }
}
