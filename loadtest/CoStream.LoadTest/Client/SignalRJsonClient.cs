using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CoStream.LoadTest.Client;

/// <summary>
/// A lean SignalR client speaking the JSON hub protocol over <see cref="ClientWebSocket"/> (the official .NET client is
/// not served here): handshake <c>{"protocol":"json","version":1}</c>, then records terminated by 0x1E — invocations
/// (type 1) both ways, completions (3), pings (6) and close (7). Server invocations are handed to
/// <see cref="OnInvocation"/> as the record's UTF-8 bytes (valid only during the call), on the receive loop.
/// </summary>
internal sealed class SignalRJsonClient : IAsyncDisposable
{
    public const byte RecordSeparator = 0x1E;
    private static readonly byte[] HandshakeRequest = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] PingRecord = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
    private static readonly byte[] CloseRecord = Encoding.UTF8.GetBytes("{\"type\":7}\u001e");

    private readonly ClientWebSocket _ws;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _calls = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile TaskCompletionSource? _paused;
    private readonly TaskCompletionSource<string?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receive = Task.CompletedTask;
    private Task _ping = Task.CompletedTask;
    private long _nextId;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _filled;

    private SignalRJsonClient(ClientWebSocket ws) => _ws = ws;

    /// <summary>Called on the receive loop for each server → client invocation: (target, the whole record).</summary>
    public Action<string, ReadOnlySpan<byte>>? OnInvocation { get; set; }

    /// <summary>Completes when the connection ends: the server's close error, or null.</summary>
    public Task<string?> Closed => _closed.Task;

    /// <summary>Completions whose invocation ids were not ours or came after a call was given up.</summary>
    public long StrayCompletions;

    /// <summary>Connects to <paramref name="hubUrl"/> (http or ws scheme) with a room token and completes the handshake.</summary>
    public static async Task<SignalRJsonClient> ConnectAsync(string hubUrl, string token, Action<string, ReadOnlySpan<byte>>? onInvocation = null,
        CancellationToken cancel = default)
    {
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;   // SignalR pings instead
        var url = hubUrl.Replace("http://", "ws://").Replace("https://", "wss://");
        url += (url.Contains('?') ? "&" : "?") + "access_token=" + Uri.EscapeDataString(token);
        await ws.ConnectAsync(new Uri(url), cancel);
        var client = new SignalRJsonClient(ws) { OnInvocation = onInvocation };
        await ws.SendAsync(HandshakeRequest, WebSocketMessageType.Text, true, cancel);
        var response = await client.ReadHandshakeAsync(cancel);
        using (var doc = JsonDocument.Parse(response))
            if (doc.RootElement.TryGetProperty("error", out var error))
                throw new InvalidOperationException("handshake refused: " + error.GetString());
        client._receive = Task.Run(client.ReceiveLoopAsync);
        client._ping = Task.Run(client.PingLoopAsync);
        return client;
    }

    /// <summary>Invokes <paramref name="target"/> and waits for its completion; throws on a completion error.</summary>
    public async Task<JsonElement> InvokeAsync(string target, params object?[] args)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _calls[id] = tcs;
        await SendRecordAsync(Invocation(id, target, args));
        return await tcs.Task;
    }

    /// <summary>Invokes without waiting: the completion, when it comes, goes to <paramref name="completed"/> (on the receive loop).</summary>
    public ValueTask InvokePipelinedAsync(string target, object?[] args, TaskCompletionSource<JsonElement> completed)
    {
        var id = Interlocked.Increment(ref _nextId);
        _calls[id] = completed;
        return SendRecordAsync(Invocation(id, target, args));
    }

    /// <summary>
    /// Stops reading from the socket after the current read (to play a stalled client that still pings): the server's
    /// sends back up. (Not by cancelling the read: that would abort the WebSocket.)
    /// </summary>
    public void StopReading() => _paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Reads again after <see cref="StopReading"/>.</summary>
    public void ResumeReading() => _paused?.TrySetResult();

    private static byte[] Invocation(long id, string target, object?[] args)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("type", 1);
            w.WriteString("invocationId", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("target", target);
            w.WritePropertyName("arguments");
            JsonSerializer.Serialize(w, args);
            w.WriteEndObject();
        }
        buffer.Write([RecordSeparator]);
        return buffer.WrittenSpan.ToArray();
    }

    private async ValueTask SendRecordAsync(byte[] record)
    {
        await _sendLock.WaitAsync();
        try { await _ws.SendAsync(record, WebSocketMessageType.Text, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    private async Task<byte[]> ReadHandshakeAsync(CancellationToken cancel)
    {
        while (true)
        {
            var result = await _ws.ReceiveAsync(_buffer.AsMemory(_filled), cancel);
            if (result.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("closed during the handshake");
            _filled += result.Count;
            var end = Array.IndexOf(_buffer, RecordSeparator, 0, _filled);
            if (end >= 0)
            {
                var response = _buffer.AsSpan(0, end).ToArray();
                _buffer.AsSpan(end + 1, _filled - end - 1).CopyTo(_buffer);
                _filled -= end + 1;
                return response;
            }
            if (_filled == _buffer.Length) Grow();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        string? closeError = null;
        try
        {
            // Records already buffered behind the handshake response.
            Drain();
            while (!_stop.IsCancellationRequested)
            {
                if (_paused is { } paused)
                {
                    await paused.Task.WaitAsync(_stop.Token);
                    _paused = null;
                }
                if (_filled == _buffer.Length) Grow();
                var result = await _ws.ReceiveAsync(_buffer.AsMemory(_filled), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                _filled += result.Count;
                closeError = Drain();
                if (closeError is not null) break;
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException e) { closeError ??= "websocket: " + e.Message; }
        foreach (var call in _calls.Values) call.TrySetException(new IOException("connection closed"));
        _closed.TrySetResult(closeError);
    }

    /// <summary>Handles every complete record in the buffer; returns the close error if a close message came.</summary>
    private string? Drain()
    {
        var start = 0;
        string? close = null;
        while (true)
        {
            var end = Array.IndexOf(_buffer, RecordSeparator, start, _filled - start);
            if (end < 0) break;
            close = Handle(_buffer.AsSpan(start, end - start)) ?? close;
            start = end + 1;
        }
        if (start > 0)
        {
            _buffer.AsSpan(start, _filled - start).CopyTo(_buffer);
            _filled -= start;
        }
        return close;
    }

    private string? Handle(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        int type = 0;
        string? target = null, invocationId = null, error = null;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            if (reader.ValueTextEquals("type")) { reader.Read(); type = reader.GetInt32(); }
            else if (reader.ValueTextEquals("target")) { reader.Read(); target = reader.GetString(); }
            else if (reader.ValueTextEquals("invocationId")) { reader.Read(); invocationId = reader.GetString(); }
            else if (reader.ValueTextEquals("error")) { reader.Read(); error = reader.GetString(); }
            else { reader.Read(); reader.Skip(); }
        }
        switch (type)
        {
            case 1 when target is not null:
                OnInvocation?.Invoke(target, record);
                break;
            case 3 when invocationId is not null:
                if (long.TryParse(invocationId, out var id) && _calls.TryRemove(id, out var call))
                {
                    if (error is not null) call.TrySetException(new InvalidOperationException(error));
                    else
                    {
                        using var doc = JsonDocument.Parse(record.ToArray());
                        call.TrySetResult(doc.RootElement.TryGetProperty("result", out var r) ? r.Clone() : default);
                    }
                }
                else Interlocked.Increment(ref StrayCompletions);
                break;
            case 7:
                return error ?? "closed by the server";
        }
        return null;
    }

    private async Task PingLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested && _ws.State == WebSocketState.Open)
            {
                await Task.Delay(TimeSpan.FromSeconds(15), _stop.Token);
                await SendRecordAsync(PingRecord);
            }
        }
        catch (Exception) { }
    }

    private void Grow()
    {
        var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _filled).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await SendRecordAsync(CloseRecord);
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception) { }
        _stop.Cancel();
        await _receive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _ping.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _ws.Dispose();
    }
}
