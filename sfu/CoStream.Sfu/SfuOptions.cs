using System.Net;

namespace CoStream.Sfu;

/// <summary>Settings of the SFU engine.</summary>
public sealed class SfuOptions
{
    /// <summary>Address of the one UDP socket every peer talks to.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>UDP port (0 = any free port).</summary>
    public int Port { get; init; }

    /// <summary>Address written into the ICE candidate (e.g. the public address behind a 1:1 NAT); default the listen address.</summary>
    public IPAddress? AnnouncedAddress { get; init; }

    /// <summary>Port written into the ICE candidate (e.g. a port-forward); default the bound port.</summary>
    public int? AnnouncedPort { get; init; }

    /// <summary>RFC 7675: a connected peer that sends no valid check for this long is gone.</summary>
    public int ConsentTimeoutMs { get; init; } = 30_000;

    /// <summary>A transport that never completes ICE + DTLS within this time after its first check is closed.</summary>
    public int DtlsHandshakeTimeoutMs { get; init; } = 20_000;

    /// <summary>Least interval between keyframe requests sent to one publisher stream.</summary>
    public int KeyFrameRequestIntervalMs { get; init; } = 500;

    /// <summary>Packets kept per outgoing stream to answer NACKs.</summary>
    public int RetransmissionBufferPackets { get; init; } = 1024;

    /// <summary>
    /// Playout delay (min, max) in ms the SFU asks subscribers' jitter buffers to keep for video, through
    /// the playout-delay header extension; null leaves the browser's own choice. Co-streaming is a
    /// conversation, so the default asks for the least delay.
    /// </summary>
    public (int MinMs, int MaxMs)? VideoPlayoutDelay { get; init; } = (0, 0);

    /// <summary>Video codecs offered to publishers, in the SFU's preference order (the publisher's own order wins).</summary>
    public IReadOnlyList<string> VideoCodecs { get; init; } = ["VP8", "H264"];
}
