using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shelfbook.Data.Control;

namespace Shelfbook.Platform.Identity;

/// <summary>
/// Identity's sign-in with one more rule: a deactivated user, or any user of a deactivated tenant, cannot sign in,
/// and a cookie that is already out loses its session at the next security-stamp validation.
/// </summary>
public sealed class ShelfbookSignInManager(
    UserManager<ShelfbookUser> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<ShelfbookUser> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<ShelfbookUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<ShelfbookUser> confirmation, ControlDbContext control)
    : SignInManager<ShelfbookUser>(users, context, claims, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(ShelfbookUser user) =>
        user.Active
        && await control.Tenants.AnyAsync(t => t.Id == user.TenantId && t.Active)
        && await base.CanSignInAsync(user);

    public override async Task<bool> ValidateSecurityStampAsync(ShelfbookUser? user, string? securityStamp) =>
        await base.ValidateSecurityStampAsync(user, securityStamp) && await CanSignInAsync(user!);
}
