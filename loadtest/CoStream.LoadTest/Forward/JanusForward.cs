using System.Text.Json;
using System.Text.Json.Nodes;
using CoStream.LoadTest.Client;
using CoStream.LoadTest.Janus;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Sdp;

namespace CoStream.LoadTest.Forward;

/// <summary>
/// The <c>janus</c> target of <c>forward</c>: the same load (one SimPeer publisher, N SimPeer subscribers)
/// through Debian's Janus 1.1.2 videoroom (<see cref="JanusProcess"/>, HTTP REST API, full trickle).
/// Per N: a new session and room (Opus + VP8, <c>publishers: 1</c>, <c>bitrate: 0</c>), the publisher
/// joins with <c>joinandconfigure</c> + our offer (a=setup:actpass, our host candidate, end-of-candidates),
/// each subscriber joins with <c>streams: [{feed}]</c>, answers Janus's offer (a=setup:active, our host
/// candidate) with <c>start</c>, and answers Janus's ICE checks. Janus has no metrics endpoint, so the
/// forwarded count is what the subscribers received (SRTP-authenticated RTP packets, retransmissions included).
/// </summary>
internal static class JanusForward
{
    private const string VideoRoom = "janus.plugin.videoroom";
    private static readonly bool Trace = Environment.GetEnvironmentVariable("COSTREAM_JANUS_TRACE") == "1";

    private static void Dump(string what, string text)
    {
        if (Trace)
        {
            Console.Error.WriteLine($"--- {what}\n{text}");
        }
    }

    public static async Task<ForwardResult> MeasureFanOutAsync(JanusProcess janus, int n, SimPeerOptions peerOptions, ForwardOptions o)
    {
        await using JanusRestClient api = await JanusRestClient.CreateAsync(janus.ApiUrl);
        long room = Random.Shared.NextInt64(1_000_000, 9_000_000);
        long pubHandle = await api.AttachAsync(VideoRoom);
        JsonElement created = await api.MessageAsync(pubHandle, new JsonObject
        {
            ["request"] = "create",
            ["room"] = room,
            ["description"] = $"forward N={n}",
            ["publishers"] = 1,
            ["bitrate"] = 0,
            ["audiocodec"] = "opus",
            ["videocodec"] = "vp8",
            ["notify_joining"] = false,
            ["permanent"] = false,
        });
        string? createdKind = created.GetProperty("plugindata").GetProperty("data").TryGetProperty("videoroom", out JsonElement vr) ? vr.GetString() : null;
        if (createdKind != "created")
        {
            throw new InvalidOperationException("janus: room not created: " + created.GetRawText());
        }

        SimPeer publisher = SimPeer.CreatePublisher(peerOptions);
        var players = new List<SimPeer>();
        try
        {
            long feed = await PublishAsync(api, pubHandle, room, publisher);
            for (int i = 0; i < n; i += 8)
            {
                var batch = Enumerable.Range(i, Math.Min(8, n - i)).Select(_ => SubscribeAsync(api, room, feed, peerOptions));
                players.AddRange(await Task.WhenAll(batch));
            }

            await Task.Delay(TimeSpan.FromSeconds(o.WarmupSeconds));
            double host0 = ProcessCpu.ReadSeconds(janus.Pid);
            double self0 = ProcessCpu.SelfSeconds();
            SimPeerStatsSnapshot[] before = players.Select(p => p.Stats.Snapshot()).ToArray();
            long t0 = SimPeer.NowUs();
            await Task.Delay(TimeSpan.FromSeconds(o.Seconds));
            double host1 = ProcessCpu.ReadSeconds(janus.Pid);
            double self1 = ProcessCpu.SelfSeconds();
            double seconds = (SimPeer.NowUs() - t0) / 1e6;
            SimPeerStatsSnapshot[] deltas = players.Select((p, i) => p.Stats.Snapshot().Minus(before[i])).ToArray();
            var latency = new long[LatencyHistogram.BucketCount];
            foreach (SimPeerStatsSnapshot d in deltas)
            {
                LatencyHistogram.Add(latency, d.LatencyCounts);
            }

            long received = deltas.Sum(d => d.PacketsReceived);
            if (received == 0)
            {
                throw new InvalidOperationException($"Janus forwarded nothing (publisher sent {publisher.Stats.Snapshot().PacketsSent} packets); see {janus.LogFile}");
            }

            return new ForwardResult("Janus 1.1.2", n, o.Rate, seconds, received, host1 - host0, self1 - self0,
                -1, received, deltas.Sum(d => d.PacketsExpected), deltas.Sum(d => d.PacketsLost), deltas.Sum(d => d.NacksSent), latency);
        }
        finally
        {
            await Task.WhenAll(players.Select(p => p.DisposeAsync().AsTask()));
            await publisher.DisposeAsync();
            try
            {
                await api.MessageAsync(pubHandle, new JsonObject { ["request"] = "destroy", ["room"] = room });
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
            {
                // The session goes with the client anyway.
            }
        }
    }

    /// <summary>joinandconfigure with our offer; connects to Janus's answer; returns the publisher (feed) id.</summary>
    private static async Task<long> PublishAsync(JanusRestClient api, long handle, long room, SimPeer publisher)
    {
        SessionDescription offer = publisher.CreatePublishOffer();
        JsonElement ev = await api.RequestAsync(handle, new JsonObject
        {
            ["request"] = "joinandconfigure",
            ["room"] = room,
            ["ptype"] = "publisher",
            ["display"] = "simpeer-pub",
            ["audio"] = true,
            ["video"] = true,
        }, e => e.TryGetProperty("jsep", out _), "offer", offer.ToString());
        Dump("publisher offer", offer.ToString());
        Dump("janus answer event", ev.GetRawText());
        await api.TrickleAsync(handle, null);
        long feed = ev.GetProperty("plugindata").GetProperty("data").GetProperty("id").GetInt64();
        string answer = ev.GetProperty("jsep").GetProperty("sdp").GetString()!;
        List<IceCandidate> trickled = await WaitForCandidatesAsync(api, handle, answer);
        Dump("trickled", string.Join("\n", trickled));
        await publisher.AcceptAnswerAsync(offer, answer, trickled);
        return feed;
    }

    /// <summary>
    /// Janus's candidates: in its answer when gathering finished first, otherwise trickle events (full
    /// trickle). Collects until none came for 300 ms (at most 3 s); keeps IPv4 ones (our socket is IPv4).
    /// </summary>
    private static async Task<List<IceCandidate>> WaitForCandidatesAsync(JanusRestClient api, long handle, string answer)
    {
        var result = new List<IceCandidate>();
        bool inSdp = answer.Contains("a=candidate:", StringComparison.Ordinal);
        int quiet = 0;
        for (int i = 0; i < 30 && quiet < 3; i++)
        {
            await Task.Delay(100);
            List<string> values = api.DrainTrickles(handle);
            quiet = values.Count == 0 && (inSdp || result.Count > 0) ? quiet + 1 : 0;
            foreach (string value in values)
            {
                if (IceCandidate.TryParse(value, out IceCandidate? c) == IceError.None && c!.Address.Contains('.'))
                {
                    result.Add(c);
                }
            }
        }

        if (!inSdp && result.Count == 0)
        {
            throw new TimeoutException("janus: no IPv4 ICE candidate in the answer nor trickled within 3 s");
        }

        return result;
    }

    private static async Task<SimPeer> SubscribeAsync(JanusRestClient api, long room, long feed, SimPeerOptions options)
    {
        long handle = await api.AttachAsync(VideoRoom);
        SimPeer player = SimPeer.CreatePlayer(options);
        try
        {
            JsonElement attached = await api.RequestAsync(handle, new JsonObject
            {
                ["request"] = "join",
                ["room"] = room,
                ["ptype"] = "subscriber",
                ["streams"] = new JsonArray(new JsonObject { ["feed"] = feed }),
            }, e => e.TryGetProperty("jsep", out _));
            string offer = attached.GetProperty("jsep").GetProperty("sdp").GetString()!;
            string answer = player.CreateAnswer(offer, out RemotePeer remote);
            Dump("janus subscriber offer", offer);
            Dump("subscriber answer", answer);
            await api.RequestAsync(handle, new JsonObject { ["request"] = "start" },
                e => e.TryGetProperty("plugindata", out JsonElement pd) && pd.GetProperty("data").TryGetProperty("started", out _),
                "answer", answer);
            await api.TrickleAsync(handle, null);
            await player.ConnectAsync(remote);
            return player;
        }
        catch
        {
            await player.DisposeAsync();
            throw;
        }
    }
}
