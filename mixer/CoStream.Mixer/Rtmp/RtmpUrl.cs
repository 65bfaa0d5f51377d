namespace CoStream.Mixer.Rtmp;

/// <summary>
/// An RTMP publishing address, rtmp://host[:port]/app/stream (port 1935 by default). The first path segment is
/// the application, the rest the stream name. TcUrl is what the connect command names.
/// </summary>
public sealed record RtmpUrl(string Host, int Port, string App, string Stream)
{
    public const int DefaultPort = 1935;

    public string TcUrl => $"rtmp://{Host}:{Port}/{App}";

    public static bool TryParse(string text, out RtmpUrl? url, out string? reason)
    {
        url = null;
        reason = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "rtmp") { reason = "not an rtmp:// URL"; return false; }
        var path = uri.AbsolutePath.Trim('/');
        var slash = path.IndexOf('/');
        if (slash <= 0 || slash == path.Length - 1) { reason = "the path must be /app/stream"; return false; }
        url = new RtmpUrl(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port,
            Uri.UnescapeDataString(path[..slash]), Uri.UnescapeDataString(path[(slash + 1)..]) + uri.Query);
        return true;
    }

    public override string ToString() => $"{TcUrl}/{Stream}";
}
