using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Tests.Auth;

public class RoomTokenServiceTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void IssuedToken_Validates_WithItsClaims()
    {
        var svc = new RoomTokenService(Secret);
        var token = svc.Issue("room-1", "alice", ParticipantRole.Anchor, TimeSpan.FromMinutes(5));
        Assert.Equal(TokenError.None, svc.TryValidate(token, out var claims));
        Assert.Equal("room-1", claims!.Room);
        Assert.Equal("alice", claims.Participant);
        Assert.Equal(ParticipantRole.Anchor, claims.Role);
    }

    [Fact]
    public void ExpiredToken_IsRefused()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
        var svc = new RoomTokenService(Secret, clock);
        var token = svc.Issue("r", "bob", ParticipantRole.Guest, TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(TokenError.Expired, svc.TryValidate(token, out _));
    }

    [Fact]
    public void ForgedTokens_AreRefused()
    {
        var svc = new RoomTokenService(Secret);
        var other = new RoomTokenService(Enumerable.Repeat((byte)7, 32).ToArray());
        var token = svc.Issue("r", "eve", ParticipantRole.Audience, TimeSpan.FromMinutes(5));
        Assert.Equal(TokenError.BadSignature, svc.TryValidate(other.Issue("r", "eve", ParticipantRole.Anchor, TimeSpan.FromMinutes(5)), out _));

        // Upgrade the role in the claims and keep the old signature.
        var parts = token.Split('.');
        var json = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json.Replace("audience", "anchor"))) + "." + parts[1];
        Assert.Equal(TokenError.BadSignature, svc.TryValidate(forged, out _));
    }

    [Theory]
    [InlineData(null, TokenError.Missing)]
    [InlineData("", TokenError.Missing)]
    [InlineData("abc", TokenError.Malformed)]
    [InlineData("a.b.c", TokenError.Malformed)]
    [InlineData(".", TokenError.Malformed)]
    [InlineData("eyJ9.!!!!", TokenError.Malformed)]
    public void MalformedTokens_AreRefusedWithAReason(string? token, TokenError expected)
    {
        Assert.Equal(expected, new RoomTokenService(Secret).TryValidate(token, out var claims));
        Assert.Null(claims);
    }

    [Fact]
    public void RandomGarbage_NeverThrows_AndIsNeverAccepted()
    {
        var svc = new RoomTokenService(Secret);
        var valid = svc.Issue("r", "p", ParticipantRole.Guest, TimeSpan.FromMinutes(5));
        var rng = new Random(1234);
        var refused = 0;
        for (var i = 0; i < 100_000; i++)
        {
            string candidate;
            if (i % 2 == 0)
            {
                var chars = valid.ToCharArray();
                chars[rng.Next(chars.Length)] = (char)rng.Next(32, 127);
                candidate = new string(chars, 0, rng.Next(chars.Length + 1));
            }
            else
            {
                candidate = new string(Enumerable.Range(0, rng.Next(0, 300)).Select(_ => (char)rng.Next(0, 256)).ToArray());
            }
            if (candidate == valid) continue;
            var error = svc.TryValidate(candidate, out _);
            if (error != TokenError.None) refused++;
            else Assert.True(candidate.StartsWith(valid[..valid.IndexOf('.')]), "only an equivalent base64 spelling may pass");
        }
        Assert.True(refused > 99_000);
    }

    [Fact]
    public void OversizedToken_IsRefused() =>
        Assert.Equal(TokenError.TooLong, new RoomTokenService(Secret).TryValidate(new string('a', 5000), out _));
}

internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}

public class RoomTokenSegmentTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Segments_RoundTrip_AndAreEmptyWhenNotIssued()
    {
        var svc = new RoomTokenService(Secret);
        var token = svc.Issue("r", "ann", ParticipantRole.Audience, TimeSpan.FromMinutes(5), ["new-follower", "vip", "vip"]);
        Assert.Equal(TokenError.None, svc.TryValidate(token, out var claims));
        Assert.Equal(["new-follower", "vip"], claims!.Segments);
        Assert.Equal(TokenError.None, svc.TryValidate(svc.Issue("r", "ann", ParticipantRole.Audience, TimeSpan.FromMinutes(5)), out var plain));
        Assert.Empty(plain!.Segments);
    }

    [Fact]
    public void Segments_OutOfBounds_AreRefusedOnIssueAndOnValidation()
    {
        var svc = new RoomTokenService(Secret);
        Assert.Throws<ArgumentException>(() => svc.Issue("r", "a", ParticipantRole.Audience, TimeSpan.FromMinutes(5), ["bad segment"]));
        Assert.Throws<ArgumentException>(() => svc.Issue("r", "a", ParticipantRole.Audience, TimeSpan.FromMinutes(5),
            Enumerable.Range(0, RoomTokenService.MaxSegments + 1).Select(i => "s" + i).ToArray()));
        // A correctly signed token whose segments break the bounds (a buggy or other issuer) is refused too.
        foreach (var seg in new[] { "[\"\"]", "[\"a b\"]", "[" + string.Join(',', Enumerable.Range(0, 17).Select(i => $"\"s{i}\"")) + "]" })
            Assert.Equal(TokenError.BadClaims, svc.TryValidate(Sign($"{{\"room\":\"r\",\"sub\":\"a\",\"role\":\"audience\",\"exp\":4102444800,\"seg\":{seg}}}"), out _));
        Assert.Equal(TokenError.Malformed, svc.TryValidate(Sign("{\"room\":\"r\",\"sub\":\"a\",\"role\":\"audience\",\"exp\":4102444800,\"seg\":7}"), out _));
    }

    private static string Sign(string json)
    {
        var body = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(Secret, System.Text.Encoding.ASCII.GetBytes(body));
        return body + "." + System.Buffers.Text.Base64Url.EncodeToString(mac);
    }
}
