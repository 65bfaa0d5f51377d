using System.Buffers.Binary;
using CoStream.LoadTest.Client;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.Sfu.Tests.Harness;

/// <summary>One RTP packet as a SimPeer sent or received it: header fields, the payload, and the payload's
/// send counter (the last 8 bytes of every SimPeer payload, unique per packet of one publisher).</summary>
public sealed record RtpRecord(uint Ssrc, ushort Sequence, uint Timestamp, byte PayloadType, bool Marker, long Counter, byte[] Payload, bool Duplicate);

/// <summary>Keeps every packet a SimPeer sends or receives (test side; copies, so it allocates — not the peer's hot path).</summary>
public sealed class RtpRecorder : IRtpObserver
{
    private readonly List<RtpRecord> _sent = [];
    private readonly List<RtpRecord> _received = [];

    public RtpRecord[] Sent { get { lock (_sent) return _sent.ToArray(); } }
    public RtpRecord[] Received { get { lock (_received) return _received.ToArray(); } }
    public int ReceivedCount { get { lock (_received) return _received.Count; } }

    public int UniqueReceivedCount(uint ssrc)
    {
        lock (_received) return _received.Count(r => r.Ssrc == ssrc && !r.Duplicate);
    }

    public void OnSent(in RtpHeader header, ReadOnlySpan<byte> packet)
    {
        var record = ToRecord(header, packet, false);
        lock (_sent) _sent.Add(record);
    }

    public void OnReceived(in RtpHeader header, ReadOnlySpan<byte> packet, bool duplicate)
    {
        var record = ToRecord(header, packet, duplicate);
        lock (_received) _received.Add(record);
    }

    private static RtpRecord ToRecord(in RtpHeader header, ReadOnlySpan<byte> packet, bool duplicate)
    {
        ReadOnlySpan<byte> payload = header.GetPayload(packet);
        long counter = payload.Length >= 8 ? BinaryPrimitives.ReadInt64BigEndian(payload[^8..]) : -1;
        return new RtpRecord(header.Ssrc, header.SequenceNumber, header.Timestamp, header.PayloadType, header.Marker, counter, payload.ToArray(), duplicate);
    }
}
