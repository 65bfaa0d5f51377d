using System.Net;
using CoStream.Tests.Shared;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>
/// 10 % of the datagrams between Chromium and the SFU are dropped, in both directions, by a relay the
/// SFU announces as its address. Video must keep decoding: the SFU NACKs the publisher's losses, answers
/// the subscriber's NACKs from its retransmission buffer, and turns unrecoverable loss into keyframe requests.
/// </summary>
[Collection("browser")]
public sealed class LossRecoveryTests(ITestOutputHelper output) : BrowserTest
{
    private LossyUdpRelay _relay = null!;

    // The SFU's port must be known before the relay, and the relay's port before the SFU announces it:
    // reserve a UDP port for the SFU first.
    protected override string[] ServerArguments()
    {
        var sfuPort = FreeUdpPort();
        _relay = new LossyUdpRelay(new IPEndPoint(IPAddress.Loopback, sfuPort), lossFraction: 0.10, seed: 2026);
        return [$"--Sfu:Port={sfuPort}", $"--Sfu:AnnouncedPort={_relay.Port}"];
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _relay.Dispose();
    }

    [Fact]
    public async Task TenPercentLoss_BothWays_VideoKeepsDecoding_ThroughNackAndPli()
    {
        var anchor = await Chromium.OpenAsync(Server.BaseUrl);
        var guest = await Chromium.OpenAsync(Server.BaseUrl);
        await BrowserMediaTests.Join(anchor, "lossy", "anchor-1", "anchor");
        await BrowserMediaTests.Join(guest, "lossy", "guest-1", "guest");

        var first = await WaitFor(guest, frames: 40);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var second = await BrowserMediaTests.Stats(guest);
        var anchorStats = await BrowserMediaTests.Stats(anchor);
        var counters = Server.Sfu.Counters;
        output.WriteLine($"guest after 10 s more: {second}; anchor: {anchorStats}");
        output.WriteLine($"relay forwarded {_relay.Forwarded}, dropped {_relay.Dropped} ({100.0 * _relay.Dropped / Math.Max(1, _relay.Forwarded + _relay.Dropped):F1} %)");
        output.WriteLine($"SFU: nack received {counters.Read("rtcp.nack.received")}, nack sent {counters.Read("rtcp.nack.sent")}, " +
                         $"retransmitted {counters.Read("rtp.retransmitted")}, pli sent {counters.Read("rtcp.pli.sent")}, pli received {counters.Read("rtcp.pli.received")}");

        Assert.True(_relay.Dropped > 100, "the relay must really drop packets");
        // At 20 fps, 10 s more of video must have been decoded (allowing for freezes while recovering).
        Assert.True(second.FramesDecoded - first.FramesDecoded > 100, $"video stalled under loss: {first.FramesDecoded} → {second.FramesDecoded}");
        Assert.True(anchorStats.FramesDecoded > 100, $"anchor's video stalled under loss: {anchorStats}");
        Assert.True(second.NackCount > 0, "the subscriber must have NACKed lost packets");
        Assert.True(counters.Read("rtcp.nack.received") > 0 && counters.Read("rtp.retransmitted") > 0, "the SFU must answer NACKs from its buffer");
        Assert.True(counters.Read("rtcp.nack.sent") > 0, "the SFU must NACK the publisher's losses");
    }

    private async Task<InboundStats> WaitFor(Microsoft.Playwright.IPage page, int frames)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        InboundStats s;
        do
        {
            await Task.Delay(500);
            s = await BrowserMediaTests.Stats(page);
        } while (s.FramesDecoded < frames && DateTime.UtcNow < deadline);
        output.WriteLine($"first frames: {s}");
        return s;
    }

    private static int FreeUdpPort()
    {
        using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
