using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Tests.E2E;

namespace CoStream.Signaling.Tests.Media;

/// <summary>WHIP/WHEP (RFC 9725) refusals against the real server: each with its status code and a counter.</summary>
public sealed class WhipWhepRefusalTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly CoStreamServer _server = fixture.Server;
    private readonly HttpClient _http = fixture.Http;

    private Task<HttpResponseMessage> Post(string path, string? token, string body, string contentType = "application/sdp")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _server.BaseUrl + path)
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _http.SendAsync(request);
    }

    private long Counter(string key) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<global::CoStream.Signaling.Media.SignalingCounters>(_server.Services).Get(key);

    [Fact]
    public async Task NoToken_Is401()
    {
        var response = await Post("/whip/r1", null, "v=0");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(Counter("token.Missing") >= 1);
    }

    [Fact]
    public async Task ForgedToken_Is401()
    {
        var token = _server.Token("r1", "a", ParticipantRole.Anchor);
        var forged = token[..^4] + (token[^4..] == "AAAA" ? "BBBB" : "AAAA");
        var response = await Post("/whip/r1", forged, "v=0");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(Counter("token.BadSignature") >= 1);
    }

    [Fact]
    public async Task TokenForAnotherRoom_Is403()
    {
        var response = await Post("/whip/r2", _server.Token("r1", "a", ParticipantRole.Anchor), "v=0");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(Counter("http.wrong-room") >= 1);
    }

    [Fact]
    public async Task AudienceMayNotPublish_Is403()
    {
        var response = await Post("/whip/r1", _server.Token("r1", "v", ParticipantRole.Audience), "v=0");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        // Not on the room's stage (the publish gate, Rooms/Stage/PublishGate).
        Assert.True(Counter("http.not-on-stage") >= 1);
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var response = await Post("/whip/r1", _server.Token("r1", "a", ParticipantRole.Anchor), "{}", "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task OversizedOffer_Is413()
    {
        var response = await Post("/whip/r1", _server.Token("r1", "a", ParticipantRole.Anchor), new string('a', 70_000));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n")]                       // no media at all
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=sendonly\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\n")] // no common codec
    public async Task GarbageOrUselessOffer_Is400_AndTheServerStaysUp(string offer)
    {
        var response = await Post("/whip/r1", _server.Token("r1", "a", ParticipantRole.Anchor), offer);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(Counter("http.sdp") >= 1);
        var metrics = await _http.GetAsync(_server.BaseUrl + "/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public async Task WhepOfAnEmptyRoom_Is400()
    {
        var response = await Post("/whep/empty", _server.Token("empty", "v", ParticipantRole.Audience), "v=0\r\n");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task DeleteOfUnknownSession_Is404()
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, _server.BaseUrl + "/whip/r1/nope");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.Token("r1", "a", ParticipantRole.Anchor));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(request)).StatusCode);
    }
}

/// <summary>One server shared by a test class's tests.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public CoStreamServer Server { get; private set; } = null!;
    public HttpClient Http { get; } = new();

    public async Task InitializeAsync() => Server = await CoStreamServer.StartAsync();

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
