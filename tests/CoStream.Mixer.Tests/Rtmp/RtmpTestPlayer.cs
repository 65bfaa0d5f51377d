using CoStream.Mixer.Flv;
using CoStream.Mixer.Rtmp;

namespace CoStream.Mixer.Tests.Rtmp;

/// <summary>
/// A minimal RTMP play client for tests, built on <see cref="RtmpConnection"/>: connect, createStream, play,
/// and keep every audio/video/data message with nginx's timestamps. It reconnects (every 100 ms) when the
/// server goes away, so one instance spans a server restart.
/// </summary>
internal sealed class RtmpTestPlayer : IAsyncDisposable
{
    public sealed record Received(int Session, RtmpMessageType Type, uint Timestamp, byte[] Payload);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Received> _messages = [];
    private int _session;

    public RtmpTestPlayer(int port, string app, string stream) => _loop = Task.Run(() => RunAsync(port, app, stream));

    public int Sessions => Volatile.Read(ref _session);
    public volatile bool Playing;
    public List<Received> Messages { get { lock (_messages) return [.. _messages]; } }

    private async Task RunAsync(int port, string app, string stream)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var c = await RtmpConnection.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(2), _stop.Token, maxMessageSize: 16 << 20);
                var session = Interlocked.Increment(ref _session);
                await c.SetChunkSizeAsync(4096, _stop.Token);
                var connect = new Amf0Object { { "app", app }, { "tcUrl", $"rtmp://127.0.0.1:{port}/{app}" }, { "fpad", false }, { "capabilities", 15.0 } };
                await c.CallAsync("connect", 0, TimeSpan.FromSeconds(5), _stop.Token, connect);
                var created = await c.CallAsync("createStream", 0, TimeSpan.FromSeconds(5), _stop.Token, (object?)null);
                var id = (uint)(double)created.Arguments[1]!;
                await c.SendCommandAsync("play", 0, id, _stop.Token, null, stream, -2000.0);
                Playing = true;
                await foreach (var m in c.Incoming.ReadAllAsync(_stop.Token))
                    if (m.Type is RtmpMessageType.Video or RtmpMessageType.Audio or RtmpMessageType.DataAmf0)
                        lock (_messages) _messages.Add(new Received(session, m.Type, m.Timestamp, m.Payload));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { break; }
            catch (Exception) { /* server gone or not up yet */ }
            Playing = false;
            try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { break; }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
