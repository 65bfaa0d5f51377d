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

    private CoStreamServer(WebApplication app, string url, string dataDirectory)
    {
        _app = app;
        BaseUrl = url;
        DataDirectory = dataDirectory;
    }

    /// <summary>A temporary directory holding this server's commerce ledger (SQLite), deleted on dispose.</summary>
    public string DataDirectory { get; }
    public string LedgerPath => Path.Combine(DataDirectory, "ledger.db");

    public string BaseUrl { get; }
    public SfuServer Sfu => _app.Services.GetRequiredService<SfuServer>();
    public IServiceProvider Services => _app.Services;
    public RoomTokenService Tokens => _app.Services.GetRequiredService<RoomTokenService>();

    public static async Task<CoStreamServer> StartAsync(params string[] extraArgs)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var data = Directory.CreateTempSubdirectory("costream-server-").FullName;
        string[] args = ["--urls=http://127.0.0.1:0", $"--CoStream:TokenSecret={secret}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:CoStream=Information",
            $"--Commerce:Store:SqlitePath={Path.Combine(data, "ledger.db")}",
            // The mixer encodes video for every live room: off unless a test asks for it (a later --Mixer:Enabled=true wins).
            "--Mixer:Enabled=false", .. extraArgs];
        var app = CoStreamHost.Build(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CoStreamServer(app, address.Replace("[::]", "127.0.0.1"), data);
    }

    public string Token(string room, string participant, ParticipantRole role, params string[] segments) =>
        Tokens.Issue(room, participant, role, TimeSpan.FromMinutes(30), segments);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
