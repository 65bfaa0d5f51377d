using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>
/// Capture-to-render latency as a person sees it (the sender paints its clock into the video, the
/// receiver reads it back from each rendered frame), and hostile datagrams thrown at the SFU's port
/// while real browsers stream through it.
/// </summary>
[Collection("browser")]
public sealed class LatencyAndHostileInputTests(ITestOutputHelper output) : BrowserTest
{

    [Fact]
    public async Task CaptureToRender_ThroughTheSfu_IsMeasuredFromPaintedClock()
    {
        var anchor = await Chromium.OpenAsync(Server.BaseUrl);
        var viewer = await Chromium.OpenAsync(Server.BaseUrl);
        await anchor.EvaluateAsync("() => window.costream.join({ room: 'clock', participant: 'anchor-1', role: 'anchor', clock: true, audio: false })");
        await viewer.EvaluateAsync("() => window.costream.join({ room: 'clock', participant: 'viewer-1', role: 'audience' })");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await viewer.EvaluateAsync<int>("() => window.costream.latencySamples.length") < 20 && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        await viewer.EvaluateAsync("() => { window.costream.latencySamples.length = 0; }");
        await Task.Delay(TimeSpan.FromSeconds(8));
        var samples = await viewer.EvaluateAsync<double[]>("() => window.costream.latencySamples.slice()");
        Array.Sort(samples);
        Assert.True(samples.Length > 50, $"only {samples.Length} frames with a readable clock were rendered");
        var p50 = samples[samples.Length / 2];
        var p95 = samples[(int)(samples.Length * 0.95)];
        output.WriteLine($"capture-to-render through the SFU: {samples.Length} frames, p50 {p50} ms, p95 {p95} ms, max {samples[^1]} ms");
        // A painted clock read back must be causal and sane: nothing rendered before it was captured, nothing seconds late.
        Assert.True(samples[0] >= 0 && p50 < 1000, $"implausible latency: p50 {p50} ms");
    }

    [Fact]
    public async Task HostileDatagrams_AtTheSfuPort_AreRefusedAndCounted_WhileBrowsersKeepStreaming()
    {
        var anchor = await Chromium.OpenAsync(Server.BaseUrl);
        var guest = await Chromium.OpenAsync(Server.BaseUrl);
        await BrowserMediaTests.Join(anchor, "hostile", "anchor-1", "anchor");
        await BrowserMediaTests.Join(guest, "hostile", "guest-1", "guest");
        var before = await BrowserMediaTests.WaitForMedia(guest, "guest before", output, Server, frames: 20);

        var sfu = new IPEndPoint(IPAddress.Loopback, Server.Sfu.LocalEndPoint.Port);
        var datagramsBefore = Server.Sfu.DatagramsReceived;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(7);
        var buffer = new byte[3000];
        const int count = 100_000;
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(0, 100) switch
            {
                < 5 => 0,
                < 80 => random.Next(1, 200),
                < 95 => random.Next(200, 1500),
                _ => random.Next(1500, buffer.Length),
            };
            random.NextBytes(buffer.AsSpan(0, length));
            // Make a share of them look like each protocol on the first byte (RFC 7983 ranges), so every path is hit.
            if (length > 0)
            {
                buffer[0] = (i % 4) switch { 0 => (byte)random.Next(0, 4), 1 => (byte)random.Next(20, 64), 2 => (byte)random.Next(128, 192), _ => buffer[0] };
                if (i % 8 == 2 && length > 1) buffer[1] = (byte)random.Next(192, 224); // RTCP range
                if (i % 4 == 0 && length >= 8) { buffer[4] = 0x21; buffer[5] = 0x12; buffer[6] = 0xA4; buffer[7] = 0x42; } // STUN magic cookie
            }
            socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, sfu);
            if (i % 2000 == 0) await Task.Delay(5); // bounded rate: don't just overflow the socket buffer
        }
        await Task.Delay(2000);
        var after = await BrowserMediaTests.Stats(guest);
        var counters = Server.Sfu.Counters;
        var refused = counters.Snapshot().Where(kv => kv.Key.Contains(".refused.")).Sum(kv => kv.Value);
        output.WriteLine($"hostile datagrams sent {count}; SFU received {Server.Sfu.DatagramsReceived - datagramsBefore}; refusals counted {refused}; " +
                         $"unknown source {counters.Read("demux.refused.UnknownSource")}, bad STUN username {counters.Read("ice.refused.BadUsername")}, engine errors {counters.Read("engine.errors")}");
        output.WriteLine($"guest: {before.FramesDecoded} → {after.FramesDecoded} frames");

        Assert.Equal(0, counters.Read("engine.errors"));
        Assert.True(refused >= count * 9 / 10, $"only {refused} of {count} hostile datagrams were refused and counted");
        Assert.True(after.FramesDecoded > before.FramesDecoded + 20, "the connected peers were disturbed");
    }
}
