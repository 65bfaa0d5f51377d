using System.Diagnostics;
using CoStream.LoadTest.Client;
using CoStream.Sfu;
using CoStream.Sfu.Protocols.Codecs;

namespace CoStream.LoadTest.Mix;

/// <summary>
/// Publishes a pre-encoded H.264 elementary stream (access units split at AUD NAL units) into an in-process SFU with a
/// <see cref="SimPeer"/>, paced at its frame rate and looped, so the publisher costs almost no CPU beside the mixer
/// under test (it only packetizes). RTP timestamps keep counting across loops.
/// </summary>
public sealed class ReplayPublisher : IAsyncDisposable
{
    private readonly SimPeer _peer;
    private readonly List<byte[]> _units;
    private readonly int _fps;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ReplayPublisher(SimPeer peer, List<byte[]> units, int fps)
    {
        _peer = peer;
        _units = units;
        _fps = fps;
        _loop = Task.Factory.StartNew(Run, TaskCreationOptions.LongRunning);
    }

    public long FramesSent;

    public static async Task<ReplayPublisher> StartAsync(SfuServer sfu, string room, string name, List<byte[]> units, int fps)
    {
        var peer = await SimPeer.PublishAsync(async (offer, ct) =>
        {
            var result = await sfu.PublishAsync(room, name, offer, ct);
            if (!result.Ok) throw new InvalidOperationException(result.Error);
            return result.Sdp!;
        }, new SimPeerOptions { VideoCodec = "H264", StartMediaOnConnect = false, SendAudio = false, ConnectTimeoutMs = 15_000 });
        return new ReplayPublisher(peer, units, fps);
    }

    /// <summary>Splits an Annex-B H.264 stream into access units at its access unit delimiters (NAL type 9), which are dropped.</summary>
    public static List<byte[]> SplitAccessUnits(byte[] stream)
    {
        var starts = new List<int>();
        for (var i = 0; i + 4 < stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 && (stream[i + 3] & 0x1F) == 9)
                starts.Add(i > 0 && stream[i - 1] == 0 ? i - 1 : i);
        }
        var units = new List<byte[]>();
        for (var k = 0; k < starts.Count; k++)
        {
            var unit = stream[starts[k]..(k + 1 < starts.Count ? starts[k + 1] : stream.Length)];
            // Drop the delimiter itself (browsers send none): the unit starts with the next start code.
            var next = 4;
            while (next + 3 < unit.Length && !(unit[next] == 0 && unit[next + 1] == 0 && unit[next + 2] == 1)) next++;
            if (next > 4 && unit[next - 1] == 0) next--;
            units.Add(unit[next..]);
        }
        return units;
    }

    private void Run()
    {
        var payload = new byte[1200];
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; !_stop.IsCancellationRequested; i++)
        {
            var wait = TimeSpan.FromSeconds((double)i / _fps) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            var unit = _units[(int)(i % _units.Count)];
            var timestamp = unchecked((uint)(i * 90000 / _fps));
            var packetizer = new H264Packetizer(unit, payload.Length);
            int n;
            while ((n = packetizer.Next(payload, out var last)) > 0) _peer.SendVideoPayload(payload.AsSpan(0, n), timestamp, last);
            Interlocked.Increment(ref FramesSent);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        await _peer.DisposeAsync();
    }
}
