using System.Text.RegularExpressions;
using CoStream.LoadTest.Client;

namespace CoStream.Sfu.Tests.Harness;

/// <summary>One SimPeer connected to the in-process engine, with the transport the engine made for it and its SDP answer.</summary>
public sealed record EnginePeer(SimPeer Peer, string TransportId, string Answer)
{
    /// <summary>The SSRCs the SFU announced in its answer (a=ssrc), i.e. what a player will receive.</summary>
    public IReadOnlyList<uint> AnsweredSsrcs { get; } = Regex.Matches(Answer, @"^a=ssrc:(\d+) cname:", RegexOptions.Multiline)
        .Select(m => uint.Parse(m.Groups[1].Value)).Distinct().ToArray();
}

/// <summary>
/// An <see cref="SfuServer"/> on 127.0.0.1 and the <see cref="SimPeer"/>s of one test, negotiated
/// in-process (no HTTP): publish and play go straight through <see cref="SfuServer.PublishAsync"/> and
/// <see cref="SfuServer.PlayAsync"/>. Disposes every peer, then the server.
/// </summary>
public sealed class EngineHarness : IAsyncDisposable
{
    /// <summary>Light media for a shared 2-core machine: 200 video packets/s in 10-packet frames, audio at 50/s,
    /// keyframes only at the start and on request (PLI).</summary>
    public static SimPeerOptions PeerOptions(IRtpObserver? observer = null, bool startMedia = true, int consentIntervalMs = 5000,
        int videoPacketsPerSecond = 200) => new()
    {
        VideoPacketsPerSecond = videoPacketsPerSecond,
        FramesPerSecond = 20,
        VideoPayloadBytes = 600,
        KeyFrameInterval = 100_000,
        ConnectTimeoutMs = 15_000,
        StartMediaOnConnect = startMedia,
        ConsentIntervalMs = consentIntervalMs,
        RtpObserver = observer,
    };

    private readonly List<SimPeer> _peers = [];

    private EngineHarness(SfuServer sfu) => Sfu = sfu;

    public SfuServer Sfu { get; }

    public int Port => Sfu.LocalEndPoint.Port;

    public static EngineHarness Start(SfuOptions? options = null) => new(SfuServer.Start(options ?? new SfuOptions()));

    /// <summary>Publishes Opus + VP8 as <paramref name="participant"/>; <paramref name="rewriteAnswer"/> may redirect the peer (e.g. through a relay).</summary>
    public async Task<EnginePeer> PublishAsync(string room, string participant, SimPeerOptions? options = null, Func<string, string>? rewriteAnswer = null)
    {
        string transportId = "", answer = "";
        var peer = await SimPeer.PublishAsync(async (offer, ct) =>
        {
            SdpResult result = await Sfu.PublishAsync(room, participant, offer, ct);
            Assert.True(result.Ok, result.Error);
            (transportId, answer) = (result.TransportId, result.Sdp!);
            return rewriteAnswer?.Invoke(answer) ?? answer;
        }, options ?? PeerOptions());
        lock (_peers) _peers.Add(peer);
        return new EnginePeer(peer, transportId, answer);
    }

    /// <summary>Plays <paramref name="source"/>'s tracks (WHEP-style, recvonly offer) as <paramref name="participant"/>.</summary>
    public async Task<EnginePeer> PlayAsync(string room, string participant, string source, SimPeerOptions? options = null, Func<string, string>? rewriteAnswer = null)
    {
        string transportId = "", answer = "";
        var peer = await SimPeer.PlayAsync(async (offer, ct) =>
        {
            SdpResult result = await Sfu.PlayAsync(room, participant, offer, source, ct);
            Assert.True(result.Ok, result.Error);
            (transportId, answer) = (result.TransportId, result.Sdp!);
            return rewriteAnswer?.Invoke(answer) ?? answer;
        }, options ?? PeerOptions());
        lock (_peers) _peers.Add(peer);
        return new EnginePeer(peer, transportId, answer);
    }

    /// <summary>Points a peer at <paramref name="port"/> instead of the SFU's own port (the candidate in the answer).</summary>
    public Func<string, string> Via(int port) => answer =>
    {
        string rewritten = answer.Replace($" {Port} typ host", $" {port} typ host", StringComparison.Ordinal);
        Assert.NotEqual(answer, rewritten);
        return rewritten;
    };

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds or the (generous) deadline passes; returns whether it held.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, int deadlineMs = 15_000)
    {
        long end = Environment.TickCount64 + deadlineMs;
        while (!condition())
        {
            if (Environment.TickCount64 > end) return false;
            await Task.Delay(20);
        }
        return true;
    }

    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, int deadlineMs = 15_000)
    {
        long end = Environment.TickCount64 + deadlineMs;
        while (!await condition())
        {
            if (Environment.TickCount64 > end) return false;
            await Task.Delay(20);
        }
        return true;
    }

    public async Task<TransportSnapshot?> FindTransportAsync(string room, string transportId) =>
        (await Sfu.GetRoomAsync(room))?.Transports.FirstOrDefault(t => t.Id == transportId);

    public async ValueTask DisposeAsync()
    {
        SimPeer[] peers;
        lock (_peers) peers = _peers.ToArray();
        foreach (var peer in peers) await peer.DisposeAsync();
        await Sfu.DisposeAsync();
    }
}
