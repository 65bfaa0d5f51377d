using System.Buffers;
using System.Diagnostics;
using CoStream.Mixer.Ingest;
using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Routing;

namespace CoStream.Mixer.Tests.Ingest;

/// <summary>
/// One <see cref="TrackIngest"/> driven by hand: the test builds RTP packets, chooses their arrival
/// times (ms on a private media clock) and order, and reads the frames and keyframe requests.
/// </summary>
internal sealed class IngestRig : IDisposable
{
    public const uint Ssrc = 0x1234_5678;
    public static readonly long TicksPerMs = Stopwatch.Frequency / 1000;

    public IngestRig(string codec, RoomIngestOptions? options = null, ClockOffsetEstimator? participant = null, string who = "alice")
    {
        var video = !codec.Equals("opus", StringComparison.OrdinalIgnoreCase);
        PayloadType = video ? (byte)102 : (byte)111;
        Track = new TapTrack(who + "-" + codec, who, video ? MediaKind.Video : MediaKind.Audio, codec, video ? 90000 : 48000, PayloadType);
        Ingest = new TrackIngest(Track, options ?? new RoomIngestOptions(), Counters, participant ?? new ClockOffsetEstimator(), Epoch,
            _ => KeyFrameRequests++, Video.Add, Audio.Add);
    }

    public long Epoch { get; } = Stopwatch.GetTimestamp();
    public byte PayloadType { get; }
    public TapTrack Track { get; }
    public TrackIngest Ingest { get; }
    public IngestCounters Counters { get; } = new();
    public List<IngestedVideoFrame> Video { get; } = [];
    public List<IngestedAudioFrame> Audio { get; } = [];
    public int KeyFrameRequests { get; private set; }

    public long Ticks(double ms) => Epoch + (long)(ms * TicksPerMs);

    /// <summary>An RTP packet (plain bytes) of this track.</summary>
    public byte[] Packet(ushort sequence, uint timestamp, bool marker, ReadOnlySpan<byte> payload, uint ssrc = Ssrc)
    {
        var buffer = new byte[RtpHeader.FixedHeaderSize + payload.Length];
        var writer = new RtpPacketWriter(buffer, PayloadType, sequence, timestamp, ssrc, marker);
        return buffer.AsSpan(0, writer.Complete(payload)).ToArray();
    }

    /// <summary>Delivers a packet as the tap would (a pooled copy) at media time <paramref name="arrivalMs"/>.</summary>
    public void Deliver(byte[] packet, double arrivalMs, uint ssrc = Ssrc)
    {
        var copy = ArrayPool<byte>.Shared.Rent(packet.Length);
        packet.CopyTo(copy, 0);
        Ingest.OnPacket(ssrc, copy, packet.Length, Ticks(arrivalMs));
    }

    public void Poll(double nowMs) => Ingest.Poll(Ticks(nowMs));

    /// <summary>RTP packets of one H.264 access unit (RFC 6184 via <see cref="H264Packetizer"/>), marker on the last.</summary>
    public List<byte[]> H264Packets(byte[] accessUnit, ref ushort sequence, uint timestamp, int mtu = 1200)
    {
        var list = new List<byte[]>();
        var packetizer = new H264Packetizer(accessUnit, mtu);
        var payload = new byte[mtu];
        int n;
        while ((n = packetizer.Next(payload, out var last)) > 0)
            list.Add(Packet(sequence++, timestamp, last, payload.AsSpan(0, n)));
        return list;
    }

    public void Dispose()
    {
        foreach (var f in Video) f.Dispose();
        foreach (var f in Audio) f.Dispose();
        Ingest.Dispose();
    }
}
