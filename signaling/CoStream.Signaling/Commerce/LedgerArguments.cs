namespace CoStream.Signaling.Commerce;

/// <summary>
/// Argument checks shared by every ledger implementation. The hub refuses bad input with a reason before
/// it gets here; these throw, because reaching them with bad input is a bug in the caller.
/// </summary>
public static class LedgerArguments
{
    public const int MaxIdLength = 128;
    public const int MaxGiftCount = 10_000;
    public const int MaxInventory = 10_000_000;

    public static void Id(string? value, string name)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength)
            throw new ArgumentException($"{name} must be 1..{MaxIdLength} characters", name);
    }

    public static void GiftCount(int count)
    {
        if (count < 1 || count > MaxGiftCount)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"gift count must be 1..{MaxGiftCount}");
    }

    public static void Drop(int inventory, DateTimeOffset opensAt, DateTimeOffset closesAt, string? segment)
    {
        if (inventory < 1 || inventory > MaxInventory)
            throw new ArgumentOutOfRangeException(nameof(inventory), inventory, $"inventory must be 1..{MaxInventory}");
        if (closesAt <= opensAt)
            throw new ArgumentException("the claim window must close after it opens", nameof(closesAt));
        if (segment is not null) Id(segment, nameof(segment));
    }
}
