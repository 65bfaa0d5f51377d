using System.Net;
using System.Text;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.LoadTest.Client;

/// <summary>
/// Answers the peer's ICE connectivity checks (RFC 8445 §7.3) when the SimPeer is the controlled side
/// (a Janus offer, or the baseline's direct receiver): checks USERNAME ("ourUfrag:theirUfrag") and
/// MESSAGE-INTEGRITY with our password, answers Binding success with XOR-MAPPED-ADDRESS,
/// MESSAGE-INTEGRITY and FINGERPRINT (<see cref="StunMessageWriter"/>).
/// </summary>
internal sealed class IceResponder
{
    private readonly byte[] _usernamePrefix; // "localUfrag:"
    private readonly byte[] _localPassword;

    public IceResponder(IceCredentials local)
    {
        _usernamePrefix = Encoding.ASCII.GetBytes(local.Ufrag + ":");
        _localPassword = Encoding.ASCII.GetBytes(local.Password);
    }

    /// <summary>
    /// Writes the response to a valid Binding request into <paramref name="response"/>; returns its
    /// length (0: not a valid request for us) and whether it carried USE-CANDIDATE.
    /// </summary>
    public int TryAnswer(ReadOnlySpan<byte> request, IPEndPoint from, Span<byte> response, out bool useCandidate)
    {
        useCandidate = false;
        if (StunMessage.TryRead(request, out StunMessage message, out _) != StunError.None)
        {
            return 0;
        }

        StunMessageType type = message.Type;
        if (type.Method != StunMethod.Binding || !type.IsRequest || !message.HasUsername
            || !message.Username.StartsWith(_usernamePrefix)
            || !message.CheckMessageIntegrity(_localPassword))
        {
            return 0;
        }

        useCandidate = message.UseCandidate;
        var writer = new StunMessageWriter(response, StunMessageType.BindingSuccess, message.TransactionId);
        writer.AddXorMappedAddress(from);
        writer.AddMessageIntegrity(_localPassword);
        writer.AddFingerprint();
        return writer.Overflowed ? 0 : writer.Length;
    }
}
