using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoStream.Signaling.Rooms.Stage;

/// <summary>Registers co-streaming (stage), PK, the publish gate and room presence.</summary>
public static class StageServiceCollection
{
    public static IServiceCollection AddCoStreamStage(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(StageOptions.From(config));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RoomPresence>();
        services.AddSingleton<JoinSuccessTracker>();
        services.AddSingleton<StageService>();
        services.AddSingleton<PkService>();
        services.AddSingleton<PublishGate>();
        // Presence is only useful once the stage and PK listen to it: create them with it.
        services.AddSingleton<IRoomPresenceListener>(sp =>
        {
            sp.GetRequiredService<StageService>();
            sp.GetRequiredService<PkService>();
            return sp.GetRequiredService<RoomPresence>();
        });
        services.AddSingleton<IRoomStateContributor>(sp => sp.GetRequiredService<StageService>());
        services.AddSingleton<IRoomStateContributor>(sp => sp.GetRequiredService<PkService>());
        return services;
    }
}
