using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Sfu.Routing;
using CoStream.Sfu.Transport;

namespace CoStream.Sfu.Negotiation;

/// <summary>
/// The server-offered receive connection of one participant: one sendonly m-section per producer of
/// the room's other participants, re-offered whenever producers come or go (mids stay stable; a
/// removed track's m-section is stopped). One offer is outstanding at a time; changes made while it is
/// pending are offered after its answer. Loop thread only.
/// </summary>
internal sealed class SubscriberSignaling(WebRtcTransport transport, Router router, Func<string, Task> sendOffer)
{
    private readonly List<Slot> _slots = [];
    private readonly ulong _sessionId = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
    private ulong _version;
    private SessionDescription? _pending;
    private bool _dirty;

    private sealed class Slot(string mid, MediaKind kind)
    {
        public string Mid { get; } = mid;
        public MediaKind Kind { get; } = kind;
        public Consumer? Consumer { get; set; }
        public bool Stopped { get; set; }
    }

    /// <summary>Creates consumers for producers not yet consumed, closes those whose producer left, and re-offers if anything changed.</summary>
    public void SyncConsumers()
    {
        if (transport.State == TransportState.Closed) return;
        var changed = false;
        foreach (var slot in _slots)
        {
            if (slot.Consumer is { } c && (c.Closed || c.Producer.Closed || !IsWanted(c.Producer)))
            {
                c.Close();
                slot.Consumer = null;
                slot.Stopped = true;
                changed = true;
            }
        }
        foreach (var producer in WantedProducers())
        {
            if (producer.Closed) continue;
            if (_slots.Any(s => s.Consumer?.Producer == producer)) continue;
            var mid = SdpOfferer.NextMid(_slots.Select(s => s.Mid));
            var consumer = new Consumer(producer, transport, mid, (uint)Random.Shared.Next(1, int.MaxValue), producer.Codec.PayloadType,
                router.Options.RetransmissionBufferPackets);
            producer.AddConsumer(consumer);
            transport.AddConsumer(consumer);
            _slots.Add(new Slot(mid, producer.Kind) { Consumer = consumer });
            changed = true;
        }
        if (changed)
        {
            _dirty = true;
            TryOffer();
        }
    }

    /// <summary>The room's other participants' producers, then those of linked rooms' participants (cross-room PK, <see cref="RoomLinks"/>).</summary>
    private IEnumerable<Producer> WantedProducers()
    {
        foreach (var producer in transport.Room.Producers)
            if (producer.Participant != transport.Participant) yield return producer;
        foreach (var source in router.Links.SourcesOf(transport.Room.Id))
        {
            if (router.FindRoom(source.Room) is not { } room) continue;
            foreach (var producer in room.Producers)
                if (producer.Participant == source.Participant) yield return producer;
        }
    }

    private bool IsWanted(Producer producer) => producer.Room == transport.Room
        ? producer.Participant != transport.Participant
        : router.Links.Includes(transport.Room.Id, producer.Room.Id, producer.Participant);

    /// <summary>
    /// The first offer, returned to the caller of Subscribe rather than pushed; null while the room has
    /// nothing to receive (an offer without m-sections has no BUNDLE group, which browsers refuse) —
    /// the first track that appears is then offered through the push channel.
    /// </summary>
    public string? CreateInitialOffer()
    {
        SyncConsumersWithoutOffer();
        _dirty = false;
        if (_slots.Count == 0) return null;
        _pending = BuildOffer();
        return _pending.ToString();
    }

    private void SyncConsumersWithoutOffer()
    {
        var pending = _pending;
        _pending = new SessionDescription(); // suppress TryOffer while building the first set
        SyncConsumers();
        _pending = pending;
    }

    private void TryOffer()
    {
        if (_pending is not null || !_dirty) return;
        _pending = BuildOffer();
        _dirty = false;
        var text = _pending.ToString();
        _ = SendAsync(text);
    }

    private async Task SendAsync(string offer)
    {
        try { await sendOffer(offer); }
        catch (Exception e) { router.Log($"transport {transport.Id}: sending a re-offer failed: {e.Message}"); }
    }

    private SessionDescription BuildOffer()
    {
        var options = new OfferOptions
        {
            IceUfrag = transport.LocalIce.Ufrag,
            IcePwd = transport.LocalIce.Password,
            Fingerprint = new SdpFingerprint(router.Certificate.FingerprintAlgorithm, router.Certificate.Fingerprint),
            IceLite = true,
            Candidates = [SfuCandidates.HostCandidate(router)],
            SessionId = _sessionId,
            SessionVersion = ++_version,
        };
        foreach (var slot in _slots)
        {
            var media = new OfferedMedia(slot.Mid, slot.Kind) { Stopped = slot.Stopped || slot.Consumer is null };
            if (slot.Consumer is { } consumer)
            {
                var codec = consumer.Producer.Codec;
                var offered = new RtpCodec(codec.PayloadType, codec.Name, codec.ClockRate, codec.Channels) { Fmtp = codec.Fmtp };
                if (slot.Kind == MediaKind.Video) offered.RtcpFeedback.AddRange(MediaProfile.SubscriberVideoFeedback);
                media.Codecs.Add(offered);
                media.Extensions.Add(slot.Kind == MediaKind.Audio
                    ? new HeaderExtension(MediaProfile.AudioLevelId, RtpExtensionUris.AudioLevel)
                    : new HeaderExtension(MediaProfile.AbsSendTimeId, RtpExtensionUris.AbsSendTime));
                if (slot.Kind == MediaKind.Video && router.Options.VideoPlayoutDelay is not null)
                    media.Extensions.Add(new HeaderExtension(MediaProfile.PlayoutDelayId, RtpExtensionUris.PlayoutDelay));
                // A linked room's participant is named "room~participant" (ids never contain '~'; msid allows it).
                var streamId = consumer.Producer.Room == transport.Room
                    ? consumer.Producer.Participant
                    : consumer.Producer.Room.Id + "~" + consumer.Producer.Participant;
                media.Track = new OutgoingTrack(consumer.Ssrc, consumer.Cname, streamId, consumer.Producer.Id);
            }
            options.Media.Add(media);
        }
        return SdpOfferer.CreateOffer(options);
    }

    /// <summary>The browser's answer to the outstanding offer. Returns an error text, or null when accepted.</summary>
    public string? OnAnswer(string sdp, long nowUs)
    {
        if (_pending is null) return "no offer is outstanding";
        var error = SessionDescription.TryParse(sdp, out var answer);
        if (error != SdpError.None) return "bad SDP: " + error;
        error = NegotiatedSession.TryFromOfferAnswer(_pending, answer!, localIsOfferer: true, out var session);
        if (error != SdpError.None) return "answer does not match the offer: " + error;
        if (session!.RemoteFingerprint is { } fingerprint) transport.RemoteFingerprint ??= fingerprint;
        foreach (var slot in _slots)
        {
            if (slot.Consumer is not { } consumer) continue;
            var media = session.FindMedia(slot.Mid);
            if (media is null || media.IsRejected || !media.Direction.Sends() || media.Codecs.Count == 0)
            {
                consumer.Active = false;
                continue;
            }
            consumer.PayloadType = (byte)media.Codecs[0].PayloadType;
            consumer.AbsSendTimeId = media.GetExtensionId(RtpExtensionUris.AbsSendTime);
            consumer.AudioLevelId = media.GetExtensionId(RtpExtensionUris.AudioLevel);
            consumer.PlayoutDelayId = media.GetExtensionId(RtpExtensionUris.PlayoutDelay);
            if (!consumer.Active)
            {
                consumer.Active = true;
                consumer.RequestKeyFrame();
            }
        }
        _pending = null;
        transport.TryStartDtls(nowUs);
        TryOffer();
        return null;
    }
}
