using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CoStream.Tests.Shared;

/// <summary>
/// A UDP relay on 127.0.0.1 that sits between peers and the SFU and drops a fraction of the datagrams
/// in each direction (seeded, one generator per direction, so a run is repeatable). Point peers at
/// <see cref="Port"/> (the SFU announces it as its candidate, or a test rewrites one peer's answer) and
/// every datagram of theirs crosses the lossy path. Shared by the engine and browser tests (linked source).
/// </summary>
public sealed class LossyUdpRelay : IDisposable
{
    private readonly Socket _front;
    private readonly IPEndPoint _sfu;
    private readonly double _lossToSfu;
    private readonly double _lossFromSfu;
    private readonly Random _toSfuRandom;
    private readonly Random _fromSfuRandom;
    private readonly ConcurrentDictionary<IPEndPoint, Socket> _upstreams = new();
    private readonly CancellationTokenSource _stop = new();
    private long _forwarded, _dropped, _droppedToSfu, _droppedFromSfu;

    /// <summary>The same loss both ways.</summary>
    public LossyUdpRelay(IPEndPoint sfu, double lossFraction, int seed = 42)
        : this(sfu, lossFraction, lossFraction, seed)
    {
    }

    /// <summary>Loss fractions per direction: peer → SFU and SFU → peer.</summary>
    public LossyUdpRelay(IPEndPoint sfu, double lossToSfu, double lossFromSfu, int seed)
    {
        _sfu = sfu;
        _lossToSfu = lossToSfu;
        _lossFromSfu = lossFromSfu;
        _toSfuRandom = new Random(seed);
        _fromSfuRandom = new Random(seed + 1);
        _front = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_front.LocalEndPoint!).Port;
        _ = Task.Run(FrontLoop);
    }

    public int Port { get; }
    public long Forwarded => Interlocked.Read(ref _forwarded);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long DroppedToSfu => Interlocked.Read(ref _droppedToSfu);
    public long DroppedFromSfu => Interlocked.Read(ref _droppedFromSfu);

    private bool Drop(Random random, double loss, ref long directionCounter)
    {
        if (loss <= 0) return false;
        lock (random)
        {
            if (random.NextDouble() >= loss) return false;
        }
        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref directionCounter);
        return true;
    }

    private async Task FrontLoop()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try { r = await _front.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token); }
            catch (Exception) { if (_stop.IsCancellationRequested) return; continue; }
            var client = (IPEndPoint)r.RemoteEndPoint;
            var upstream = _upstreams.GetOrAdd(client, c =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                _ = Task.Run(() => BackLoop(s, c));
                return s;
            });
            if (Drop(_toSfuRandom, _lossToSfu, ref _droppedToSfu)) continue;
            try { await upstream.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), SocketFlags.None, _sfu); Interlocked.Increment(ref _forwarded); }
            catch (SocketException) { }
        }
    }

    private async Task BackLoop(Socket upstream, IPEndPoint client)
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try { r = await upstream.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token); }
            catch (Exception) { if (_stop.IsCancellationRequested) return; continue; }
            if (Drop(_fromSfuRandom, _lossFromSfu, ref _droppedFromSfu)) continue;
            try { await _front.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), SocketFlags.None, client); Interlocked.Increment(ref _forwarded); }
            catch (SocketException) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _front.Dispose();
        foreach (var s in _upstreams.Values) s.Dispose();
    }
}
