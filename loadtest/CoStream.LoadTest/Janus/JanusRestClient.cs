using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace CoStream.LoadTest.Janus;

/// <summary>
/// Janus's plain REST API from C# (the same flow as web-client/js/janus-rest.js): one session, plugin
/// handles, messages with an optional JSEP, trickle, and one long-poll loop (GET ?maxev=) that routes
/// asynchronous events to a queue per handle.
/// </summary>
internal sealed class JanusRestClient : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(40) };
    private readonly ConcurrentDictionary<long, Channel<JsonElement>> _events = new();
    private readonly ConcurrentDictionary<long, ConcurrentQueue<string>> _trickles = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _poll;

    private JanusRestClient(string apiUrl, long sessionId)
    {
        ApiUrl = apiUrl.TrimEnd('/');
        SessionId = sessionId;
        _poll = Task.Run(PollAsync);
    }

    public string ApiUrl { get; }

    public long SessionId { get; }

    private string SessionUrl => $"{ApiUrl}/{SessionId}";

    public static async Task<JanusRestClient> CreateAsync(string apiUrl, CancellationToken ct = default)
    {
        JsonElement reply = await PostAsync(apiUrl.TrimEnd('/'), new JsonObject { ["janus"] = "create" }, ct);
        return new JanusRestClient(apiUrl, reply.GetProperty("data").GetProperty("id").GetInt64());
    }

    public async Task<long> AttachAsync(string plugin, CancellationToken ct = default)
    {
        JsonElement reply = await PostAsync(SessionUrl, new JsonObject { ["janus"] = "attach", ["plugin"] = plugin }, ct);
        long handle = reply.GetProperty("data").GetProperty("id").GetInt64();
        _events.TryAdd(handle, Channel.CreateUnbounded<JsonElement>());
        _trickles.TryAdd(handle, new ConcurrentQueue<string>());
        return handle;
    }

    /// <summary>Sends a plugin message; returns the synchronous reply (success with plugindata, or ack).</summary>
    public Task<JsonElement> MessageAsync(long handle, JsonObject body, string? jsepType = null, string? sdp = null, CancellationToken ct = default)
    {
        var msg = new JsonObject { ["janus"] = "message", ["body"] = body };
        if (jsepType is not null)
        {
            msg["jsep"] = new JsonObject { ["type"] = jsepType, ["sdp"] = sdp };
        }

        return PostAsync($"{SessionUrl}/{handle}", msg, ct);
    }

    /// <summary>Sends a plugin message whose result is an asynchronous event; returns that event (skipping others that do not match).</summary>
    public async Task<JsonElement> RequestAsync(long handle, JsonObject body, Func<JsonElement, bool> match, string? jsepType = null,
        string? sdp = null, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        JsonElement reply = await MessageAsync(handle, body, jsepType, sdp, ct);
        string? kind = reply.GetProperty("janus").GetString();
        if (kind is not ("ack" or "success"))
        {
            throw new InvalidOperationException("janus: " + reply.GetRawText());
        }

        return await NextEventAsync(handle, match, timeout ?? TimeSpan.FromSeconds(15), ct);
    }

    /// <summary>The next event for <paramref name="handle"/> that matches; a plugin error event throws.</summary>
    public async Task<JsonElement> NextEventAsync(long handle, Func<JsonElement, bool> match, TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        ChannelReader<JsonElement> reader = _events[handle].Reader;
        try
        {
            while (true)
            {
                JsonElement ev = await reader.ReadAsync(cts.Token);
                if (ev.TryGetProperty("plugindata", out JsonElement pd) && pd.TryGetProperty("data", out JsonElement data)
                    && data.TryGetProperty("error", out JsonElement error))
                {
                    throw new InvalidOperationException($"janus plugin error {data.GetProperty("error_code")}: {error.GetString()}");
                }

                if (match(ev))
                {
                    return ev;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"janus: no matching event for handle {handle} within {timeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Trickles one candidate (SDP value, with "candidate:") or, with null, "completed".</summary>
    public Task TrickleAsync(long handle, string? candidate, string sdpMid = "0", int sdpMLineIndex = 0, CancellationToken ct = default)
    {
        JsonObject c = candidate is null
            ? new JsonObject { ["completed"] = true }
            : new JsonObject { ["candidate"] = candidate, ["sdpMid"] = sdpMid, ["sdpMLineIndex"] = sdpMLineIndex };
        return PostAsync($"{SessionUrl}/{handle}", new JsonObject { ["janus"] = "trickle", ["candidate"] = c }, ct);
    }

    /// <summary>Candidates Janus trickled for <paramref name="handle"/> since the last call (kept apart from other events).</summary>
    public List<string> DrainTrickles(long handle)
    {
        var candidates = new List<string>();
        while (_trickles[handle].TryDequeue(out string? value))
        {
            candidates.Add(value);
        }

        return candidates;
    }

    private async Task PollAsync()
    {
        int failures = 0;
        while (!_stop.IsCancellationRequested && failures < 50)
        {
            try
            {
                using var response = await Http.GetAsync($"{SessionUrl}?maxev=10&rid={Environment.TickCount64}", _stop.Token);
                string text = await response.Content.ReadAsStringAsync(_stop.Token);
                using var doc = JsonDocument.Parse(text);
                JsonElement root = doc.RootElement;
                IEnumerable<JsonElement> events = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : [root];
                foreach (JsonElement ev in events)
                {
                    if (!ev.TryGetProperty("sender", out JsonElement sender) || !_events.TryGetValue(sender.GetInt64(), out var queue))
                    {
                        continue;
                    }

                    if (ev.GetProperty("janus").GetString() == "trickle")
                    {
                        if (ev.GetProperty("candidate").TryGetProperty("candidate", out JsonElement value) && value.GetString() is { } c)
                        {
                            _trickles[sender.GetInt64()].Enqueue(c);
                        }

                        continue;
                    }

                    queue.Writer.TryWrite(ev.Clone());
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException)
            {
                failures++;
                await Task.Delay(200);
            }
        }
    }

    private static async Task<JsonElement> PostAsync(string url, JsonObject msg, CancellationToken ct)
    {
        msg["transaction"] = Guid.NewGuid().ToString("N")[..12];
        using var response = await Http.PostAsync(url, JsonContent.Create(msg), ct);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        JsonElement root = doc.RootElement.Clone();
        if (root.GetProperty("janus").GetString() == "error")
        {
            throw new InvalidOperationException("janus error: " + root.GetRawText());
        }

        return root;
    }

    public async ValueTask DisposeAsync()
    {
        // Stop the long poll first, so that it does not ask for the destroyed session.
        _stop.Cancel();
        try
        {
            await _poll.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception)
        {
        }

        try
        {
            using var cts = new CancellationTokenSource(2000);
            await PostAsync(SessionUrl, new JsonObject { ["janus"] = "destroy" }, cts.Token);
        }
        catch (Exception)
        {
            // Already gone.
        }

        _stop.Dispose();
    }
}
