using System.Text.Json.Nodes;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Media;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Extensions.DependencyInjection;

namespace CoStream.Signaling.Tests.Rooms.Stage;

/// <summary>
/// A real server (with <see cref="ServerArgs"/>) and the Node SignalR driver per test; <see cref="JoinAsync"/> connects a real
/// @microsoft/signalr client to /hubs/room with a token and joins.
/// </summary>
public abstract class RoomTestBase : IAsyncLifetime
{
    protected CoStreamServer Server { get; private set; } = null!;
    protected SignalRDriver Driver { get; private set; } = null!;

    protected virtual string[] ServerArgs => [];

    public async Task InitializeAsync()
    {
        Server = await CoStreamServer.StartAsync(ServerArgs);
        Driver = SignalRDriver.Start();
    }

    public async Task DisposeAsync()
    {
        await Driver.DisposeAsync();
        await Server.DisposeAsync();
    }

    protected SignalingCounters Counters => Server.Services.GetRequiredService<SignalingCounters>();

    /// <summary>Connects and joins; returns the client and Join's result.</summary>
    protected async Task<(HubClient Client, JsonObject Join)> JoinAsync(string room, string participant, ParticipantRole role)
    {
        var client = await Driver.ConnectAsync(Server.BaseUrl, Server.Token(room, participant, role));
        var join = (await client.InvokeAsync("Join", 0))!.AsObject();
        return (client, join);
    }

    protected async Task<HubClient> MemberAsync(string room, string participant, ParticipantRole role) =>
        (await JoinAsync(room, participant, role)).Client;

    /// <summary>Waits for an event of <paramref name="kind"/> about <paramref name="participant"/> (data.participant).</summary>
    protected static Task<JsonObject> WaitFor(HubClient client, string kind, string? participant = null, TimeSpan? timeout = null) =>
        client.WaitForEventAsync(e => (string?)e["kind"] == kind && (participant is null || (string?)e["data"]!["participant"] == participant), timeout);

    /// <summary>(seq, kind, participant) of the events whose kind starts with <paramref name="prefix"/>.</summary>
    protected static string[] Trace(HubClient client, string prefix) => client.RoomEvents
        .Where(e => ((string)e["kind"]!).StartsWith(prefix, StringComparison.Ordinal))
        .Select(e => $"{(long)e["seq"]!}:{(string)e["kind"]!}:{(string?)e["data"]!["participant"]}")
        .ToArray();

    protected static async Task<string> RefusedAsync(HubClient client, string method, params object?[] args)
    {
        var error = await client.InvokeExpectingErrorAsync(method, args);
        Assert.NotNull(error);
        return error!;
    }
}
