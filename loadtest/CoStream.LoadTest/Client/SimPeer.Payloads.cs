using CoStream.Sfu.Protocols.Rtcp;
using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.LoadTest.Client;

/// <summary>
/// Caller-driven media for tests that need real codec payloads (e.g. H.264 from an encoder cut by
/// <c>H264Packetizer</c>, Opus from libopus): each call sends one RTP packet on the publisher's SSRC with
/// the next sequence number, untouched payload (no timing trailer) and the caller's timestamp and marker.
/// Not to be mixed with the pacing thread (<see cref="SimPeerOptions.StartMediaOnConnect"/> = false).
/// NACKs are answered from the same send history.
/// </summary>
public sealed partial class SimPeer
{
    private readonly byte[] _payloadPacket = new byte[MaxPacket + SrtpContext.MaxRtpOverhead];
    private readonly object _payloadLock = new();

    /// <summary>The payload type of the negotiated video codec.</summary>
    public byte VideoPayloadType => Options.VideoCodec.Equals("H264", StringComparison.OrdinalIgnoreCase) ? SimOffer.H264PayloadType : SimOffer.Vp8PayloadType;

    /// <summary>Sends one video RTP packet carrying <paramref name="payload"/> as is.</summary>
    public void SendVideoPayload(ReadOnlySpan<byte> payload, uint timestamp, bool marker) =>
        SendPayload(payload, VideoPayloadType, ref _videoSequence, timestamp, VideoSsrc, marker, "1", _videoHistory!, ref _videoOctets);

    /// <summary>Uses up one video sequence number without sending or keeping the packet: a loss that NACK cannot repair.</summary>
    public void SkipVideoPacket()
    {
        lock (_payloadLock) _videoSequence++;
    }

    /// <summary>Sends one Opus RTP packet carrying <paramref name="payload"/> as is (48 kHz timestamp).</summary>
    public void SendAudioPayload(ReadOnlySpan<byte> payload, uint timestamp, bool marker = false) =>
        SendPayload(payload, SimOffer.OpusPayloadType, ref _audioSequence, timestamp, AudioSsrc, marker, "0", _audioHistory!, ref _audioOctets);

    /// <summary>RTCP sender reports for both SSRCs on the caller's clock (RFC 3550 §6.4.1): one NTP instant and the RTP time of each track at it.</summary>
    public void SendSenderReports(ulong ntpTimestamp, uint videoRtpTimestamp, uint audioRtpTimestamp)
    {
        var buffer = new byte[256];
        var length = new SenderReport(VideoSsrc, ntpTimestamp, videoRtpTimestamp, 0, _videoOctets, default).WriteTo(buffer);
        length += new SenderReport(AudioSsrc, ntpTimestamp, audioRtpTimestamp, 0, _audioOctets, default).WriteTo(buffer.AsSpan(length));
        ProtectAndSendRtcp(buffer, length);
    }

    private void SendPayload(ReadOnlySpan<byte> payload, byte payloadType, ref ushort sequence, uint timestamp, uint ssrc, bool marker,
        string mid, SendHistory history, ref uint octets)
    {
        if (!Publishes || _sender is not null) throw new InvalidOperationException("Caller-driven media needs a publisher without the pacing thread.");
        if (payload.Length > MaxPacket - 100) throw new ArgumentException("Payload larger than one RTP packet.", nameof(payload));
        lock (_payloadLock)
        {
            var copy = new byte[payload.Length];
            payload.CopyTo(copy);
            SendRtp(_payloadPacket, copy, payloadType, sequence++, timestamp, ssrc, marker, mid, history, trailer: false);
            octets += (uint)payload.Length;
        }
    }
}
