using System.Security.Cryptography;
using CoStream.Sfu;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CoStream.Signaling.Tests.E2E;

/// <summary>The real CoStream host (HTTP, SignalR, WHIP/WHEP, SFU) started on 127.0.0.1 ephemeral ports.</summary>
public sealed class CoStreamServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CoStreamServer(WebApplication app, string url)
    {
        _app = app;
        BaseUrl = url;
    }

    public string BaseUrl { get; }
    public SfuServer Sfu => _app.Services.GetRequiredService<SfuServer>();
    public IServiceProvider Services => _app.Services;
    public RoomTokenService Tokens => _app.Services.GetRequiredService<RoomTokenService>();

    public static async Task<CoStreamServer> StartAsync(params string[] extraArgs)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        string[] args = ["--urls=http://127.0.0.1:0", $"--CoStream:TokenSecret={secret}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:CoStream=Information", .. extraArgs];
        var app = CoStreamHost.Build(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CoStreamServer(app, address.Replace("[::]", "127.0.0.1"));
    }

    public string Token(string room, string participant, ParticipantRole role) =>
        Tokens.Issue(room, participant, role, TimeSpan.FromMinutes(30));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
