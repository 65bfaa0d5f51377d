namespace CoStream.LoadTest.Client;

/// <summary>What a <see cref="SimPeer"/> sends and how it behaves. Defaults: 1000 video packets/s of 1100 bytes + Opus-sized audio.</summary>
public sealed class SimPeerOptions
{
    /// <summary>Video RTP packets per second a publisher sends (0: no video).</summary>
    public int VideoPacketsPerSecond { get; init; } = 1000;

    /// <summary>RTP payload bytes per video packet (VP8 descriptor + filler + 16-byte timing trailer).</summary>
    public int VideoPayloadBytes { get; init; } = 1100;

    /// <summary>Frames per second; the packets of one frame share a timestamp, the last carries the marker.</summary>
    public int FramesPerSecond { get; init; } = 30;

    /// <summary>A keyframe every this many frames (and at once on a PLI/FIR).</summary>
    public int KeyFrameInterval { get; init; } = 300;

    /// <summary>Audio at 50 packets/s (20 ms Opus frames).</summary>
    public bool SendAudio { get; init; } = true;

    public int AudioPayloadBytes { get; init; } = 160;

    /// <summary>Packets kept per sent SSRC to answer NACKs.</summary>
    public int SendHistoryPackets { get; init; } = 1024;

    /// <summary>Receivers send NACKs for sequence gaps (and receiver reports every second).</summary>
    public bool SendNacks { get; init; } = true;

    /// <summary>ICE + DTLS must finish within this time.</summary>
    public int ConnectTimeoutMs { get; init; } = 10_000;

    /// <summary>Publishers start sending as soon as SRTP is up; otherwise call <see cref="SimPeer.StartMedia"/>.</summary>
    public bool StartMediaOnConnect { get; init; } = true;

    /// <summary>
    /// Local IPv4 address of the peer's socket; null: 127.0.0.1. The Janus target binds to the host's own
    /// interface address, because libnice (Janus's ICE) never gathers loopback candidates.
    /// </summary>
    public System.Net.IPAddress? BindAddress { get; init; }

    /// <summary>RFC 7675 consent checks once connected, every this many ms (±20%); browsers use about 5 s.</summary>
    public int ConsentIntervalMs { get; init; } = 5000;

    /// <summary>
    /// Video codec a publisher offers: "VP8" (the pacing thread's synthetic frames) or "H264" (packetization-mode 1;
    /// send real access units with <see cref="SimPeer.SendVideoPayload"/>, media not started on connect).
    /// </summary>
    public string VideoCodec { get; init; } = "VP8";

    /// <summary>Sees every RTP packet sent and received (tests); null for none.</summary>
    public IRtpObserver? RtpObserver { get; init; }

    /// <summary>Kernel receive buffer asked for (the kernel may cap it at net.core.rmem_max).</summary>
    public int SocketReceiveBufferBytes { get; init; } = 4 << 20;
}
