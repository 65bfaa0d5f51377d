using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Tests.E2E;

namespace CoStream.Signaling.Tests.Auth;

/// <summary>The two ways to mint a token with audience segments: <c>/dev/token?segments=</c> and the <c>token</c> CLI.</summary>
public sealed class TokenSegmentIssuingTests
{
    [Fact]
    public async Task DevToken_TakesSegments_AndRefusesBadOnes()
    {
        await using var server = await CoStreamServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var token = await http.GetStringAsync("/dev/token?room=r1&participant=ann&role=audience&segments=new-follower,vip");
        Assert.Equal(TokenError.None, server.Tokens.TryValidate(token, out var claims));
        Assert.Equal(["new-follower", "vip"], claims!.Segments);
        var plain = await http.GetStringAsync("/dev/token?room=r1&participant=bob&role=audience");
        Assert.Equal(TokenError.None, server.Tokens.TryValidate(plain, out var plainClaims));
        Assert.Empty(plainClaims!.Segments);
        var many = string.Join(',', Enumerable.Range(0, RoomTokenService.MaxSegments + 1).Select(i => "s" + i));
        foreach (var bad in new[] { "a%20b", many, "ok,%3Cscript%3E" })
            Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/dev/token?room=r1&participant=c&role=audience&segments={bad}")).StatusCode);
    }

    [Fact]
    public async Task TokenCommand_PrintsATokenWithSegments()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var (exit, stdout) = await RunHostAsync("token", "--room", "r1", "--participant", "ann", "--role", "audience",
            "--segments", "new-follower,vip", $"--CoStream:TokenSecret={Convert.ToBase64String(secret)}");
        Assert.Equal(0, exit);
        Assert.Equal(TokenError.None, new RoomTokenService(secret).TryValidate(stdout.Trim(), out var claims));
        Assert.Equal(["new-follower", "vip"], claims!.Segments);
        Assert.Equal(ParticipantRole.Audience, claims.Role);

        var (badExit, _) = await RunHostAsync("token", "--room", "r1", "--participant", "ann", "--role", "audience",
            "--segments", "not ok", $"--CoStream:TokenSecret={Convert.ToBase64String(secret)}");
        Assert.Equal(2, badExit);
    }

    private static async Task<(int Exit, string Stdout)> RunHostAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ChildHost.HostDll());
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        await stderr;
        return (process.ExitCode, await stdout);
    }
}
