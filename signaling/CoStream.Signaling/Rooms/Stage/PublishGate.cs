using CoStream.Sfu;
using CoStream.Sfu.Protocols.Sdp;
using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Rooms.Stage;

/// <summary>Why a publish was refused by the <see cref="PublishGate"/> (None = 0: allowed).</summary>
public enum PublishRefusal
{
    None = 0,
    /// <summary>The role never publishes.</summary>
    Role,
    /// <summary>A guest or audience member who is not on the room's stage.</summary>
    NotOnStage,
    /// <summary>An audio-only guest whose offer sends video.</summary>
    AudioOnly,
}

/// <summary>
/// Who may publish into a room, for <c>MediaHub.Publish</c> and WHIP: the anchor and services always; a guest or audience
/// member only while on the room's stage, and an audio-only guest only an offer that sends no video. Checked before the SFU
/// sees the offer and again after (<see cref="ConfirmAsync"/>), so a guest removed meanwhile does not keep a transport.
/// </summary>
public sealed class PublishGate(StageService stage, SfuServer sfu)
{
    /// <summary>A publish was let through (who, with which token role, on which SFU transport) — the mixer learns the anchor from it.</summary>
    public event Action<RoomToken, string>? Published;

    public PublishRefusal Check(RoomToken token, string offerSdp)
    {
        if (token.Role is ParticipantRole.Anchor or ParticipantRole.Service) return PublishRefusal.None;
        if (token.Role is not (ParticipantRole.Guest or ParticipantRole.Audience)) return PublishRefusal.Role;
        if (!stage.IsOnStage(token.Room, token.Participant, out var audioOnly)) return PublishRefusal.NotOnStage;
        return audioOnly && OfferSendsVideo(offerSdp) ? PublishRefusal.AudioOnly : PublishRefusal.None;
    }

    /// <summary>After the SFU accepted the publish: false (and the transport closed) if the publisher left the stage meanwhile.</summary>
    public async Task<bool> ConfirmAsync(RoomToken token, string transportId)
    {
        if (token.Role is ParticipantRole.Anchor or ParticipantRole.Service || stage.IsOnStage(token.Room, token.Participant, out _))
        {
            Published?.Invoke(token, transportId);
            return true;
        }
        await sfu.CloseTransportAsync(transportId);
        return false;
    }

    /// <summary>Whether an offer has a live video m-section the offerer sends on (an unreadable offer is left to the SFU to refuse).</summary>
    public static bool OfferSendsVideo(string offerSdp)
    {
        if (SessionDescription.TryParse(offerSdp, out var offer) != SdpError.None) return false;
        foreach (var media in offer!.Media)
            if (media.Kind == MediaKind.Video && !media.IsRejected && media.Direction.Sends()) return true;
        return false;
    }

    public static string Describe(PublishRefusal refusal, ParticipantRole role) => refusal switch
    {
        PublishRefusal.Role => $"a {role.ToString().ToLowerInvariant()} may not publish",
        PublishRefusal.NotOnStage => $"a {role.ToString().ToLowerInvariant()} may not publish unless on the stage",
        PublishRefusal.AudioOnly => "an audio-only guest may not send video",
        _ => "",
    };

    public static string Reason(PublishRefusal refusal) => refusal switch
    {
        PublishRefusal.Role => "role",
        PublishRefusal.NotOnStage => "not-on-stage",
        PublishRefusal.AudioOnly => "audio-only",
        _ => "none",
    };
}
