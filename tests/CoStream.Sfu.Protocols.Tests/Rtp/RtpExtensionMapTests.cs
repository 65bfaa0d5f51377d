using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

public class RtpExtensionMapTests
{
    [Fact]
    public void Rfc8285_5_BuildsFromNegotiatedExtmapLines()
    {
        var map = RtpExtensionMap.Create(new (int, string)[]
        {
            (1, RtpExtensionUris.AudioLevel),
            (2, RtpExtensionUris.AbsSendTime),
            (3, RtpExtensionUris.TransportSequenceNumber),
            (4, RtpExtensionUris.Mid),
            (10, RtpExtensionUris.RtpStreamId),
            (11, RtpExtensionUris.RepairedRtpStreamId),
            (12, "urn:3gpp:video-orientation"),
        });

        Assert.Equal(RtpExtensionKind.AudioLevel, map.GetKind(1));
        Assert.Equal(RtpExtensionKind.AbsSendTime, map.GetKind(2));
        Assert.Equal(RtpExtensionKind.TransportSequenceNumber, map.GetKind(3));
        Assert.Equal(RtpExtensionKind.Mid, map.GetKind(4));
        Assert.Equal(RtpExtensionKind.RtpStreamId, map.GetKind(10));
        Assert.Equal(RtpExtensionKind.RepairedRtpStreamId, map.GetKind(11));
        Assert.Equal(RtpExtensionKind.Unknown, map.GetKind(12));
        Assert.Equal(RtpExtensionKind.None, map.GetKind(5));
        Assert.Equal(RtpExtensionKind.None, map.GetKind(-1));
        Assert.Equal(RtpExtensionKind.None, map.GetKind(256));
        Assert.Equal(3, map.GetId(RtpExtensionKind.TransportSequenceNumber));
        Assert.Equal(0, map.GetId(RtpExtensionKind.Unknown));
        Assert.False(map.RequiresTwoByteForm);
    }

    [Fact]
    public void Rfc8285_4_IdsAbove14NeedTheTwoByteForm()
    {
        var map = new RtpExtensionMap();
        Assert.True(map.TryRegister(14, RtpExtensionUris.Mid));
        Assert.False(map.RequiresTwoByteForm);
        Assert.True(map.TryRegister(200, RtpExtensionUris.AbsSendTime));
        Assert.True(map.RequiresTwoByteForm);
        Assert.Equal(200, map.GetId(RtpExtensionKind.AbsSendTime));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-3)]
    public void Rfc8285_4_RefusesIdsOutOfRange(int id)
    {
        Assert.False(new RtpExtensionMap().TryRegister(id, RtpExtensionUris.Mid));
    }

    [Fact]
    public void Rfc8285_5_RefusesConflictsButAcceptsRepeats()
    {
        var map = new RtpExtensionMap();
        Assert.True(map.TryRegister(4, RtpExtensionUris.Mid));
        Assert.True(map.TryRegister(4, RtpExtensionUris.Mid));          // same line in another m-section
        Assert.False(map.TryRegister(4, RtpExtensionUris.AbsSendTime)); // id taken
        Assert.False(map.TryRegister(5, RtpExtensionUris.Mid));         // uri already mapped
        Assert.Throws<ArgumentException>(() => RtpExtensionMap.Create(new (int, string)[] { (1, RtpExtensionUris.Mid), (1, RtpExtensionUris.AudioLevel) }));
    }

    [Fact]
    public void UrisMapBothWays()
    {
        foreach (RtpExtensionKind kind in Enum.GetValues<RtpExtensionKind>())
        {
            string? uri = RtpExtensionUris.GetUri(kind);
            if (uri is not null)
            {
                Assert.Equal(kind, RtpExtensionUris.GetKind(uri));
            }
        }

        Assert.Equal("urn:ietf:params:rtp-hdrext:sdes:mid", RtpExtensionUris.Mid);
        Assert.Equal("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", RtpExtensionUris.TransportSequenceNumber);
    }
}
