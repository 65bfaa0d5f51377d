using CoStream.Signaling.Rooms.Chat;

namespace CoStream.Signaling.Rooms.Guard;

/// <summary>
/// Limits of <see cref="HubGuardFilter"/>, from configuration keys under <c>Rooms:Guard:</c> (defaults in brackets):
/// <c>InvocationsPerSecond</c> [30] / <c>InvocationBurst</c> [60] per connection; <c>CloseAfterRefusals</c> [100]
/// refusals, forgiven at <c>RefusalsForgivenPerSecond</c> [2], before the connection is closed; <c>ExemptServices</c>
/// [true]: connections with a <c>service</c> token are not rate limited.
/// </summary>
public sealed record GuardOptions
{
    public RateLimit PerConnection { get; init; } = new(30, 60);
    public RateLimit Abuse { get; init; } = new(2, 100);
    public bool ExemptServices { get; init; } = true;

    public static GuardOptions From(IConfiguration config)
    {
        var s = config.GetSection("Rooms:Guard");
        var d = new GuardOptions();
        return new GuardOptions
        {
            PerConnection = new(s.GetValue("InvocationsPerSecond", d.PerConnection.PerSecond), s.GetValue("InvocationBurst", d.PerConnection.Burst)),
            Abuse = new(s.GetValue("RefusalsForgivenPerSecond", d.Abuse.PerSecond), s.GetValue("CloseAfterRefusals", d.Abuse.Burst)),
            ExemptServices = s.GetValue("ExemptServices", d.ExemptServices),
        };
    }
}
