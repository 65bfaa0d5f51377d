namespace CoStream.Signaling.Rooms.Chat;

/// <summary>
/// The like flush: every <see cref="ChatOptions.LikeFlushMs"/> one <c>likes</c> event per room that got likes,
/// and now and then a sweep of idle limiter state.
/// </summary>
public sealed class RoomChatTimer(RoomChat chat, ILogger<RoomChatTimer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(chat.Options.LikeFlushMs));
        var ticks = 0L;
        var sweepEvery = Math.Max(1, 10_000 / chat.Options.LikeFlushMs);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    chat.FlushLikes();
                    if (++ticks % sweepEvery == 0) chat.Sweep();
                }
                catch (Exception e)
                {
                    log.LogError(e, "like flush failed");
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}

/// <summary>Registers the room chat (comments, likes, mutes) and its timer.</summary>
public static class RoomChatRegistration
{
    public static IServiceCollection AddRoomChat(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(ChatOptions.From(config));
        services.AddSingleton(sp => new RoomChat(sp.GetRequiredService<ChatOptions>(), sp.GetRequiredService<RoomEvents>(),
            sp.GetRequiredService<Media.SignalingCounters>()));
        services.AddSingleton<IRoomStateContributor>(sp => sp.GetRequiredService<RoomChat>());
        services.AddHostedService<RoomChatTimer>();
        return services;
    }
}
