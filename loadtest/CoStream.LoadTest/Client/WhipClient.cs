using System.Net.Http.Headers;
using System.Text;

namespace CoStream.LoadTest.Client;

/// <summary>WHIP / WHEP signalling (RFC 9725): POST the offer with a bearer token, 201 + answer + Location; DELETE to end.</summary>
public static class WhipClient
{
    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>Returns the answer SDP and the absolute session URL from Location.</summary>
    public static async Task<(string Answer, Uri? Resource)> PostOfferAsync(Uri endpoint, string token, string offerSdp, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(offerSdp, Encoding.UTF8, "application/sdp"),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await SharedHttp.SendAsync(request, ct);
        string body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {endpoint} answered {(int)response.StatusCode}: {body}");
        }

        Uri? resource = response.Headers.Location is { } location ? new Uri(endpoint, location) : null;
        return (body, resource);
    }

    public static async Task DeleteAsync(Uri resource, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, resource);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await SharedHttp.SendAsync(request, ct);
    }
}
