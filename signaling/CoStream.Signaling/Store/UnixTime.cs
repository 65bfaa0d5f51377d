namespace CoStream.Signaling.Store;

/// <summary>Both stores keep instants as Unix milliseconds (BIGINT / INTEGER columns).</summary>
internal static class UnixTime
{
    public static DateTimeOffset ToTime(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
}
