using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CoStream.Mixer.Output;

/// <summary>
/// HTTP-FLV: GET /live/{room}.flv streams a room's <see cref="FlvBroadcast"/> as video/x-flv with chunked
/// transfer and no response buffering; each write is flushed as soon as the viewer's queue runs dry.
/// </summary>
public static class HttpFlvEndpoints
{
    public const string ContentType = "video/x-flv";

    public static IEndpointConventionBuilder MapHttpFlv(this IEndpointRouteBuilder endpoints, Func<string, FlvBroadcast?> lookup)
        => endpoints.MapGet("/live/{room}.flv", (HttpContext context, string room) => ServeAsync(context, lookup(room)));

    private static async Task ServeAsync(HttpContext context, FlvBroadcast? broadcast)
    {
        var viewer = broadcast?.Subscribe();
        if (viewer == null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var ct = context.RequestAborted;
        try
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.ContentType = ContentType;
            context.Response.Headers.CacheControl = "no-cache, no-store";
            context.Response.Headers["X-Accel-Buffering"] = "no";
            await context.Response.StartAsync(ct);
            var body = context.Response.BodyWriter;
            var reader = viewer.Reader;
            while (await reader.WaitToReadAsync(ct))
            {
                while (reader.TryRead(out var chunk))
                {
                    await body.WriteAsync(chunk, ct);
                    viewer.Consumed(chunk);
                }
                await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* viewer went away */ }
        catch (IOException) { /* connection reset */ }
        finally { broadcast!.Unsubscribe(viewer); }
    }
}
