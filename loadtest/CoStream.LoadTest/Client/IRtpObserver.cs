using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.LoadTest.Client;

/// <summary>
/// Sees every plain RTP packet a <see cref="SimPeer"/> sends or receives, for tests that check
/// headers and payloads. Called on the peer's sender / receive thread with spans that are only valid
/// during the call; an implementation copies what it keeps.
/// </summary>
public interface IRtpObserver
{
    /// <summary>A packet about to be protected and sent (retransmissions included).</summary>
    void OnSent(in RtpHeader header, ReadOnlySpan<byte> packet);

    /// <summary>A packet received and decrypted; <paramref name="duplicate"/> when its sequence number was already seen.</summary>
    void OnReceived(in RtpHeader header, ReadOnlySpan<byte> packet, bool duplicate);
}
