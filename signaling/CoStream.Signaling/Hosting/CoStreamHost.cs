using System.Net;
using CoStream.Sfu;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Commerce;
using CoStream.Signaling.Media;
using CoStream.Signaling.Mixing;
using CoStream.Mixer.Output;
using CoStream.Signaling.Rooms;
using CoStream.Signaling.Rooms.Stage;

using CoStream.Signaling.Rooms.Chat;
using CoStream.Signaling.Rooms.Guard;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.FileProviders;

namespace CoStream.Signaling.Hosting;

/// <summary>Builds the single CoStream process: HTTP + SignalR + WHIP/WHEP + the in-process SFU + the web client.</summary>
public static class CoStreamHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings (appsettings.json) come from beside the binary, whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var config = builder.Configuration;
        if (string.IsNullOrEmpty(config["urls"]) && string.IsNullOrEmpty(config["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://127.0.0.1:8080");

        builder.Services.AddSingleton(_ => new RoomTokenService(TokenSecret.Load(config)));
        builder.Services.AddSingleton<SignalingCounters>();
        builder.Services.AddSingleton<MediaSessions>();
        builder.Services.AddSingleton<RoomEvents>();
        builder.Services.AddCoStreamStage(config);

        builder.Services.AddCommerce(config);
        builder.Services.AddSingleton(MixerSettings.From(config));
        builder.Services.AddSingleton<RoomMixers>();
        builder.Services.AddSingleton(sp => SfuServer.Start(new SfuOptions
        {
            ListenAddress = IPAddress.Parse(config["Sfu:ListenAddress"] ?? "127.0.0.1"),
            Port = int.Parse(config["Sfu:Port"] ?? "0"),
            AnnouncedAddress = config["Sfu:AnnouncedAddress"] is { Length: > 0 } a ? IPAddress.Parse(a) : null,
            AnnouncedPort = config["Sfu:AnnouncedPort"] is { Length: > 0 } ap ? int.Parse(ap) : null,
            VideoPlayoutDelay = config["Sfu:VideoPlayoutDelayMaxMs"] is { Length: > 0 } pd
                ? (int.Parse(pd) < 0 ? null : (0, int.Parse(pd)))
                : (0, 0),
        }, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = 128 * 1024;
            o.EnableDetailedErrors = false;
        });
        builder.Services.AddHubGuard(config);
        builder.Services.AddRoomChat(config);
        builder.Services.AddSingleton(RoomEventsOptions.From(config));
        configure?.Invoke(builder);

        var app = builder.Build();
        var webRoot = WebClientRoot.Find(config["WebClient:Root"]);
        var files = new PhysicalFileProvider(webRoot);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ServeUnknownFileTypes = false,
        });
        app.MapHub<MediaHub>(MediaHub.Path);
        app.MapHub<RoomHub>(RoomHub.Path);
        app.MapWhipWhep();
        app.MapStageEndpoints();
        var mixers = app.Services.GetRequiredService<RoomMixers>();
        app.MapHttpFlv(mixers.BroadcastOf);
        app.MapGet("/metrics", (SfuServer sfu, SignalingCounters counters) => Results.Json(new
        {
            sfu = sfu.Counters.Snapshot(),
            signaling = counters.Snapshot(),
            mixers = mixers.Rooms.Select(room => MixerMetrics.Of(room, mixers)).ToArray(),
            engine = new
            {
                udpPort = sfu.LocalEndPoint.Port,
                datagramsReceived = sfu.DatagramsReceived,
                datagramsSent = sfu.DatagramsSent,
                loopAllocatedBytes = sfu.LoopAllocatedBytes,
                processAllocatedBytes = GC.GetTotalAllocatedBytes(false),
                gen0Collections = GC.CollectionCount(0),
                gen2Collections = GC.CollectionCount(2),
            },
        }));
        if (config.GetValue("CoStream:DevTokens", true))
        {
            // Development convenience on the embedded defaults: mint a token over HTTP from this machine only.
            app.MapGet("/dev/token", (HttpContext http, string room, string participant, string role, string? segments, RoomTokenService tokens) =>
            {
                if (http.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip)) return Results.Forbid();
                if (!Enum.TryParse<ParticipantRole>(role, true, out var r) || !Enum.IsDefined(r) || int.TryParse(role, out _)) return Results.BadRequest("unknown role");
                if (!RoomTokenService.IsValidId(room) || !RoomTokenService.IsValidId(participant)) return Results.BadRequest("bad id");
                // segments=a,b (optional): the audience segments the token vouches for.
                var segmentList = SegmentList.Parse(segments);
                if (!RoomTokenService.AreValidSegments(segmentList)) return Results.BadRequest("bad segments");
                return Results.Text(tokens.Issue(room, participant, r, TimeSpan.FromHours(12), segmentList));
            });
        }
        app.Services.GetRequiredService<ICommerceLedger>(); // open the store now: a bad store fails the start
        var sfu = app.Services.GetRequiredService<SfuServer>();
        var hub = app.Services.GetRequiredService<IHubContext<MediaHub>>();
        // Raised on the SFU's loop thread: hand off, never block it.
        sfu.ActiveSpeakerChanged += (room, participant) => _ = hub.Clients.Group(room).SendAsync("activeSpeaker", participant);
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            // Mixers first: they read from the SFU.
            mixers.DisposeAsync().AsTask().GetAwaiter().GetResult();
            app.Services.GetRequiredService<SfuServer>().DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        return app;
    }
}
