using CoStream.Signaling.Rooms.Stage;

namespace CoStream.Signaling.Rooms;

/// <summary>Cross-room PK between two anchors (docs/protocols.md, "Room hub: stage and PK").</summary>
public sealed partial class RoomHub
{
    private PkService Pk => services.GetRequiredService<PkService>();

    /// <summary>The anchor invites the anchor of <paramref name="targetRoom"/> to a PK.</summary>
    public void InvitePk(string targetRoom) => Check(Pk.Invite(RequireToken(), targetRoom), "invite to a PK");

    /// <summary>The invited room's anchor accepts: both rooms' subscribers receive the other anchor's tracks.</summary>
    public async Task AcceptPk(string fromRoom) => Check(await Pk.AcceptAsync(RequireToken(), fromRoom), "accept the PK");

    /// <summary>The invited room's anchor declines.</summary>
    public void DeclinePk(string fromRoom) => Check(Pk.Decline(RequireToken(), fromRoom), "decline the PK");

    /// <summary>The inviting anchor withdraws its pending invitation.</summary>
    public void CancelPk() => Check(Pk.Cancel(RequireToken()), "cancel the PK");

    /// <summary>Either anchor ends the running PK.</summary>
    public async Task EndPk() => Check(await Pk.EndAsync(RequireToken()), "end the PK");
}
