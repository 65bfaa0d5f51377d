namespace CoStream.Sfu.Protocols.Dtls;

/// <summary>
/// Sends one UDP datagram to the peer (the engine wraps its socket and the ICE-selected remote
/// endpoint). Must not keep the span after returning. Exceptions are caught and counted by the
/// caller; UDP is lossy anyway and DTLS retransmits.
/// </summary>
public interface IDatagramSender
{
    void Send(ReadOnlySpan<byte> datagram);
}
