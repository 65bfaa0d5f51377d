namespace CoStream.Signaling.Hosting;

/// <summary>Finds the repository's web-client folder (configurable), so pages and the SignalR bundle are served as they are.</summary>
public static class WebClientRoot
{
    public static string Find(string? configured)
    {
        if (!string.IsNullOrEmpty(configured)) return Path.GetFullPath(configured);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "web-client");
            if (File.Exists(Path.Combine(candidate, "index.html"))) return candidate;
        }
        throw new DirectoryNotFoundException("web-client/index.html not found above " + AppContext.BaseDirectory + "; set WebClient:Root");
    }
}
