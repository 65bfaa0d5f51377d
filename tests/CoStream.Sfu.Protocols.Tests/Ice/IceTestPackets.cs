using System.Net;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.Sfu.Protocols.Tests.Ice;

/// <summary>Binding requests as a browser would send them to our lite agent, built with our writer.</summary>
internal static class IceTestPackets
{
    public static byte[] BindingRequest(
        string username,
        ReadOnlySpan<byte> key,
        bool useCandidate = false,
        bool controlled = false,
        bool integrity = true,
        bool fingerprint = true,
        StunMessageType? type = null,
        StunTransactionId? id = null)
    {
        byte[] buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, type ?? StunMessageType.BindingRequest, id ?? StunTransactionId.NewRandom());
        writer.AddUsername(username);
        writer.AddPriority(1845501695);
        if (controlled)
        {
            writer.AddIceControlled(42);
        }
        else
        {
            writer.AddIceControlling(0x1122334455667788);
        }

        if (useCandidate)
        {
            writer.AddUseCandidate();
        }

        if (integrity)
        {
            writer.AddMessageIntegrity(key);
        }

        if (fingerprint)
        {
            writer.AddFingerprint();
        }

        return buffer[..writer.Length];
    }

    public static IPEndPoint EndPoint(string text) => IPEndPoint.Parse(text);
}
