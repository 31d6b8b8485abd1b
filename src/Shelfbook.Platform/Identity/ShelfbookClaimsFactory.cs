using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Identity;

/// <summary>
/// Puts the tenant, the display name and the permissions of the user's roles into the principal, for
/// cookies and tokens alike. The cookie is re-issued when the security stamp is revalidated, so a
/// changed role reaches a signed-in user within the validation interval.
/// </summary>
public sealed class ShelfbookClaimsFactory(UserManager<ShelfbookUser> users, IOptions<IdentityOptions> options, ControlDbContext control)
    : UserClaimsPrincipalFactory<ShelfbookUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ShelfbookUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var tenant = await control.Tenants.Where(t => t.Id == user.TenantId).Select(t => new { t.Code, t.TimeZone }).SingleAsync();
        identity.AddClaim(new Claim(ShelfbookClaims.Tenant, tenant.Code));
        identity.AddClaim(new Claim(ShelfbookClaims.TimeZone, tenant.TimeZone));
        identity.AddClaim(new Claim(ShelfbookClaims.DisplayName, user.DisplayName));
        if (user.IsOperator) identity.AddClaim(new Claim(ShelfbookClaims.Operator, "true"));

        var permissions = await control.UserRoles.Where(ur => ur.UserId == user.Id)
            .Join(control.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Permissions)
            .ToListAsync();
        foreach (var permission in permissions.SelectMany(p => p).Distinct(StringComparer.Ordinal))
            identity.AddClaim(new Claim(Permission.ClaimType, permission));
        return identity;
    }
}
