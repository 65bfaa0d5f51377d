using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoStream.Sfu.Transport;

/// <summary>Receives every datagram of the endpoint's one UDP port, on the engine's loop thread.</summary>
internal interface IDatagramHandler
{
    /// <summary>
    /// One datagram, in a buffer the handler may modify in place (it is reused for the next datagram).
    /// <paramref name="capacity"/> bytes are writable from the start of <paramref name="buffer"/>.
    /// </summary>
    void OnDatagram(Span<byte> buffer, int length, SocketAddress from, long nowUs);

    /// <summary>Timer tick on the loop thread (about every millisecond under load, at most every 5 ms idle).</summary>
    void OnTick(long nowUs);

    /// <summary>End of a loop turn: send whatever the turn queued.</summary>
    void Flush();
}

/// <summary>
/// One UDP socket for all peers and the single-threaded event loop of the engine (like a mediasoup
/// worker): a dedicated thread receives with the allocation-free
/// <see cref="Socket.ReceiveFrom(Span{byte}, SocketFlags, SocketAddress)"/> into one reused buffer,
/// hands each datagram to the handler, runs ticks, and drains control-plane work posted from other threads.
/// Sending is thread-safe (<see cref="Send"/>), so DTLS handshakes running on their own threads can send.
/// </summary>
internal sealed class UdpEndpoint : IDisposable
{
    public const int ReceiveBufferSize = 2048;
    private const int IdleWaitMs = 5;
    private const long TickIntervalUs = 1000;

    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly byte[] _buffer = GC.AllocateArray<byte>(ReceiveBufferSize, pinned: true);
    private readonly SocketAddress _from;
    private IDatagramHandler? _handler;
    private volatile bool _running;
    private long _lastTickUs;

    public UdpEndpoint(IPAddress address, int port)
    {
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.SendBufferSize = 4 * 1024 * 1024;
        _socket.Bind(new IPEndPoint(address, port));
        _socket.ReceiveTimeout = IdleWaitMs;
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _from = new SocketAddress(address.AddressFamily);
        _thread = new Thread(Run) { IsBackground = true, Name = "costream-sfu-loop" };
        Batch = new UdpSendBatch(_socket, ReceiveBufferSize);
    }

    /// <summary>Loop-thread send batching (sendmmsg); see <see cref="UdpSendBatch"/>.</summary>
    public UdpSendBatch Batch { get; }

    public IPEndPoint LocalEndPoint { get; }
    public long DatagramsReceived { get; private set; }
    public long DatagramsSent => Interlocked.Read(ref _sent);
    public long SendErrors => Interlocked.Read(ref _sendErrors);
    public int LoopThreadId => _thread.ManagedThreadId;
    /// <summary>Bytes allocated so far by the loop thread (sampled every tick): the hot path's allocation figure.</summary>
    public long LoopAllocatedBytes => Interlocked.Read(ref _loopAllocated);
    private long _loopAllocated;
    private long _sent, _sendErrors;

    public static long NowUs() => Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000);

    public void Start(IDatagramHandler handler)
    {
        _handler = handler;
        _running = true;
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the loop thread.</summary>
    public void Post(Action work) => _posted.Enqueue(work);

    /// <summary>Runs <paramref name="work"/> on the loop thread and completes with its result.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try { tcs.SetResult(work()); }
            catch (Exception e) { tcs.SetException(e); }
        });
        return tcs.Task;
    }

    public bool IsLoopThread => Environment.CurrentManagedThreadId == _thread.ManagedThreadId;

    /// <summary>Sends one datagram; safe from any thread; never throws.</summary>
    public void Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
            Interlocked.Increment(ref _sent);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Run()
    {
        var handler = _handler!;
        while (_running)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(_buffer, SocketFlags.None, _from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                n = -1;
            }
            catch (SocketException)
            {
                n = -1; // e.g. ICMP port unreachable reported on Linux as ECONNREFUSED: not fatal for a server socket.
            }
            catch (ObjectDisposedException)
            {
                break;
            }

            var now = NowUs();
            if (n > 0)
            {
                DatagramsReceived++;
                try { handler.OnDatagram(_buffer, n, _from, now); }
                catch (Exception e) { UnhandledError?.Invoke(e); }
            }
            while (_posted.TryDequeue(out var work))
            {
                try { work(); }
                catch (Exception e) { UnhandledError?.Invoke(e); }
            }
            if (now - _lastTickUs >= TickIntervalUs)
            {
                _lastTickUs = now;
                Interlocked.Exchange(ref _loopAllocated, GC.GetAllocatedBytesForCurrentThread());
                try { handler.OnTick(now); }
                catch (Exception e) { UnhandledError?.Invoke(e); }
            }
            try { handler.Flush(); }
            catch (Exception e) { UnhandledError?.Invoke(e); }
        }
    }

    /// <summary>A bug surfaced on the loop thread (logged by the owner); the loop keeps running.</summary>
    public event Action<Exception>? UnhandledError;

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _running = false;
        _socket.Dispose();
        if (_thread.IsAlive && !IsLoopThread) _thread.Join(1000);
        if (!_thread.IsAlive) Batch.Dispose();
    }
}
