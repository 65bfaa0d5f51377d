using CoStream.Signaling.Auth;

namespace CoStream.Signaling.Commerce;

/// <summary>
/// Checks of the money side's hub arguments. Each returns null when the input is acceptable, else the
/// message the caller gets (the hub refuses with reason <c>argument</c> and counts it).
/// </summary>
public static class HubInput
{
    public const int MaxKeyLength = LedgerArguments.MaxIdLength;
    public const int MaxTitleLength = 200;
    public const int MaxImageUrlLength = 1024;
    public const long MaxPriceCents = 100_000_000_000; // a billion in the currency's main unit
    public const int MaxProductStock = 10_000_000;

    /// <summary>Gift, product, coupon and segment ids: 1-128 characters of [A-Za-z0-9_.-].</summary>
    public static string? CheckId(string? value, string name) =>
        RoomTokenService.IsValidId(value) ? null : $"{name} must be 1-128 characters of [A-Za-z0-9_.-]";

    /// <summary>Idempotency keys: 1-128 printable ASCII characters (a UUID, a counter, …).</summary>
    public static string? CheckKey(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxKeyLength) return $"idempotencyKey must be 1-{MaxKeyLength} printable ASCII characters";
        foreach (var c in value)
            if (c is < '!' or > '~') return $"idempotencyKey must be 1-{MaxKeyLength} printable ASCII characters";
        return null;
    }

    public static string? CheckProduct(ProductInput? p, out Product product)
    {
        product = null!;
        if (p is null) return "product is required";
        if (CheckId(p.Id, "id") is { } idError) return idError;
        if (string.IsNullOrWhiteSpace(p.Title) || p.Title.Length > MaxTitleLength || p.Title.Any(char.IsControl))
            return $"title must be 1-{MaxTitleLength} characters without control characters";
        if (p.PriceCents < 0 || p.PriceCents > MaxPriceCents) return $"priceCents must be 0-{MaxPriceCents}";
        if (p.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
            return "currency must be an ISO 4217 code (three capital letters)";
        if (p.ImageUrl is not null
            && (p.ImageUrl.Length > MaxImageUrlLength || !Uri.TryCreate(p.ImageUrl, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
            return $"imageUrl must be an absolute http(s) URL of at most {MaxImageUrlLength} characters";
        if (p.Stock is < 0 or > MaxProductStock) return $"stock must be 0-{MaxProductStock}";
        product = new Product(p.Id!, p.Title, p.PriceCents, currency, p.ImageUrl, p.Stock);
        return null;
    }
}
