using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>
/// A UDP relay on 127.0.0.1 that sits between browsers and the SFU and drops a fraction of the
/// datagrams in each direction (seeded, so a run is repeatable). The SFU announces the relay's port
/// as its candidate, so every browser↔SFU datagram crosses the lossy path.
/// </summary>
public sealed class LossyUdpRelay : IDisposable
{
    private readonly Socket _front;
    private readonly IPEndPoint _sfu;
    private readonly double _loss;
    private readonly Random _random;
    private readonly ConcurrentDictionary<IPEndPoint, Socket> _upstreams = new();
    private readonly CancellationTokenSource _stop = new();
    private long _forwarded, _dropped;

    public LossyUdpRelay(IPEndPoint sfu, double lossFraction, int seed = 42)
    {
        _sfu = sfu;
        _loss = lossFraction;
        _random = new Random(seed);
        _front = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_front.LocalEndPoint!).Port;
        _ = Task.Run(FrontLoop);
    }

    public int Port { get; }
    public long Forwarded => Interlocked.Read(ref _forwarded);
    public long Dropped => Interlocked.Read(ref _dropped);

    private bool Drop()
    {
        lock (_random)
        {
            if (_random.NextDouble() >= _loss) return false;
        }
        Interlocked.Increment(ref _dropped);
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
            if (Drop()) continue;
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
            if (Drop()) continue;
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
