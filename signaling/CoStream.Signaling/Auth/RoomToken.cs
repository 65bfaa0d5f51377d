using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CoStream.Signaling.Auth;

/// <summary>The claims of a room token: who, where, as what, until when, and the audience segments the holder belongs to.</summary>
public sealed record RoomToken(string Room, string Participant, ParticipantRole Role, DateTimeOffset ExpiresAt)
{
    /// <summary>Audience segments (e.g. <c>new-follower</c>) the issuer vouches for; a segment coupon is granted only to them.</summary>
    public IReadOnlyList<string> Segments { get; init; } = [];
}

public enum TokenError
{
    None = 0,
    Missing,
    Malformed,
    TooLong,
    BadSignature,
    Expired,
    BadClaims,
}

/// <summary>
/// Signed, expiring room tokens: <c>base64url(json claims) "." base64url(HMAC-SHA256(secret, first part))</c>.
/// Compact like a JWT but with a single fixed algorithm, so there is no "alg" header to attack.
/// </summary>
public sealed class RoomTokenService
{
    public const int MaxTokenLength = 2048;
    private const int MaxIdLength = 128;
    /// <summary>At most this many segments in one token.</summary>
    public const int MaxSegments = 16;
    private readonly byte[] _secret;
    private readonly TimeProvider _clock;

    public RoomTokenService(byte[] secret, TimeProvider? clock = null)
    {
        if (secret.Length < 32) throw new ArgumentException("the token secret must be at least 32 bytes", nameof(secret));
        _secret = secret;
        _clock = clock ?? TimeProvider.System;
    }

    public string Issue(string room, string participant, ParticipantRole role, TimeSpan lifetime) =>
        Issue(room, participant, role, lifetime, segments: null);

    /// <summary>Issues a token that also names the holder's audience <paramref name="segments"/> (ids, at most <see cref="MaxSegments"/>).</summary>
    public string Issue(string room, string participant, ParticipantRole role, TimeSpan lifetime, IReadOnlyCollection<string>? segments)
    {
        if (!IsValidId(room) || !IsValidId(participant)) throw new ArgumentException("room and participant ids are 1-128 characters of [A-Za-z0-9_.-]");
        if (segments is { Count: > 0 } && !AreValidSegments(segments))
            throw new ArgumentException($"at most {MaxSegments} segments, each 1-128 characters of [A-Za-z0-9_.-]", nameof(segments));
        var claims = new TokenClaims
        {
            Room = room,
            Participant = participant,
            Role = role.ToString().ToLowerInvariant(),
            Exp = _clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds(),
            Segments = segments is { Count: > 0 } ? [.. segments.Distinct(StringComparer.Ordinal)] : null,
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(claims, TokenJsonContext.Default.TokenClaims);
        var body = Base64Url.EncodeToString(payload);
        var mac = HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(body));
        return body + "." + Base64Url.EncodeToString(mac);
    }

    public TokenError TryValidate(string? token, out RoomToken? result)
    {
        result = null;
        if (string.IsNullOrEmpty(token)) return TokenError.Missing;
        if (token.Length > MaxTokenLength) return TokenError.TooLong;
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot == token.Length - 1 || token.IndexOf('.', dot + 1) >= 0) return TokenError.Malformed;
        var body = token.AsSpan(0, dot);
        Span<byte> mac = stackalloc byte[32];
        Span<byte> expected = stackalloc byte[32];
        if (!Base64Url.IsValid(token.AsSpan(dot + 1)) || Base64Url.GetMaxDecodedLength(token.Length - dot - 1) < 32
            || Base64Url.DecodeFromChars(token.AsSpan(dot + 1), mac, out _, out var macLen) != OperationStatus.Done || macLen != 32)
            return TokenError.Malformed;
        var bodyBytes = Encoding.ASCII.GetBytes(body.ToString());
        HMACSHA256.HashData(_secret, bodyBytes, expected);
        if (!CryptographicOperations.FixedTimeEquals(mac, expected)) return TokenError.BadSignature;

        TokenClaims? claims;
        try
        {
            if (!Base64Url.IsValid(body)) return TokenError.Malformed;
            claims = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(body), TokenJsonContext.Default.TokenClaims);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return TokenError.Malformed;
        }
        if (claims is null || !IsValidId(claims.Room) || !IsValidId(claims.Participant)
            || !Enum.TryParse<ParticipantRole>(claims.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role)
            || int.TryParse(claims.Role, out _)
            || (claims.Segments is not null && !AreValidSegments(claims.Segments)))
            return TokenError.BadClaims;
        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(claims.Exp, 0, 253402300799));
        if (expires <= _clock.GetUtcNow()) return TokenError.Expired;
        result = new RoomToken(claims.Room!, claims.Participant!, role, expires) { Segments = claims.Segments ?? [] };
        return TokenError.None;
    }

    /// <summary>True for at most <see cref="MaxSegments"/> segments that are each a valid id.</summary>
    public static bool AreValidSegments(IReadOnlyCollection<string?> segments)
    {
        if (segments.Count > MaxSegments) return false;
        foreach (var s in segments)
            if (!IsValidId(s)) return false;
        return true;
    }

    public static bool IsValidId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxIdLength) return false;
        foreach (var c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return false;
        return true;
    }
}

internal sealed class TokenClaims
{
    [JsonPropertyName("room")] public string? Room { get; set; }
    [JsonPropertyName("sub")] public string? Participant { get; set; }
    [JsonPropertyName("role")] public string? Role { get; set; }
    [JsonPropertyName("exp")] public long Exp { get; set; }
    [JsonPropertyName("seg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Segments { get; set; }
}

[JsonSerializable(typeof(TokenClaims))]
internal sealed partial class TokenJsonContext : JsonSerializerContext;
