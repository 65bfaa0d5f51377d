using System.Globalization;
using CoStream.Sfu.Transport;

namespace CoStream.Sfu.Negotiation;

/// <summary>The SFU's one ICE candidate: a host candidate on its UDP port (or the announced address/port).</summary>
internal static class SfuCandidates
{
    public static string HostCandidate(Router router)
    {
        var address = router.Options.AnnouncedAddress ?? router.Endpoint.LocalEndPoint.Address;
        var port = router.Options.AnnouncedPort ?? router.Endpoint.LocalEndPoint.Port;
        return string.Create(CultureInfo.InvariantCulture, $"candidate:1 1 udp 2130706431 {address} {port} typ host");
    }
}
