using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Sdp;
using DtlsRole = CoStream.Sfu.Protocols.Dtls.DtlsRole;

namespace CoStream.LoadTest.Client;

/// <summary>
/// Signalling-agnostic entry points, for servers that do not speak WHIP/WHEP (Janus's REST API):
/// the caller carries the SDP. Publishing: <see cref="CreatePublisher"/>, send
/// <see cref="CreatePublishOffer"/>, then <see cref="AcceptAnswerAsync"/> (we are ICE controlling).
/// Playing a server's offer: <see cref="CreatePlayer"/>, <see cref="CreateAnswer"/> (recvonly, full ICE,
/// <c>a=setup:active</c>: we are the DTLS client), send it, then <see cref="ConnectAsync"/> with the
/// returned <see cref="RemotePeer"/> (ICE controlled: we answer the server's checks).
/// </summary>
public sealed partial class SimPeer
{
    public static SimPeer CreatePublisher(SimPeerOptions? options = null) => new(options ?? new SimPeerOptions(), publishes: true);

    public static SimPeer CreatePlayer(SimPeerOptions? options = null) => new(options ?? new SimPeerOptions(), publishes: false);

    /// <summary>sendonly Opus + VP8, our host candidate and end-of-candidates, a=setup:actpass, rtcp-mux, BUNDLE.</summary>
    public SessionDescription CreatePublishOffer() =>
        SimOffer.Publish(LocalIce, Certificate, HostCandidate, AudioSsrc, VideoSsrc, Options.VideoCodec);

    /// <summary>
    /// Applies the answer to our <paramref name="offer"/> and connects as ICE controlling agent; the remote
    /// candidates are the answer's plus <paramref name="trickled"/> (e.g. from trickle events). Starts media
    /// when <see cref="SimPeerOptions.StartMediaOnConnect"/>.
    /// </summary>
    public async Task AcceptAnswerAsync(SessionDescription offer, string answerSdp, IEnumerable<IceCandidate>? trickled, CancellationToken ct = default)
    {
        await ApplyAnswerAsync(offer, answerSdp, trickled, ct);
        if (Publishes && Options.StartMediaOnConnect)
        {
            StartMedia();
        }
    }

    /// <summary>Answers a server's offer: recvonly Opus/VP8, full ICE with our host candidate, setup active.</summary>
    public string CreateAnswer(string offerSdp, out RemotePeer remote)
    {
        if (SessionDescription.TryParse(offerSdp, out SessionDescription? offer) is var error && error != SdpError.None)
        {
            throw new InvalidOperationException($"Unreadable offer ({error}).");
        }

        var audio = new MediaCapabilities();
        audio.Codecs.Add(CodecCapability.Opus());
        audio.RtcpFeedback.Add("transport-cc");
        audio.HeaderExtensions.AddRange([RtpExtensionUris.Mid, RtpExtensionUris.AbsSendTime, RtpExtensionUris.TransportSequenceNumber]);
        var video = new MediaCapabilities();
        video.Codecs.Add(CodecCapability.Vp8());
        video.RtcpFeedback.AddRange(["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]);
        video.HeaderExtensions.AddRange([RtpExtensionUris.Mid, RtpExtensionUris.AbsSendTime, RtpExtensionUris.TransportSequenceNumber]);
        var options = new AnswerOptions
        {
            IceUfrag = LocalIce.Ufrag,
            IcePwd = LocalIce.Password,
            Fingerprint = new SdpFingerprint(Certificate.FingerprintAlgorithm, Certificate.Fingerprint),
            Setup = DtlsSetup.Active,
            IceLite = false,
            Candidates = [HostCandidate],
            Audio = audio,
            Video = video,
        };
        error = SdpAnswerer.TryCreateAnswer(offer!, options, out SessionDescription? answer, out NegotiatedSession? session);
        if (error != SdpError.None)
        {
            throw new InvalidOperationException($"Cannot answer the offer ({error}).");
        }

        foreach (MediaDescription media in answer!.Media)
        {
            if (!media.IsRejected)
            {
                media.EndOfCandidates = true;
            }
        }

        RegisterRemoteSsrcs(session!);
        remote = new RemotePeer(session!.RemoteIceUfrag!, session.RemoteIcePwd!, [],
            session.RemoteFingerprint!.Algorithm, session.RemoteFingerprint.Value,
            session.LocalDtlsRole == Sfu.Protocols.Sdp.DtlsRole.Client ? DtlsRole.Client : DtlsRole.Server,
            LocalIceControlling: false);
        return answer.ToString();
    }

    private void RegisterRemoteSsrcs(NegotiatedSession session)
    {
        foreach (var media in session.Media)
        {
            foreach (var ssrc in media.RemoteSsrcs)
            {
                RegisterRemoteSsrc(ssrc.Ssrc, media.Codecs.Count > 0 ? media.Codecs[0].ClockRate : 90000);
            }
        }
    }
}
