using System.Text;
using CoStream.Sfu;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Rooms.Stage;

namespace CoStream.Signaling.Media;

/// <summary>
/// WHIP (RFC 9725) ingest and WHEP playback. The client POSTs an SDP offer with a bearer room token;
/// the answer comes back with 201 Created and a session URL to DELETE when done. The SFU is ICE-lite
/// and learns the client's address from its connectivity checks, so trickled candidates (PATCH) are
/// accepted and not needed.
/// </summary>
public static class WhipWhepEndpoints
{
    private const int MaxSdpBytes = 64 * 1024;

    public static void MapWhipWhep(this IEndpointRouteBuilder app)
    {
        app.MapPost("/whip/{room}", (HttpContext http, string room, SfuServer sfu, RoomTokenService tokens, SignalingCounters counters, PublishGate gate) =>
            Create(http, room, "whip", sfu, tokens, counters, gate));
        app.MapPost("/whep/{room}", (HttpContext http, string room, SfuServer sfu, RoomTokenService tokens, SignalingCounters counters, PublishGate gate) =>
            Create(http, room, "whep", sfu, tokens, counters, gate));
        foreach (var kind in new[] { "whip", "whep" })
        {
            app.MapDelete($"/{kind}/{{room}}/{{session}}", async (HttpContext http, string room, string session, SfuServer sfu, RoomTokenService tokens, SignalingCounters counters) =>
            {
                var token = Authorize(http, room, tokens, counters, out var refusal);
                if (token is null) return refusal!;
                if (!await sfu.CloseTransportAsync(session, ownerParticipant: token.Participant)) return Results.NotFound();
                return Results.Ok();
            });
            app.MapMethods($"/{kind}/{{room}}/{{session}}", ["PATCH"], (HttpContext http, string room, string session, RoomTokenService tokens, SignalingCounters counters) =>
            {
                var token = Authorize(http, room, tokens, counters, out var refusal);
                if (token is null) return refusal!;
                // ICE-lite: the SFU learns the peer's address from its checks; trickled candidates add nothing.
                return Results.NoContent();
            });
            app.MapMethods($"/{kind}/{{room}}", ["OPTIONS"], (HttpContext http) =>
            {
                http.Response.Headers["Accept-Post"] = "application/sdp";
                return Results.NoContent();
            });
        }
    }

    private static async Task<IResult> Create(HttpContext http, string room, string kind, SfuServer sfu, RoomTokenService tokens, SignalingCounters counters,
        PublishGate gate)
    {
        var token = Authorize(http, room, tokens, counters, out var refusal);
        if (token is null) return refusal!;
        // Who may publish at all is known before the body is read (the audio-only check needs the offer).
        if (kind == "whip" && gate.Check(token, "") is var early && early != PublishRefusal.None)
        {
            counters.CountHttpRefusal(PublishGate.Reason(early));
            return Results.Problem(PublishGate.Describe(early, token.Role), statusCode: StatusCodes.Status403Forbidden);
        }
        if (!string.Equals(http.Request.ContentType?.Split(';')[0].Trim(), "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            counters.CountHttpRefusal("content-type");
            return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        }
        if (http.Request.ContentLength > MaxSdpBytes)
        {
            counters.CountHttpRefusal("too-large");
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }
        var offer = await ReadBodyAsync(http.Request, MaxSdpBytes);
        if (offer is null)
        {
            counters.CountHttpRefusal("too-large");
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        // The stage decides who publishes: anchor and services always, guests and audience only while on stage.
        var gated = kind == "whip" ? gate.Check(token, offer) : PublishRefusal.None;
        if (gated != PublishRefusal.None)
        {
            counters.CountHttpRefusal(PublishGate.Reason(gated));
            return Results.Problem(PublishGate.Describe(gated, token.Role), statusCode: StatusCodes.Status403Forbidden);
        }
        var result = kind == "whip"
            ? await sfu.PublishAsync(token.Room, token.Participant, offer, http.RequestAborted)
            : await sfu.PlayAsync(token.Room, token.Participant, offer, http.Request.Query["source"].FirstOrDefault(), http.RequestAborted);
        if (!result.Ok)
        {
            counters.CountHttpRefusal("sdp");
            return Results.Problem(result.Error, statusCode: StatusCodes.Status400BadRequest);
        }
        if (kind == "whip" && !await gate.ConfirmAsync(token, result.TransportId))
        {
            counters.CountHttpRefusal(PublishGate.Reason(PublishRefusal.NotOnStage));
            return Results.Problem("left the stage while publishing", statusCode: StatusCodes.Status403Forbidden);
        }
        var location = $"/{kind}/{room}/{result.TransportId}";
        http.Response.Headers.Location = location;
        http.Response.Headers.ETag = $"\"{result.TransportId}\"";
        return Results.Text(result.Sdp!, "application/sdp", Encoding.UTF8, StatusCodes.Status201Created);
    }

    private static RoomToken? Authorize(HttpContext http, string room, RoomTokenService tokens, SignalingCounters counters, out IResult? refusal)
    {
        var error = tokens.TryValidate(BearerToken.FromHeader(http.Request.Headers.Authorization.ToString()), out var token);
        if (error != TokenError.None)
        {
            counters.CountTokenRefusal(error);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            refusal = Results.Problem($"token {error}", statusCode: StatusCodes.Status401Unauthorized);
            return null;
        }
        if (token!.Room != room)
        {
            counters.CountHttpRefusal("wrong-room");
            refusal = Results.Problem("the token is for another room", statusCode: StatusCodes.Status403Forbidden);
            return null;
        }
        refusal = null;
        return token;
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request, int limit)
    {
        var buffer = new byte[limit + 1];
        var total = 0;
        int n;
        while ((n = await request.Body.ReadAsync(buffer.AsMemory(total, buffer.Length - total))) > 0)
        {
            total += n;
            if (total > limit) return null;
        }
        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
