namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// Answers a browser's offer on behalf of the SFU (JSEP, RFC 8829 §5.3.1; BUNDLE, RFC 8843; rtcp-mux, RFC 5761).
/// <list type="bullet">
/// <item>An m-section is rejected (port 0, mid kept) when the offer rejected it, its kind is not audio/video,
/// it is not RTP, it lacks <c>a=rtcp-mux</c>, it is outside the offer's BUNDLE group (without a BUNDLE group
/// only the first acceptable m-section is taken: one transport only), or no codec is common.</item>
/// <item>Codecs follow our preference order; among offered codecs that match one capability, the offer's order.
/// The answer keeps the offer's payload type numbers and fmtp; rtcp-fb is the intersection.</item>
/// <item>RTX, RED, ULPFEC and FlexFEC are never accepted: the SFU answers NACKs from its own packet buffer
/// on the original SSRC, and forwards media without redundancy formats.</item>
/// <item>Header extensions: offered URIs we support, with the offer's ids.</item>
/// <item>Direction: offer sendonly → recvonly; recvonly → sendonly with an outgoing track, else inactive;
/// sendrecv → sendrecv with an outgoing track, else recvonly; inactive → inactive.</item>
/// <item>Simulcast: an offered <c>a=simulcast:send</c> with <c>a=rid:X send</c> is answered with
/// <c>a=simulcast:recv</c> and <c>a=rid:X recv</c> (rids not in the simulcast list are dropped).</item>
/// <item>DTLS: offer actpass → <see cref="AnswerOptions.Setup"/>; active → passive; passive → active.</item>
/// <item>Session: one BUNDLE group with all accepted mids, <c>a=ice-lite</c>; every accepted m-section carries
/// <c>a=rtcp-mux</c>, our ICE credentials, fingerprint, setup and candidates.</item>
/// </list>
/// </summary>
public static class SdpAnswerer
{
    public static SdpError TryCreateAnswer(SessionDescription offer, AnswerOptions options, out SessionDescription? answer, out NegotiatedSession? negotiated)
    {
        answer = null;
        negotiated = null;
        if (string.IsNullOrWhiteSpace(options.IceUfrag) || string.IsNullOrWhiteSpace(options.IcePwd) ||
            options.Fingerprint is null || options.Setup is not (DtlsSetup.Active or DtlsSetup.Passive))
            return SdpError.BadOptions;

        var mids = new HashSet<string>(StringComparer.Ordinal);
        foreach (MediaDescription m in offer.Media)
        {
            if (m.Mid is null ? !m.IsRejected : !mids.Add(m.Mid))
                return SdpError.BadMid;
        }

        SdpGroup? offeredBundle = offer.BundleGroup;
        var result = new SessionDescription
        {
            Origin = SdpOrigin.Create(options.SessionId, options.SessionVersion),
            IceLite = options.IceLite,
            MsidSemantic = "WMS *",
        };
        var accepted = new List<string>();
        DtlsSetup? transportSetup = null;
        foreach (MediaDescription offered in offer.Media)
        {
            MediaDescription? section = TryAccept(offered, options, offeredBundle, accepted.Count);
            if (section is null)
            {
                result.Media.Add(Rejected(offered));
                continue;
            }
            if (accepted.Count == 0)
            {
                // The first accepted section carries the shared (BUNDLE) transport; later ones may be bundle-only.
                if (offered.IceUfrag is null || offered.IcePwd is null)
                    return SdpError.MissingIceCredentials;
                if (offered.Fingerprint is null)
                    return SdpError.MissingFingerprint;
                transportSetup = AnswerSetup(offered.Setup ?? DtlsSetup.ActPass, options.Setup);
                if (transportSetup is null)
                    return SdpError.BadSetup;
            }
            section.Setup = transportSetup;
            accepted.Add(offered.Mid!);
            result.Media.Add(section);
        }
        if (offeredBundle is not null && accepted.Count > 0)
            result.Groups.Add(new SdpGroup("BUNDLE", accepted));

        SdpError paired = NegotiatedSession.TryFromOfferAnswer(result, offer, localIsOfferer: false, out negotiated);
        if (paired != SdpError.None)
            return paired;
        answer = result;
        return SdpError.None;
    }

    private static DtlsSetup? AnswerSetup(DtlsSetup offered, DtlsSetup preferred) => offered switch
    {
        DtlsSetup.ActPass => preferred,
        DtlsSetup.Active => DtlsSetup.Passive,
        DtlsSetup.Passive => DtlsSetup.Active,
        _ => null,
    };

    private static MediaDescription Rejected(MediaDescription offered)
    {
        var section = new MediaDescription(offered.Kind, 0, offered.Protocol)
        {
            KindName = offered.KindName,
            Mid = offered.Mid,
            Direction = MediaDirection.Inactive,
        };
        section.Formats.AddRange(offered.Formats);
        return section;
    }

    private static MediaDescription? TryAccept(MediaDescription offered, AnswerOptions options, SdpGroup? bundle, int acceptedSoFar)
    {
        MediaCapabilities? capabilities = options.For(offered.Kind);
        if (offered.IsRejected || capabilities is null || !offered.IsRtp || !offered.RtcpMux || offered.Mid is null)
            return null;
        if (bundle is not null ? !bundle.Mids.Contains(offered.Mid) : acceptedSoFar > 0)
            return null;

        var section = new MediaDescription(offered.Kind, 9, offered.Protocol)
        {
            Mid = offered.Mid,
            Connection = SdpConnection.Placeholder,
            IceUfrag = options.IceUfrag,
            IcePwd = options.IcePwd,
            Fingerprint = options.Fingerprint,
            RtcpMux = true,
            RtcpRsize = offered.RtcpRsize,
            EndOfCandidates = options.IceLite,
        };
        section.Candidates.AddRange(options.Candidates);

        foreach (CodecCapability capability in capabilities.Codecs)
        {
            foreach (RtpCodec codec in offered.Codecs)
            {
                if (codec.IsRepairFormat || section.FindCodec(codec.PayloadType) is not null || !capability.Matches(codec))
                    continue;
                var chosen = new RtpCodec(codec.PayloadType, codec.Name, codec.ClockRate, codec.Channels) { Fmtp = codec.Fmtp };
                chosen.RtcpFeedback.AddRange(codec.RtcpFeedback.Where(capabilities.RtcpFeedback.Contains));
                section.Codecs.Add(chosen);
                section.Formats.Add(codec.PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        if (section.Codecs.Count == 0)
            return null;

        foreach (HeaderExtension extension in offered.Extensions)
        {
            if (capabilities.HeaderExtensions.Contains(extension.Uri) && !section.Extensions.Any(e => e.Id == extension.Id))
                section.Extensions.Add(new HeaderExtension(extension.Id, extension.Uri));
        }

        options.OutgoingTracks.TryGetValue(offered.Mid, out OutgoingTrack? track);
        bool receive = offered.Direction.Sends();
        bool send = offered.Direction.Receives() && track is not null;
        section.Direction = SdpTokens.FromFlags(send, receive);
        if (send)
        {
            section.Msid = new SdpMsid(track!.StreamId, track.TrackId);
            section.Ssrcs.Add(new SsrcAttribute(track.Ssrc, "cname", track.Cname));
            section.Ssrcs.Add(new SsrcAttribute(track.Ssrc, "msid", $"{track.StreamId} {track.TrackId}"));
        }
        if (receive && offered.Simulcast is { Send.Count: > 0 } simulcast)
            AnswerSimulcast(offered, simulcast, section);
        return section;
    }

    /// <summary>RFC 8853 §5.3: the answerer reverses the direction of the streams it accepts.</summary>
    private static void AnswerSimulcast(MediaDescription offered, SimulcastDescription simulcast, MediaDescription section)
    {
        var answer = new SimulcastDescription();
        foreach (List<SimulcastRid> stream in simulcast.Send)
        {
            var alternatives = stream.Where(r => offered.Rids.Any(d => d.Id == r.Id && d.Direction == RidDirection.Send)).ToList();
            if (alternatives.Count == 0)
                continue;
            answer.Recv.Add(alternatives);
            foreach (SimulcastRid rid in alternatives)
            {
                if (!section.Rids.Any(r => r.Id == rid.Id))
                    section.Rids.Add(new RidDescription(rid.Id, RidDirection.Recv));
            }
        }
        if (answer.Recv.Count > 0)
            section.Simulcast = answer;
    }
}
