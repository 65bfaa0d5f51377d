namespace CoStream.Signaling.Auth;

/// <summary>What a token holder may do in a room.</summary>
public enum ParticipantRole
{
    /// <summary>Watches; never publishes.</summary>
    Audience = 0,
    /// <summary>Publishes while invited onto the anchor's stage.</summary>
    Guest = 1,
    /// <summary>Owns the room: publishes, moderates, sells.</summary>
    Anchor = 2,
    /// <summary>A trusted back-end service (mixer, recorder, load tester).</summary>
    Service = 3,
}

public static class ParticipantRoleExtensions
{
    public static bool MayPublish(this ParticipantRole role) => role is ParticipantRole.Anchor or ParticipantRole.Guest or ParticipantRole.Service;
}
