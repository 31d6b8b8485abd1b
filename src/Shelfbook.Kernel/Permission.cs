namespace Shelfbook.Kernel;

/// <summary>
/// A permission is a string <c>module.activity</c> (e.g. <c>inventory.warehouses.manage</c>). Roles hold
/// permissions; each module declares the ones it checks so that role editors can list them.
/// </summary>
public sealed record Permission(string Name, string Module, string DescriptionKey)
{
    /// <summary>Held by the Administrator role: every permission, including those added later.</summary>
    public const string All = "*";

    /// <summary>Claim type that carries one permission in the signed-in principal.</summary>
    public const string ClaimType = "shelfbook:permission";
}

/// <summary>Claim types the platform puts into every signed-in principal.</summary>
public static class ShelfbookClaims
{
    public const string Tenant = "shelfbook:tenant";
    public const string DisplayName = "shelfbook:display_name";
    public const string Operator = "shelfbook:operator";

    /// <summary>The tenant's time zone (IANA id): days and cut-offs are the tenant's, not the server's.</summary>
    public const string TimeZone = "shelfbook:time_zone";
}
