using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>
/// Real SignalR clients for the tests: the official JavaScript client (@microsoft/signalr, from web-client's
/// node_modules) in one Node process per driver (signalr-driver.mjs), spoken to over stdin/stdout JSON lines.
/// The .NET SignalR client is not served here (see docs/decisions.md).
/// </summary>
public sealed class SignalRDriver : IAsyncDisposable
{
    private readonly Process _node;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _calls = new();
    private readonly ConcurrentDictionary<string, HubClient> _clients = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _reader;
    private long _nextCall;

    private SignalRDriver(Process node)
    {
        _node = node;
        _reader = Task.Run(ReadLoopAsync);
    }

    public static SignalRDriver Start()
    {
        var root = RepoRoot();
        var script = Path.Combine(AppContext.BaseDirectory, "Rooms", "signalr-driver.mjs");
        var psi = new ProcessStartInfo("node", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["COSTREAM_WEB_CLIENT"] = Path.Combine(root, "web-client");
        var node = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        node.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("signalr-driver: " + e.Data); };
        node.BeginErrorReadLine();
        return new SignalRDriver(node);
    }

    /// <summary>The Node process's resident memory in bytes (from /proc), to report what many connections cost.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_node.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CoStream.sln"))) return dir.FullName;
        throw new InvalidOperationException("CoStream.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Connects one client; throws <see cref="HubConnectFailedException"/> if the server refuses it.</summary>
    public async Task<HubClient> ConnectAsync(string baseUrl, string token, string? id = null, string hubPath = "/hubs/room",
        string[]? events = null, TimeSpan? timeout = null)
    {
        id ??= "c" + Interlocked.Increment(ref _nextCall);
        var client = new HubClient(this, id);
        _clients[id] = client;
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await SendAsync(new JsonObject
        {
            ["op"] = "connect", ["id"] = id, ["url"] = baseUrl.TrimEnd('/') + hubPath, ["token"] = token,
            ["events"] = new JsonArray((events ?? ["event"]).Select(e => (JsonNode)e!).ToArray()),
        });
        var reply = await tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(20));
        if ((string?)reply["type"] != "connected")
        {
            _clients.TryRemove(id, out _);
            throw new HubConnectFailedException((string?)reply["error"] ?? "refused");
        }
        return client;
    }

    /// <summary>Opens a raw WebSocket to <paramref name="url"/>, sends <paramref name="frames"/>, returns what came back.</summary>
    public async Task<(string[] Received, bool Closed)> RawAsync(string url, string[] frames, int waitMs = 2000)
    {
        var id = "raw" + Interlocked.Increment(ref _nextCall);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await SendAsync(new JsonObject
        {
            ["op"] = "raw", ["id"] = id, ["url"] = url, ["waitMs"] = waitMs,
            ["frames"] = new JsonArray(frames.Select(f => (JsonNode)f!).ToArray()),
        });
        var reply = await tcs.Task.WaitAsync(TimeSpan.FromMilliseconds(waitMs + 20_000));
        return (reply["received"]!.AsArray().Select(n => (string)n!).ToArray(), (bool)reply["closed"]!);
    }

    internal async Task<JsonObject> InvokeAsync(string id, string method, object?[] args, TimeSpan timeout)
    {
        var call = Interlocked.Increment(ref _nextCall);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[call] = tcs;
        await SendAsync(new JsonObject
        {
            ["op"] = "invoke", ["id"] = id, ["call"] = call, ["method"] = method,
            ["args"] = JsonSerializer.SerializeToNode(args),
        });
        try { return await tcs.Task.WaitAsync(timeout); }
        finally { _calls.TryRemove(call, out _); }
    }

    internal Task SendOpAsync(JsonObject op) => SendAsync(op);

    private async Task SendAsync(JsonObject command)
    {
        var line = command.ToJsonString();
        await _writeLock.WaitAsync();
        try
        {
            await _node.StandardInput.WriteLineAsync(line);
            await _node.StandardInput.FlushAsync();
        }
        finally { _writeLock.Release(); }
    }

    private async Task ReadLoopAsync()
    {
        while (await _node.StandardOutput.ReadLineAsync() is { } line)
        {
            JsonObject message;
            try { message = JsonNode.Parse(line)!.AsObject(); }
            catch (JsonException) { continue; }
            var id = (string?)message["id"];
            switch ((string?)message["type"])
            {
                case "result":
                    if (_calls.TryGetValue((long)message["call"]!, out var call)) call.TrySetResult(message);
                    break;
                case "connected" or "connectFailed" or "raw":
                    if (id is not null && _pending.TryRemove(id, out var pending)) pending.TrySetResult(message);
                    break;
                case "event":
                    if (id is not null && _clients.TryGetValue(id, out var client)) client.OnEvent(message);
                    break;
                case "closed":
                    if (id is not null && _clients.TryGetValue(id, out var closed)) closed.OnClosed((string?)message["error"]);
                    break;
            }
        }
        foreach (var c in _calls.Values) c.TrySetException(new IOException("signalr-driver exited"));
        foreach (var p in _pending.Values) p.TrySetException(new IOException("signalr-driver exited"));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync(new JsonObject { ["op"] = "exit" });
            _node.StandardInput.Close();
            await _node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception) { }
        if (!_node.HasExited) _node.Kill(entireProcessTree: true);
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _node.Dispose();
    }
}

public sealed class HubConnectFailedException(string message) : Exception(message);

/// <summary>A failed hub invocation: the server's error message (a HubException's text) as the client saw it.</summary>
public sealed class HubCallFailedException(string method, string error) : Exception($"{method}: {error}")
{
    public string Error { get; } = error;
}

/// <summary>One SignalR connection held by a <see cref="SignalRDriver"/>.</summary>
public sealed class HubClient
{
    private readonly SignalRDriver _driver;
    private readonly List<(string Name, JsonArray Args, double ReceivedAtMs)> _events = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private readonly TaskCompletionSource<string?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal HubClient(SignalRDriver driver, string id)
    {
        _driver = driver;
        Id = id;
    }

    public string Id { get; }

    /// <summary>Completes with the close error (null for a clean close) when the connection ends.</summary>
    public Task<string?> Closed => _closed.Task;

    /// <summary>Invokes a hub method and returns its JSON result; throws <see cref="HubCallFailedException"/> on a server error.</summary>
    public async Task<JsonNode?> InvokeAsync(string method, params object?[] args)
    {
        var reply = await _driver.InvokeAsync(Id, method, args, TimeSpan.FromSeconds(30));
        if (!(bool)reply["ok"]!) throw new HubCallFailedException(method, (string?)reply["error"] ?? "");
        return reply["value"]?.DeepClone();
    }

    /// <summary>Invokes and returns the server's error text, or null if the call succeeded.</summary>
    public async Task<string?> InvokeExpectingErrorAsync(string method, params object?[] args)
    {
        var reply = await _driver.InvokeAsync(Id, method, args, TimeSpan.FromSeconds(30));
        return (bool)reply["ok"]! ? null : (string?)reply["error"] ?? "";
    }

    /// <summary>Sends without waiting for a result (SignalR "send").</summary>
    public Task SendAsync(string method, params object?[] args) =>
        _driver.SendOpAsync(new JsonObject { ["op"] = "send", ["id"] = Id, ["method"] = method, ["args"] = JsonSerializer.SerializeToNode(args) });

    public Task StopAsync() => _driver.SendOpAsync(new JsonObject { ["op"] = "stop", ["id"] = Id });

    /// <summary>The room events received so far (the first argument of each <c>event</c> message), in arrival order.</summary>
    public IReadOnlyList<JsonObject> RoomEvents
    {
        get { lock (_events) return _events.Where(e => e.Name == "event").Select(e => e.Args[0]!.AsObject()).ToList(); }
    }

    /// <summary>All messages named <paramref name="name"/> received so far, with their arrival time (Unix ms, Node's clock).</summary>
    public IReadOnlyList<(JsonArray Args, double ReceivedAtMs)> Messages(string name)
    {
        lock (_events) return _events.Where(e => e.Name == name).Select(e => (e.Args, e.ReceivedAtMs)).ToList();
    }

    /// <summary>Waits until a room event satisfying <paramref name="match"/> has arrived, and returns it.</summary>
    public async Task<JsonObject> WaitForEventAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            TaskCompletionSource signal;
            lock (_events)
            {
                foreach (var e in _events)
                    if (e.Name == "event" && match(e.Args[0]!.AsObject())) return e.Args[0]!.AsObject();
                signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add(signal);
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"{Id}: no matching event; got {string.Join(", ", RoomEvents.Select(e => (string?)e["kind"]))}");
            await Task.WhenAny(signal.Task, Task.Delay(left));
        }
    }

    /// <summary>Waits for a room event of the given kind.</summary>
    public Task<JsonObject> WaitForEventAsync(string kind, TimeSpan? timeout = null) =>
        WaitForEventAsync(e => (string?)e["kind"] == kind, timeout);

    internal void OnEvent(JsonObject message)
    {
        List<TaskCompletionSource> waiters;
        lock (_events)
        {
            _events.Add(((string)message["name"]!, message["args"]!.AsArray(), (double)message["t"]!));
            waiters = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var w in waiters) w.TrySetResult();
    }

    internal void OnClosed(string? error) => _closed.TrySetResult(error);
}
