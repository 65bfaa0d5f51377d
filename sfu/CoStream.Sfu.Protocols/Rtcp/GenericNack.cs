using System.Buffers.Binary;

namespace CoStream.Sfu.Protocols.Rtcp;

/// <summary>Generic NACK (RFC 4585 §6.2.1), PT=205 FMT=1.</summary>
/// <remarks>
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |V=2|P|  FMT=1  |    PT=205     |             length            |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of packet sender                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                  SSRC of media source                         |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// :            Feedback Control Information (FCI): NackEntry × n  :
/// </code>
/// </remarks>
public readonly ref struct GenericNack
{
    public GenericNack(uint senderSsrc, uint mediaSsrc, ReadOnlySpan<NackEntry> entries)
        : this(senderSsrc, mediaSsrc, new RtcpEntryList<NackEntry>(entries))
    {
    }

    private GenericNack(uint senderSsrc, uint mediaSsrc, RtcpEntryList<NackEntry> entries)
    {
        SenderSsrc = senderSsrc;
        MediaSsrc = mediaSsrc;
        Entries = entries;
    }

    public uint SenderSsrc { get; }

    public uint MediaSsrc { get; }

    public RtcpEntryList<NackEntry> Entries { get; }

    /// <summary>Every sequence number the entries name, PID first then the BLP bits in order.</summary>
    public NackLostSequenceEnumerator LostSequenceNumbers => new(Entries);

    public static RtcpError TryRead(ReadOnlySpan<byte> data, out GenericNack value, out int consumed)
    {
        var error = FeedbackPacket.TryRead<NackEntry>(data, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, out var sender, out var media, out var entries, out consumed);
        value = error == RtcpError.None ? new GenericNack(sender, media, entries) : default;
        return error;
    }

    public int GetSize() => RtcpHeader.Size + PictureLossIndication.CommonFeedbackSize + Entries.ByteLength;

    public int WriteTo(Span<byte> destination) =>
        FeedbackPacket.Write(destination, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, SenderSsrc, MediaSsrc, Entries);

    /// <summary>
    /// Packs lost sequence numbers, sorted in RTP order (wrap-around allowed: 65534, 65535, 0, 1),
    /// into NACK entries of up to 17 numbers each. Duplicates are ignored; a number that goes
    /// backwards starts a new entry. <paramref name="destination"/> of <c>sortedLost.Length</c>
    /// entries is always enough. Returns the number of entries written.
    /// </summary>
    public static int BuildEntries(ReadOnlySpan<ushort> sortedLost, Span<NackEntry> destination)
    {
        int count = 0;
        bool open = false;
        ushort packetId = 0;
        ushort bitmask = 0;
        foreach (ushort sequence in sortedLost)
        {
            if (open)
            {
                int distance = (ushort)(sequence - packetId);
                if (distance == 0)
                {
                    continue;
                }

                if (distance < NackEntry.MaxLostPerEntry)
                {
                    bitmask |= (ushort)(1 << (distance - 1));
                    continue;
                }

                Append(destination, ref count, new NackEntry(packetId, bitmask));
            }

            open = true;
            packetId = sequence;
            bitmask = 0;
        }

        if (open)
        {
            Append(destination, ref count, new NackEntry(packetId, bitmask));
        }

        return count;
    }

    private static void Append(Span<NackEntry> destination, ref int count, NackEntry entry)
    {
        if ((uint)count >= (uint)destination.Length)
        {
            RtcpWriter.ThrowArgument(nameof(destination), "Too few entries; sortedLost.Length entries always suffice.");
        }

        destination[count++] = entry;
    }
}
