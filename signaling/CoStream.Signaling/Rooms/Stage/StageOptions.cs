namespace CoStream.Signaling.Rooms.Stage;

/// <summary>
/// The co-streaming (stage) and PK settings, from configuration keys under <c>Rooms:</c>:
/// <c>MaxGuests</c> (6), <c>InviteTimeoutSeconds</c> (30, requests and invites), <c>PkInviteTimeoutSeconds</c>
/// (= InviteTimeoutSeconds), <c>ReconnectGraceSeconds</c> (15), <c>JoinLiveWithinSeconds</c> (10, one-shot join success).
/// </summary>
public sealed record StageOptions(int MaxGuests, TimeSpan InviteTimeout, TimeSpan PkInviteTimeout, TimeSpan ReconnectGrace, TimeSpan JoinLiveWithin)
{
    public static StageOptions Default { get; } = new(6, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10));

    public static StageOptions From(IConfiguration config)
    {
        var invite = Seconds(config, "Rooms:InviteTimeoutSeconds", Default.InviteTimeout);
        return new StageOptions(
            Math.Clamp(config.GetValue("Rooms:MaxGuests", Default.MaxGuests), 0, 64),
            invite,
            Seconds(config, "Rooms:PkInviteTimeoutSeconds", invite),
            Seconds(config, "Rooms:ReconnectGraceSeconds", Default.ReconnectGrace),
            Seconds(config, "Rooms:JoinLiveWithinSeconds", Default.JoinLiveWithin));
    }

    private static TimeSpan Seconds(IConfiguration config, string key, TimeSpan fallback) =>
        TimeSpan.FromSeconds(Math.Clamp(config.GetValue(key, fallback.TotalSeconds), 0.05, 24 * 3600));
}
