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

/// <summary>HTTP read-outs of the stage: <c>GET /rooms/{room}/stats</c> (bearer token of that room's anchor or a service).</summary>
public static class StageEndpoints
{
    public static void MapStageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/rooms/{room}/stats", (HttpContext http, string room, Auth.RoomTokenService tokens, Media.SignalingCounters counters,
            JoinSuccessTracker joins) =>
        {
            var error = tokens.TryValidate(Media.BearerToken.FromHeader(http.Request.Headers.Authorization.ToString()), out var token);
            if (error != Auth.TokenError.None)
            {
                counters.CountTokenRefusal(error);
                return Results.Problem($"token {error}", statusCode: StatusCodes.Status401Unauthorized);
            }
            if (token!.Room != room || token.Role is not (Auth.ParticipantRole.Anchor or Auth.ParticipantRole.Service))
            {
                counters.CountHttpRefusal("role");
                return Results.Problem("the room's anchor or a service only", statusCode: StatusCodes.Status403Forbidden);
            }
            var stats = joins.StatsOf(room);
            return Results.Json(new
            {
                room,
                joinAttempts = stats.Attempts,
                joinSucceededFirstTry = stats.SucceededFirstTry,
                joinFailed = stats.Failed,
                joinSuccessRate = stats.Attempts == 0 ? (double?)null : (double)stats.SucceededFirstTry / stats.Attempts,
            });
        });
    }
}
