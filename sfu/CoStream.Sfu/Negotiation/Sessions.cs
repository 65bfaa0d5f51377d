using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Routing;
using CoStream.Sfu.Transport;
using SdpMediaCapabilities = CoStream.Sfu.Protocols.Sdp.MediaCapabilities;

namespace CoStream.Sfu.Negotiation;

/// <summary>The three ways a peer connection starts: publish, play (WHEP) and subscribe. Loop thread only.</summary>
internal static class Sessions
{
    public static SdpResult Publish(Router router, string roomId, string participant, string offerSdp, long nowUs)
    {
        var error = SessionDescription.TryParse(offerSdp, out var offer);
        if (error != SdpError.None) return Refuse(router, "publish", "bad SDP offer: " + error);
        var (audio, video) = MediaProfile.ForPublisher(offer!, router.Options.VideoCodecs);
        var room = router.GetOrCreateRoom(roomId);
        var transport = router.CreateTransport(room, participant, nowUs);
        error = SdpAnswerer.TryCreateAnswer(offer!, AnswerOptionsFor(router, transport, audio, video), out var answer, out _);
        if (error != SdpError.None)
        {
            transport.Close();
            return Refuse(router, "publish", "cannot answer the offer: " + error);
        }
        MediaProfile.KeepOneCodec(answer!);
        var session = NegotiatedSession.FromOfferAnswer(answer!, offer!, localIsOfferer: false);
        transport.RemoteFingerprint = session.RemoteFingerprint;

        var accepted = session.Media.Where(m => !m.IsRejected && m.Direction.Receives() && m.Codecs.Count > 0 && m.Mid is not null).ToList();
        if (accepted.Count == 0 || session.RemoteFingerprint is null)
        {
            transport.Close();
            return Refuse(router, "publish", "the offer has nothing the SFU can receive");
        }
        foreach (var media in accepted)
        {
            transport.MidExtensionId = Max(transport.MidExtensionId, media.GetExtensionId(RtpExtensionUris.Mid));
            transport.RidExtensionId = Max(transport.RidExtensionId, media.GetExtensionId(RtpExtensionUris.RtpStreamId));
            transport.TransportCcId = Max(transport.TransportCcId, media.GetExtensionId(RtpExtensionUris.TransportSequenceNumber));
            transport.AbsSendTimeId = Max(transport.AbsSendTimeId, media.GetExtensionId(RtpExtensionUris.AbsSendTime));
            transport.AudioLevelId = Max(transport.AudioLevelId, media.GetExtensionId(RtpExtensionUris.AudioLevel));
        }
        var producers = new List<Producer>();
        foreach (var media in accepted)
        {
            var c = media.Codecs[0];
            var codec = new ProducerCodec((byte)c.PayloadType, c.Name, c.ClockRate, c.Channels, c.Fmtp, c.RtcpFeedback.ToArray());
            var rids = media.ReceiveSimulcast.Count > 1 ? media.ReceiveSimulcast.Select(alternatives => alternatives[0].Id).ToArray() : [];
            var producer = new Producer($"{transport.Id}-{media.Mid}", transport, media.Mid!, media.Kind, codec, rids, router.Options.KeyFrameRequestIntervalMs);
            var primarySsrcs = media.RemoteSsrcs.Select(s => s.Ssrc)
                .Where(ssrc => !media.RemoteSsrcGroups.Any(g => g.Semantics == "FID" && g.Ssrcs.Skip(1).Contains(ssrc)))
                .ToArray();
            transport.RegisterProducer(producer, rids.Length > 0 ? [] : primarySsrcs);
            producers.Add(producer);
        }
        room.AddProducers(producers);
        router.Log($"room {roomId}: {participant} publishes {string.Join(", ", producers.Select(p => $"{p.Kind} {p.Codec.Name}{(p.IsSimulcast ? " simulcast " + string.Join('/', p.Rids) : "")}"))} on {transport.Id}");
        return new SdpResult(true, transport.Id, answer!.ToString(), null);
    }

    public static SdpResult Play(Router router, string roomId, string participant, string offerSdp, string? source, long nowUs)
    {
        var error = SessionDescription.TryParse(offerSdp, out var offer);
        if (error != SdpError.None) return Refuse(router, "play", "bad SDP offer: " + error);
        var room = router.FindRoom(roomId);
        var sourceParticipant = source ?? room?.Producers.FirstOrDefault()?.Participant;
        var available = room?.Producers.Where(p => p.Participant == sourceParticipant && !p.Closed).ToList() ?? [];
        if (room is null || available.Count == 0) return Refuse(router, "play", "nothing is being published" + (source is null ? "" : " by " + source));

        var transport = router.CreateTransport(room, participant, nowUs);
        var audio = new SdpMediaCapabilities();
        var video = new SdpMediaCapabilities();
        var planned = new Dictionary<string, Producer>();
        var tracks = new Dictionary<string, OutgoingTrack>();
        var ssrcs = new Dictionary<string, uint>();
        foreach (var m in offer!.Media)
        {
            if (m.Mid is null || m.IsRejected || !m.Direction.Receives()) continue;
            var producer = available.FirstOrDefault(p => p.Kind == m.Kind && !planned.ContainsValue(p));
            if (producer is null) continue;
            planned[m.Mid] = producer;
            var ssrc = (uint)Random.Shared.Next(1, int.MaxValue);
            ssrcs[m.Mid] = ssrc;
            tracks[m.Mid] = new OutgoingTrack(ssrc, "costream-" + producer.Participant, producer.Participant, producer.Id);
            var caps = producer.Kind == MediaKind.Audio ? audio : video;
            var capability = producer.Kind == MediaKind.Audio ? CodecCapability.Opus() : MediaProfile.VideoCapability(producer.Codec.Name);
            if (capability is not null && !caps.Codecs.Any(x => x.Name == capability.Name)) caps.Codecs.Add(capability);
        }
        audio.HeaderExtensions.Add(RtpExtensionUris.AudioLevel);
        video.HeaderExtensions.Add(RtpExtensionUris.AbsSendTime);
        if (router.Options.VideoPlayoutDelay is not null) video.HeaderExtensions.Add(RtpExtensionUris.PlayoutDelay);
        video.RtcpFeedback.AddRange(MediaProfile.SubscriberVideoFeedback);
        var options = AnswerOptionsFor(router, transport, audio, video);
        foreach (var (mid, track) in tracks) options.OutgoingTracks[mid] = track;
        error = SdpAnswerer.TryCreateAnswer(offer, options, out var answer, out _);
        if (error != SdpError.None || planned.Count == 0)
        {
            transport.Close();
            return Refuse(router, "play", "cannot answer the offer: " + (planned.Count == 0 ? "no recvonly audio/video to fill" : error));
        }
        MediaProfile.KeepOneCodec(answer!);
        var session = NegotiatedSession.FromOfferAnswer(answer!, offer, localIsOfferer: false);
        transport.RemoteFingerprint = session.RemoteFingerprint;
        foreach (var (mid, producer) in planned)
        {
            var media = session.FindMedia(mid);
            if (media is null || media.IsRejected || !media.Direction.Sends() || media.Codecs.Count == 0) continue;
            var consumer = new Consumer(producer, transport, mid, ssrcs[mid], (byte)media.Codecs[0].PayloadType, router.Options.RetransmissionBufferPackets)
            {
                AbsSendTimeId = media.GetExtensionId(RtpExtensionUris.AbsSendTime),
                AudioLevelId = media.GetExtensionId(RtpExtensionUris.AudioLevel),
                PlayoutDelayId = media.GetExtensionId(RtpExtensionUris.PlayoutDelay),
                Active = true,
            };
            producer.AddConsumer(consumer);
            transport.AddConsumer(consumer);
        }
        if (transport.Consumers.Count == 0)
        {
            transport.Close();
            return Refuse(router, "play", "no common codec with the published tracks");
        }
        router.Log($"room {roomId}: {participant} plays {sourceParticipant} on {transport.Id}");
        return new SdpResult(true, transport.Id, answer!.ToString(), null);
    }

    public static SdpResult Subscribe(Router router, string roomId, string participant, Func<string, Task> sendOffer, long nowUs)
    {
        var room = router.GetOrCreateRoom(roomId);
        var transport = router.CreateTransport(room, participant, nowUs);
        var signaling = new SubscriberSignaling(transport, router, sendOffer);
        transport.Signaling = signaling;
        return new SdpResult(true, transport.Id, signaling.CreateInitialOffer(), null);
    }

    private static AnswerOptions AnswerOptionsFor(Router router, WebRtcTransport transport, SdpMediaCapabilities audio, SdpMediaCapabilities video) => new()
    {
        IceUfrag = transport.LocalIce.Ufrag,
        IcePwd = transport.LocalIce.Password,
        Fingerprint = new SdpFingerprint(router.Certificate.FingerprintAlgorithm, router.Certificate.Fingerprint),
        Setup = DtlsSetup.Passive,
        IceLite = true,
        Candidates = [SfuCandidates.HostCandidate(router)],
        Audio = audio,
        Video = video,
    };

    private static int Max(int a, int b) => a > 0 ? a : b;

    private static SdpResult Refuse(Router router, string what, string reason)
    {
        router.Counters.Increment($"{what}.refused");
        return SdpResult.Fail(reason);
    }
}
