namespace CoStream.LoadTest.Janus;

/// <summary>How to start Debian's Janus for a lab run.</summary>
public sealed record JanusOptions
{
    public string Executable { get; init; } = "/usr/bin/janus";

    /// <summary>Folder holding Janus's plugins/ and transports/ (Debian's multiarch path).</summary>
    public string LibraryRoot { get; init; } = "/usr/lib/x86_64-linux-gnu/janus";

    /// <summary>HTTP API port on 127.0.0.1; 0 picks a free one.</summary>
    public int HttpPort { get; init; }

    /// <summary>The page origin allowed by CORS (e.g. http://127.0.0.1:5000); null lets Janus answer "*".</summary>
    public string? AllowOrigin { get; init; }

    public string RtpPortRange { get; init; } = "40000-49999";

    /// <summary>Janus log level 0–7; 3 keeps warnings and errors.</summary>
    public int DebugLevel { get; init; } = 3;

    /// <summary>
    /// nat.ice_enforce_list: interface names or IP addresses Janus gathers on. libnice skips loopback
    /// interfaces, so "lo" ends up gathering on every other interface; give an IP for one candidate.
    /// </summary>
    public string IceEnforceList { get; init; } = Environment.GetEnvironmentVariable("COSTREAM_PEER_INTERFACE") ?? "lo";

    /// <summary>
    /// Network namespace to run Janus in (scripts/netns-run.sh --peer makes one joined to the lab's
    /// namespace by a veth pair and exports its name as COSTREAM_PEER_NETNS). libnice ignores loopback,
    /// so Janus needs such an interface of its own to be benchmarked without touching any other address.
    /// </summary>
    public string? NetworkNamespace { get; init; } = Environment.GetEnvironmentVariable("COSTREAM_PEER_NETNS");

    /// <summary>Address Janus's HTTP API listens on (and is reached at): the peer namespace's veth address, else 127.0.0.1.</summary>
    public string Address { get; init; } = Environment.GetEnvironmentVariable("COSTREAM_PEER_ADDRESS") ?? "127.0.0.1";

    /// <summary>libnice debug output (nat.nice_debug, G_MESSAGES_DEBUG=all): very verbose, for ICE diagnostics only.</summary>
    public bool NiceDebug { get; init; }

    /// <summary>When set, every line Janus writes (stdout and stderr) is appended to this file too.</summary>
    public string? LogFile { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
