using CoStream.LoadTest.Client;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Tests.Harness;

namespace CoStream.Sfu.Tests.Negotiation;

/// <summary>Sessions.Publish / Sessions.Play refusals (RFC 8866 offers the engine cannot serve): an answer of why, a counter, and no transport left behind.</summary>
[Collection(EngineCollection.Name)]
public sealed class SessionsTests
{
    [Fact]
    public async Task Play_WithNothingPublished_IsRefused_AndLeavesNoTransport()
    {
        await using var engine = EngineHarness.Start();
        string offer = SimOffer.Play(IceCredentials.Generate(), SimPeer.Certificate, "candidate:1 1 udp 2130706431 127.0.0.1 9 typ host").ToString();

        SdpResult result = await engine.Sfu.PlayAsync("empty", "viewer", offer, source: null);

        Assert.False(result.Ok);
        Assert.Contains("nothing is being published", result.Error);
        Assert.Equal(1, engine.Sfu.Counters.Read("play.refused"));
        Assert.Null(await engine.Sfu.GetRoomAsync("empty"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v=0\r\n")]
    [InlineData("not sdp at all")]
    public async Task Publish_WithAnUnreadableOffer_IsRefused_AndLeavesNoRoom(string offer)
    {
        await using var engine = EngineHarness.Start();

        SdpResult result = await engine.Sfu.PublishAsync("bad", "pub", offer);

        Assert.False(result.Ok);
        Assert.Equal(1, engine.Sfu.Counters.Read("publish.refused"));
        Assert.Null(await engine.Sfu.GetRoomAsync("bad"));
    }
}
