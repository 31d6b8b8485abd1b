namespace Shelfbook.Kernel;

/// <summary>
/// Times are stored in UTC; days, reports and cut-offs use the tenant's zone. Code reads the time from
/// the injected <see cref="TimeProvider"/>, never from <see cref="DateTimeOffset.UtcNow"/>, so tests can fix it.
/// </summary>
public static class TenantTime
{
    public const string DefaultZone = "Asia/Shanghai";
}
