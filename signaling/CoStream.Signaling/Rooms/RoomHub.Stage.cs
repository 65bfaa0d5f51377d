using CoStream.Signaling.Rooms.Stage;

namespace CoStream.Signaling.Rooms;

/// <summary>Co-streaming (lianmai): requests to join, invites, the guests on stage (docs/protocols.md, "Room hub: stage and PK").</summary>
public sealed partial class RoomHub
{
    private StageService Stage => services.GetRequiredService<StageService>();

    /// <summary>An audience member or guest asks the anchor to go on stage (audio-only: publishes audio only).</summary>
    public void RequestToJoin(bool audioOnly) => Check(Stage.RequestToJoin(RequireToken(), audioOnly), "request to join");

    /// <summary>The requester withdraws its pending request.</summary>
    public void CancelRequest() => Check(Stage.CancelRequest(RequireToken()), "cancel the request");

    /// <summary>The anchor takes a requester on stage.</summary>
    public void AcceptRequest(string participant) => Check(Stage.AcceptRequest(RequireToken(), participant), "accept the request");

    /// <summary>The anchor turns a request down.</summary>
    public void DeclineRequest(string participant) => Check(Stage.DeclineRequest(RequireToken(), participant), "decline the request");

    /// <summary>The anchor invites a participant (audience member or guest-link holder) onto the stage.</summary>
    public void Invite(string participant, bool audioOnly) => Check(Stage.Invite(RequireToken(), participant, audioOnly), "invite");

    /// <summary>The anchor withdraws a pending invite.</summary>
    public void CancelInvite(string participant) => Check(Stage.CancelInvite(RequireToken(), participant), "cancel the invite");

    /// <summary>The invitee accepts its invite and goes on stage.</summary>
    public void AcceptInvite() => Check(Stage.AcceptInvite(RequireToken()), "accept the invite");

    /// <summary>The invitee turns its invite down.</summary>
    public void DeclineInvite() => Check(Stage.DeclineInvite(RequireToken()), "decline the invite");

    /// <summary>The anchor takes a guest off the stage; the guest's publish transports close.</summary>
    public async Task RemoveGuest(string participant)
    {
        var token = RequireToken();
        Check(Stage.RemoveGuest(token, participant), "remove the guest");
        await Stage.ClosePublishAsync(token.Room, participant);
    }

    /// <summary>A guest leaves the stage; its publish transports close.</summary>
    public async Task LeaveStage()
    {
        var token = RequireToken();
        Check(Stage.LeaveStage(token), "leave the stage");
        await Stage.ClosePublishAsync(token.Room, token.Participant);
    }

    private void Check(StageError error, string what)
    {
        if (error == StageError.None) return;
        throw Refuse(error.Reason(), error switch
        {
            StageError.Role => $"a {RequireToken().Role.ToString().ToLowerInvariant()} may not {what}",
            StageError.Argument => $"cannot {what}: bad argument",
            StageError.NotFound => $"cannot {what}: there is none",
            StageError.State => $"cannot {what}: already on stage or pending",
            StageError.Full => $"cannot {what}: the stage is full",
            StageError.Busy => $"cannot {what}: a PK is already pending or running",
            _ => $"cannot {what}",
        });
    }
}
