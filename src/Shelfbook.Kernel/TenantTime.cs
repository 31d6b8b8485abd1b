namespace Shelfbook.Kernel;

/// <summary>
/// Times are stored in UTC; days, reports and cut-offs use the tenant's zone. Code reads the time from
/// the injected <see cref="TimeProvider"/>, never from <see cref="DateTimeOffset.UtcNow"/>, so tests can fix it.
/// </summary>
public static class TenantTime
{
    public const string DefaultZone = "Asia/Shanghai";

    /// <summary>The tenant's zone by IANA id; the default zone when the id is missing or unknown to this machine.</summary>
    public static TimeZoneInfo Zone(string? id)
    {
        if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) return zone;
        return TimeZoneInfo.FindSystemTimeZoneById(DefaultZone);
    }

    /// <summary>
    /// A time as a user gave it: with an offset or 'Z' it is exact; without one it is read on the tenant's clock
    /// (a seller typing 2026-11-11 means midnight in Shanghai, not on the server).
    /// </summary>
    public static DateTime ToUtc(DateTime value, TimeZoneInfo zone) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => TimeZoneInfo.ConvertTimeToUtc(value, zone),
    };

    /// <summary>
    /// A time that came through the API: one with an offset (or the server's local kind) is converted, one without is
    /// taken as UTC, the API's rule for every time it reads.
    /// </summary>
    public static DateTime FromApi(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    /// <summary>Midnight at the start of the tenant's current day, in UTC.</summary>
    public static DateTime StartOfToday(TimeProvider time, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone);
        return new DateTimeOffset(local.Date, local.Offset).UtcDateTime;
    }
}

public static class TimeProviderExtensions
{
    /// <summary>
    /// The current UTC time at the precision both databases keep (PostgreSQL stores microseconds, .NET has 100 ns
    /// ticks), so a value returned right after saving equals the value read back later.
    /// </summary>
    public static DateTime StoredUtcNow(this TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % 10));
    }
}
