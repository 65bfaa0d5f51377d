namespace CoStream.Mixer.Ingest;

/// <summary>
/// One RTP packet held by a <see cref="JitterBuffer"/>: the whole packet in a pooled array, where its
/// payload is, and what the buffer orders and times it by.
/// </summary>
public readonly record struct JitterPacket(
    byte[] Buffer, int PayloadOffset, int PayloadLength, long ExtendedSequence, uint Timestamp, bool Marker, long ArrivalTicks)
{
    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(PayloadOffset, PayloadLength);
}
