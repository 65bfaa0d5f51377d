using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;
using CoStream.Mixer.Flv;

namespace CoStream.Mixer.Rtmp;

/// <summary>
/// One RTMP client connection over TCP: the plain handshake, chunked sends under one write lock, a read
/// loop that answers the protocol itself (Acknowledgement every window, Window Acknowledgement Size after
/// Set Peer Bandwidth, ping responses), matches _result/_error to calls, and hands every other message
/// (onStatus, media, data) to <see cref="Incoming"/>. Sending honours the peer's bandwidth window: when
/// more than that many bytes are unacknowledged, sends wait for an Acknowledgement (bounded by
/// <see cref="AckTimeout"/>, then the connection is declared dead). Used by <see cref="RtmpPublisher"/>
/// and by play clients in tests.
/// </summary>
public sealed class RtmpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _out = new(64 * 1024);
    private readonly RtmpChunkReader _reader;
    private readonly Dictionary<double, TaskCompletionSource<RtmpCommand>> _calls = [];
    private readonly Channel<RtmpMessage> _incoming = Channel.CreateUnbounded<RtmpMessage>(new() { SingleReader = true });
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private readonly SemaphoreSlim _ackArrived = new(0);
    private double _nextTransaction = 1;
    private long _bytesReceived, _lastAckSent;
    private long _bytesSent;
    private long _peerAcked;
    private uint _receiveWindow;        // peer's Window Acknowledgement Size: we acknowledge every this many bytes
    private uint _peerBandwidth;        // Set Peer Bandwidth: at most this many of our bytes unacknowledged
    private uint _announcedWindow;

    private RtmpConnection(TcpClient tcp, int maxMessageSize)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new RtmpChunkReader(maxMessageSize);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Our outgoing chunk size (after <see cref="SetChunkSizeAsync"/>).</summary>
    public int ChunkSize { get; private set; } = RtmpChunkWriter.DefaultChunkSize;
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);
    public long AcknowledgementsSent { get; private set; }
    public long AcknowledgementsReceived { get; private set; }
    public RtmpChunkReader Reader => _reader;
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Messages other than protocol control and call results.</summary>
    public ChannelReader<RtmpMessage> Incoming => _incoming.Reader;
    /// <summary>Completes when the connection is gone (read error, peer close, refused chunk).</summary>
    public Task Completion => _readLoop;
    public string? CloseReason { get; private set; }

    /// <summary>TCP connect and the plain handshake.</summary>
    public static async Task<RtmpConnection> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken ct, int maxMessageSize = 1 << 20)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(host, port, cts.Token);
            var s = tcp.GetStream();
            await s.WriteAsync(RtmpHandshake.CreateC0C1((uint)Environment.TickCount), cts.Token);
            var s0s1 = new byte[1 + RtmpHandshake.PacketSize];
            await s.ReadExactlyAsync(s0s1, cts.Token);
            var c2 = RtmpHandshake.CreateC2(s0s1, (uint)Environment.TickCount, out var reason) ?? throw new IOException(reason);
            await s.WriteAsync(c2, cts.Token);
            var s2 = new byte[RtmpHandshake.PacketSize];
            await s.ReadExactlyAsync(s2, cts.Token);
            return new RtmpConnection(tcp, maxMessageSize);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends Set Chunk Size and uses it for everything after.</summary>
    public async Task SetChunkSizeAsync(int size, CancellationToken ct)
    {
        await SendAsync(w => RtmpChunkWriter.WriteControl(w, RtmpMessageType.SetChunkSize, (uint)size), ct);
        ChunkSize = size;
    }

    /// <summary>Sends a command and waits for its _result (or _error, returned too).</summary>
    public async Task<RtmpCommand> CallAsync(string name, uint streamId, TimeSpan timeout, CancellationToken ct, params object?[] args)
    {
        var tcs = new TaskCompletionSource<RtmpCommand>(TaskCreationOptions.RunContinuationsAsynchronously);
        double txn;
        lock (_calls) { txn = _nextTransaction++; _calls[txn] = tcs; }
        await SendCommandAsync(name, txn, streamId, ct, args);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        cts.CancelAfter(timeout);
        await using (cts.Token.Register(() => tcs.TrySetException(new TimeoutException($"no answer to {name} ({CloseReason ?? "timeout"})"))))
            return await tcs.Task;
    }

    /// <summary>Sends a command that expects no _result (transaction id 0 or given).</summary>
    public Task SendCommandAsync(string name, double transactionId, uint streamId, CancellationToken ct, params object?[] args)
    {
        var payload = RtmpCommand.Encode(name, transactionId, args);
        return SendAsync(w => RtmpChunkWriter.WriteMessage(w, RtmpChunkWriter.CommandChunkStream, RtmpMessageType.CommandAmf0, 0, streamId, payload, ChunkSize), ct);
    }

    /// <summary>Sends one message (media, data) in chunks, waiting first if the peer's bandwidth window is full.</summary>
    public async Task SendMessageAsync(int chunkStreamId, RtmpMessageType type, uint timestamp, uint streamId, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        await WaitForWindowAsync(ct);
        // The media path: no closure, the chunks go into the connection's reused buffer.
        await _writeLock.WaitAsync(ct);
        try
        {
            _out.ResetWrittenCount();
            RtmpChunkWriter.WriteMessage(_out, chunkStreamId, type, timestamp, streamId, payload.Span, ChunkSize);
            await _stream.WriteAsync(_out.WrittenMemory, ct);
            Interlocked.Add(ref _bytesSent, _out.WrittenCount);
        }
        finally { _writeLock.Release(); }
    }

    private async Task WaitForWindowAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + AckTimeout;
        while (_peerBandwidth != 0 && BytesSent - Interlocked.Read(ref _peerAcked) > _peerBandwidth)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new IOException($"peer acknowledged nothing for {AckTimeout.TotalSeconds:0} s with its window full");
            await _ackArrived.WaitAsync(left, ct);
        }
    }

    private async Task SendAsync(Action<ArrayBufferWriter<byte>> write, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            _out.ResetWrittenCount();
            write(_out);
            await _stream.WriteAsync(_out.WrittenMemory, ct);
            Interlocked.Add(ref _bytesSent, _out.WrittenCount);
        }
        finally { _writeLock.Release(); }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        int filled = 0;
        try
        {
            while (!_closing.IsCancellationRequested)
            {
                if (filled == buffer.Length)
                {
                    // One chunk larger than the buffer (the peer set a big chunk size): grow, within the message bound.
                    if (buffer.Length >= _reader.MaxMessageSize + 64) throw new InvalidDataException("chunk larger than the largest message accepted");
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, _reader.MaxMessageSize + 64));
                }
                var n = await _stream.ReadAsync(buffer.AsMemory(filled), _closing.Token);
                if (n == 0) { CloseReason = "peer closed the connection"; break; }
                filled += n;
                Interlocked.Add(ref _bytesReceived, n);
                int at = 0;
                while (true)
                {
                    var e = _reader.TryRead(buffer.AsSpan(at, filled - at), out var message, out var consumed);
                    if (e == RtmpChunkError.NeedMoreData) break;
                    if (e != RtmpChunkError.None) throw new InvalidDataException($"refused chunk: {e}");
                    at += consumed;
                    if (message != null) await HandleAsync(message);
                }
                Array.Copy(buffer, at, buffer, 0, filled - at);
                filled -= at;
                await AcknowledgeAsync();
            }
        }
        catch (OperationCanceledException) { CloseReason ??= "closed"; }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or ObjectDisposedException)
        {
            CloseReason ??= e.Message;
        }
        finally
        {
            _incoming.Writer.TryComplete();
            lock (_calls)
            {
                foreach (var tcs in _calls.Values) tcs.TrySetException(new IOException(CloseReason ?? "connection closed"));
                _calls.Clear();
            }
            _closing.Cancel();
        }
    }

    private async Task AcknowledgeAsync()
    {
        if (_receiveWindow == 0 || BytesReceived - _lastAckSent < _receiveWindow) return;
        _lastAckSent = BytesReceived;
        AcknowledgementsSent++;
        await SendAsync(w => RtmpChunkWriter.WriteControl(w, RtmpMessageType.Acknowledgement, unchecked((uint)_lastAckSent)), _closing.Token);
    }

    private async Task HandleAsync(RtmpMessage m)
    {
        switch (m.Type)
        {
            case RtmpMessageType.WindowAcknowledgementSize when m.Payload.Length >= 4:
                _receiveWindow = BinaryPrimitives.ReadUInt32BigEndian(m.Payload);
                return;
            case RtmpMessageType.SetPeerBandwidth when m.Payload.Length >= 5:
            {
                var window = BinaryPrimitives.ReadUInt32BigEndian(m.Payload);
                var limitType = m.Payload[4]; // 0 hard, 1 soft (take the smaller), 2 dynamic
                _peerBandwidth = limitType == 1 && _peerBandwidth != 0 ? Math.Min(_peerBandwidth, window) : window;
                // §5.4.5: answer with a Window Acknowledgement Size when it differs from the last one sent; half the
                // window, so acknowledgements arrive before the window fills.
                var announce = Math.Max(1u, _peerBandwidth / 2);
                if (announce != _announcedWindow)
                {
                    _announcedWindow = announce;
                    await SendAsync(w => RtmpChunkWriter.WriteControl(w, RtmpMessageType.WindowAcknowledgementSize, announce), _closing.Token);
                }
                return;
            }
            case RtmpMessageType.Acknowledgement when m.Payload.Length >= 4:
                // The sequence number is the peer's 32-bit byte count; unwrap against what we sent.
                var seq = BinaryPrimitives.ReadUInt32BigEndian(m.Payload);
                var sent = BytesSent;
                var acked = (sent & ~0xFFFFFFFFL) | seq;
                if (acked > sent) acked -= 1L << 32;
                Interlocked.Exchange(ref _peerAcked, Math.Max(acked, 0));
                AcknowledgementsReceived++;
                _ackArrived.Release();
                return;
            case RtmpMessageType.UserControl when m.Payload.Length >= 6
                && (RtmpUserControlEvent)BinaryPrimitives.ReadUInt16BigEndian(m.Payload) == RtmpUserControlEvent.PingRequest:
                var stamp = BinaryPrimitives.ReadUInt32BigEndian(m.Payload.AsSpan(2));
                await SendAsync(w => RtmpChunkWriter.WriteUserControl(w, RtmpUserControlEvent.PingResponse, stamp), _closing.Token);
                return;
            case RtmpMessageType.CommandAmf0:
                if (RtmpCommand.TryRead(m.Payload, out var command) == Amf0Error.None && command!.Name is "_result" or "_error")
                {
                    TaskCompletionSource<RtmpCommand>? tcs;
                    lock (_calls) { if (_calls.Remove(command.TransactionId, out tcs)) { } }
                    tcs?.TrySetResult(command);
                    return;
                }
                break;
            case RtmpMessageType.SetChunkSize or RtmpMessageType.Abort:
                return; // applied by the chunk reader
        }
        _incoming.Writer.TryWrite(m);
    }

    public async ValueTask DisposeAsync()
    {
        _closing.Cancel();
        _tcp.Dispose();
        try { await _readLoop; } catch { /* already recorded in CloseReason */ }
        _closing.Dispose();
    }
}
