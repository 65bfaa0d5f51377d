using System.Text;

namespace CoStream.LoadTest.Janus;

/// <summary>
/// Writes a minimal Janus configuration into a folder: the videoroom plugin and the plain HTTP
/// transport on 127.0.0.1 only, ICE restricted to the loopback interface (IPv4), full trickle,
/// no admin API, no other transports, plugins, loggers or event handlers.
/// </summary>
internal static class JanusConfig
{
    public const string VideoRoomPlugin = "libjanus_videoroom.so";
    public const string HttpTransport = "libjanus_http.so";

    /// <summary>Lays out <paramref name="root"/>: config files plus plugin/transport folders
    /// that hold a symlink to the one library each that Janus should load.</summary>
    public static void Write(string root, JanusOptions options)
    {
        string plugins = Path.Combine(root, "plugins");
        string transports = Path.Combine(root, "transports");
        string events = Path.Combine(root, "events");
        string loggers = Path.Combine(root, "loggers");
        foreach (var dir in new[] { plugins, transports, events, loggers })
            Directory.CreateDirectory(dir);

        Link(Path.Combine(options.LibraryRoot, "plugins", VideoRoomPlugin), Path.Combine(plugins, VideoRoomPlugin));
        Link(Path.Combine(options.LibraryRoot, "transports", HttpTransport), Path.Combine(transports, HttpTransport));

        File.WriteAllText(Path.Combine(root, "janus.jcfg"), Core(root, plugins, transports, events, loggers, options));
        File.WriteAllText(Path.Combine(root, "janus.transport.http.jcfg"), Http(options));
        File.WriteAllText(Path.Combine(root, "janus.plugin.videoroom.jcfg"), VideoRoom());
    }

    private static void Link(string target, string link)
    {
        if (!File.Exists(target))
            throw new FileNotFoundException($"Janus library not found: {target}", target);
        File.CreateSymbolicLink(link, target);
    }

    private static string Core(string root, string plugins, string transports, string events, string loggers, JanusOptions o)
    {
        var sb = new StringBuilder();
        sb.AppendLine("general: {");
        sb.AppendLine($"\tconfigs_folder = \"{root}\"");
        sb.AppendLine($"\tplugins_folder = \"{plugins}\"");
        sb.AppendLine($"\ttransports_folder = \"{transports}\"");
        sb.AppendLine($"\tevents_folder = \"{events}\"");
        sb.AppendLine($"\tloggers_folder = \"{loggers}\"");
        sb.AppendLine($"\tdebug_level = {o.DebugLevel}");
        sb.AppendLine("\tdebug_timestamps = true");
        sb.AppendLine("\tdebug_colors = false");
        sb.AppendLine("\tsession_timeout = 60");
        sb.AppendLine("\tserver_name = \"CoStreamLatencyLab\"");
        sb.AppendLine("}");
        sb.AppendLine("certificates: {");   // none: Janus generates a DTLS certificate at start
        sb.AppendLine("}");
        sb.AppendLine("media: {");
        sb.AppendLine("\tipv6 = false");
        sb.AppendLine("\tipv6_linklocal = false");
        sb.AppendLine($"\trtp_port_range = \"{o.RtpPortRange}\"");
        sb.AppendLine("}");
        sb.AppendLine("nat: {");
        sb.AppendLine($"\tnice_debug = {(o.NiceDebug ? "true" : "false")}");
        sb.AppendLine("\tfull_trickle = true");
        sb.AppendLine("\tice_lite = false");
        sb.AppendLine("\tignore_mdns = true");
        sb.AppendLine($"\tice_enforce_list = \"{o.IceEnforceList}\"");
        sb.AppendLine("}");
        sb.AppendLine("plugins: {");
        sb.AppendLine("}");
        sb.AppendLine("transports: {");
        sb.AppendLine("}");
        sb.AppendLine("loggers: {");
        sb.AppendLine("}");
        sb.AppendLine("events: {");
        sb.AppendLine("\tbroadcast = false");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string Http(JanusOptions o)
    {
        var sb = new StringBuilder();
        sb.AppendLine("general: {");
        sb.AppendLine("\tjson = \"plain\"");
        sb.AppendLine("\tbase_path = \"/janus\"");
        sb.AppendLine("\thttp = true");
        sb.AppendLine($"\tport = {o.HttpPort}");
        sb.AppendLine($"\tip = \"{o.Address}\"");
        sb.AppendLine("\thttps = false");
        sb.AppendLine("}");
        sb.AppendLine("admin: {");
        sb.AppendLine("\tadmin_http = false");
        sb.AppendLine("\tadmin_https = false");
        sb.AppendLine("}");
        sb.AppendLine("cors: {");
        if (o.AllowOrigin is { Length: > 0 } origin)
            sb.AppendLine($"\tallow_origin = \"{origin}\"");
        sb.AppendLine("}");
        return sb.ToString();
    }

    // No static rooms: the lab pages create theirs through the API.
    private static string VideoRoom() => "general: {\n}\n";
}
