using System.Buffers;
using System.Collections.Concurrent;
using Org.BouncyCastle.Crypto.Tls;

namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// BouncyCastle's <see cref="DatagramTransport"/> over a bounded in-memory queue: the engine's
/// receive loop pushes datagrams in (<see cref="TryEnqueue"/>, never blocks), BouncyCastle pulls them
/// out (<see cref="Receive"/>) on the handshake thread, and sends go straight to the
/// <see cref="IDatagramSender"/>. Queue entries are pooled buffers.
/// </summary>
internal sealed class QueuedDatagramTransport : DatagramTransport
{
    /// <summary>Thrown out of <see cref="Receive"/> to make BouncyCastle stop waiting (deadline, cancel, close, or "queue drained").</summary>
    internal sealed class StopSignal : Exception
    {
        internal StopSignal(string message)
            : base(message)
        {
        }
    }

    private static readonly StopSignal Drained = new("queue drained");

    private readonly BlockingCollection<(byte[] Buffer, int Length)> _queue;
    private readonly IDatagramSender _sender;
    private readonly int _receiveLimit;
    private readonly int _sendLimit;

    private long _deadlineTicks = long.MaxValue;
    private CancellationToken _cancellation;
    private volatile bool _pollOnly;
    private volatile DtlsError _stopReason;
    private long _sendFailures;

    internal QueuedDatagramTransport(IDatagramSender sender, int capacity, int receiveLimit, int sendLimit)
    {
        _sender = sender;
        _queue = new BlockingCollection<(byte[], int)>(new ConcurrentQueue<(byte[], int)>(), capacity);
        _receiveLimit = receiveLimit;
        _sendLimit = sendLimit;
    }

    /// <summary>Set when <see cref="Receive"/> gave up; tells the transport why BouncyCastle failed.</summary>
    internal DtlsError StopReason => _stopReason;

    internal long SendFailures => Interlocked.Read(ref _sendFailures);

    internal bool IsClosedByRecordLayer { get; private set; }

    /// <summary>Datagrams handed to the record layer so far.</summary>
    internal long Dequeued { get; private set; }

    /// <summary>Blocking mode for the handshake: wait up to BouncyCastle's wait time, never past <paramref name="deadlineTicks"/>.</summary>
    internal void StartHandshake(long deadlineTicks, CancellationToken cancellation)
    {
        _deadlineTicks = deadlineTicks;
        _cancellation = cancellation;
    }

    /// <summary>
    /// Polling mode after the handshake: an empty queue ends the record layer's receive loop at once
    /// (with <see cref="StopSignal"/>) instead of waiting, so the caller's thread never blocks.
    /// </summary>
    internal void SwitchToPolling() => _pollOnly = true;

    internal static bool IsDrainedSignal(Exception e) => ReferenceEquals(e, Drained);

    internal void Stop(DtlsError reason)
    {
        if (_stopReason == DtlsError.None)
        {
            _stopReason = reason;
        }
    }

    internal bool TryEnqueue(ReadOnlySpan<byte> datagram)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        bool added;
        try
        {
            added = _queue.TryAdd((buffer, datagram.Length));
        }
        catch (InvalidOperationException)
        {
            added = false; // CompleteAdding was called (disposed).
        }

        if (!added)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return added;
    }

    public int GetReceiveLimit() => _receiveLimit;

    public int GetSendLimit() => _sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis)
    {
        (byte[] Buffer, int Length) item;
        if (_pollOnly)
        {
            if (!_queue.TryTake(out item))
            {
                throw Drained;
            }

            return CopyOut(item, buf, off, len);
        }

        if (_stopReason != DtlsError.None)
        {
            throw new StopSignal(_stopReason.ToString());
        }

        if (_cancellation.IsCancellationRequested)
        {
            Stop(DtlsError.Cancelled);
            throw new StopSignal("cancelled");
        }

        long remainingMs = (_deadlineTicks - Environment.TickCount64);
        if (remainingMs <= 0)
        {
            Stop(DtlsError.Timeout);
            throw new StopSignal("timeout");
        }

        int wait = (int)Math.Min(remainingMs, waitMillis <= 0 ? int.MaxValue : waitMillis);
        bool taken;
        try
        {
            taken = _queue.TryTake(out item, wait, _cancellation);
        }
        catch (OperationCanceledException)
        {
            Stop(DtlsError.Cancelled);
            throw new StopSignal("cancelled");
        }

        return taken ? CopyOut(item, buf, off, len) : -1;
    }

    public void Send(byte[] buf, int off, int len)
    {
        try
        {
            _sender.Send(new ReadOnlySpan<byte>(buf, off, len));
        }
        catch (Exception)
        {
            // UDP semantics: a failed send is a lost datagram; DTLS retransmits during the handshake.
            Interlocked.Increment(ref _sendFailures);
        }
    }

    /// <summary>Called by the record layer when it closes (close_notify sent or received, or a fatal alert).</summary>
    public void Close() => IsClosedByRecordLayer = true;

    /// <summary>Stops accepting datagrams and returns the pooled buffers still queued.</summary>
    internal void Dispose()
    {
        try
        {
            _queue.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        while (_queue.TryTake(out var item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    private int CopyOut((byte[] Buffer, int Length) item, byte[] buf, int off, int len)
    {
        // A datagram longer than the record layer asked for is cut; its last record then fails the
        // record layer's length check and is discarded there, as RFC 6347 §4.1.2.7 wants.
        Dequeued++;
        int n = Math.Min(item.Length, len);
        Buffer.BlockCopy(item.Buffer, 0, buf, off, n);
        ArrayPool<byte>.Shared.Return(item.Buffer);
        return n;
    }
}
