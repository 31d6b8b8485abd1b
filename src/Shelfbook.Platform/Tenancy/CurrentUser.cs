using System.Security.Claims;
using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Tenancy;

/// <summary>
/// The person behind this request or UI circuit. HTTP requests fill it from the authenticated principal
/// (middleware); Blazor circuits fill it from the circuit's authentication state. Everything that needs the
/// tenant or the actor reads it here, so features never look at claims themselves.
/// </summary>
public sealed class CurrentUser : IAuditActor
{
    private ClaimsPrincipal _principal = new(new ClaimsIdentity());

    public ClaimsPrincipal Principal
    {
        get => _principal;
        set => _principal = value ?? new ClaimsPrincipal(new ClaimsIdentity());
    }

    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;

    public Guid? UserId => Guid.TryParse(Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The display name; "system" when nobody is signed in (start-up, the demo, background work).</summary>
    public string UserName => Principal.FindFirstValue(ShelfbookClaims.DisplayName)
                              ?? Principal.Identity?.Name ?? "system";

    public TenantCode? Tenant => TenantCode.TryParse(Principal.FindFirstValue(ShelfbookClaims.Tenant), out var code) ? code : null;

    /// <summary>The tenant, or a 401-shaped failure when there is none (a route that needs a tenant was reached without one).</summary>
    public TenantCode RequireTenant() =>
        Tenant ?? throw new UnauthorizedAccessException("No tenant: sign in first.");

    /// <summary>The tenant's time zone (Asia/Shanghai unless the tenant set another).</summary>
    public TimeZoneInfo TimeZone => Principal.TenantZone();

    public bool IsOperator => Principal.HasClaim(ShelfbookClaims.Operator, "true");

    public bool Has(string permission) => Principal.HasPermission(permission);
}

public static class PrincipalExtensions
{
    /// <summary>The time zone of the principal's tenant (from its claim), for pages that show or read local times.</summary>
    public static TimeZoneInfo TenantZone(this ClaimsPrincipal principal) =>
        TenantTime.Zone(principal.FindFirstValue(ShelfbookClaims.TimeZone));

    /// <summary>Whether the principal's roles grant <paramref name="permission"/> (or <c>*</c>); null means "any signed-in user".</summary>
    public static bool HasPermission(this ClaimsPrincipal principal, string? permission) =>
        permission is null
        || principal.HasClaim(Permission.ClaimType, Permission.All)
        || principal.HasClaim(Permission.ClaimType, permission);
}
