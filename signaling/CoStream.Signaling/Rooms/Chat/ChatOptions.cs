namespace CoStream.Signaling.Rooms.Chat;

/// <summary>
/// Chat and like limits, from configuration keys under <c>Rooms:Chat:</c> (defaults in brackets):
/// <c>MaxCommentChars</c> [300], <c>CommentsPerSecond</c> [2] / <c>CommentBurst</c> [5] per user,
/// <c>LikeCallsPerSecond</c> [5] / <c>LikeCallBurst</c> [10] per user, <c>RoomCommentsPerSecond</c> [100] /
/// <c>RoomCommentBurst</c> [100] broadcast per room, <c>LikeFlushMs</c> [500], <c>MaxMuteSeconds</c> [604800].
/// </summary>
public sealed record ChatOptions
{
    public int MaxCommentChars { get; init; } = 300;
    public RateLimit PerUserComments { get; init; } = new(2, 5);
    public RateLimit PerUserLikeCalls { get; init; } = new(5, 10);
    public RateLimit RoomBroadcast { get; init; } = new(100, 100);
    public int MaxLikesPerCall { get; init; } = 50;
    public int LikeFlushMs { get; init; } = 500;
    public int MaxMuteSeconds { get; init; } = 7 * 24 * 3600;
    /// <summary>A user's idle, refilled limiter bucket is forgotten after this long.</summary>
    public int ForgetIdleMs { get; init; } = 60_000;

    public static ChatOptions From(IConfiguration config)
    {
        var s = config.GetSection("Rooms:Chat");
        var d = new ChatOptions();
        return new ChatOptions
        {
            MaxCommentChars = s.GetValue("MaxCommentChars", d.MaxCommentChars),
            PerUserComments = new(s.GetValue("CommentsPerSecond", d.PerUserComments.PerSecond), s.GetValue("CommentBurst", d.PerUserComments.Burst)),
            PerUserLikeCalls = new(s.GetValue("LikeCallsPerSecond", d.PerUserLikeCalls.PerSecond), s.GetValue("LikeCallBurst", d.PerUserLikeCalls.Burst)),
            RoomBroadcast = new(s.GetValue("RoomCommentsPerSecond", d.RoomBroadcast.PerSecond), s.GetValue("RoomCommentBurst", d.RoomBroadcast.Burst)),
            LikeFlushMs = Math.Max(50, s.GetValue("LikeFlushMs", d.LikeFlushMs)),
            MaxMuteSeconds = s.GetValue("MaxMuteSeconds", d.MaxMuteSeconds),
        };
    }
}
