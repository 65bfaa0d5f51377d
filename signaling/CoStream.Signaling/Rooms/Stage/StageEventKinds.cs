namespace CoStream.Signaling.Rooms.Stage;

/// <summary>The event kinds of co-streaming (stage) and cross-room PK (docs/protocols.md, "Room hub: stage and PK").</summary>
public static class StageEventKinds
{
    public const string Requested = "stage.requested";
    public const string RequestCancelled = "stage.requestCancelled";
    public const string RequestDeclined = "stage.requestDeclined";
    public const string RequestExpired = "stage.requestExpired";
    public const string Invited = "stage.invited";
    public const string InviteCancelled = "stage.inviteCancelled";
    public const string InviteDeclined = "stage.inviteDeclined";
    public const string InviteExpired = "stage.inviteExpired";
    public const string Joined = "stage.joined";
    public const string Left = "stage.left";
    public const string Disconnected = "stage.disconnected";
    public const string Reconnected = "stage.reconnected";

    public const string PkInvited = "pk.invited";
    public const string PkDeclined = "pk.declined";
    public const string PkCancelled = "pk.cancelled";
    public const string PkExpired = "pk.expired";
    public const string PkStarted = "pk.started";
    public const string PkEnded = "pk.ended";
}
