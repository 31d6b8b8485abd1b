using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Shelfbook.Data.Control;

namespace Shelfbook.Web.Account;

/// <summary>
/// An open page (a Blazor circuit) keeps the principal it started with; every five minutes this checks it again,
/// with the same rules as the cookie (security stamp, active user, active tenant), and signs the page out when
/// they fail, so a deactivated user does not keep working in a tab left open.
/// </summary>
public sealed class RevalidatingAuthenticationState(ILoggerFactory loggerFactory, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        IsStillValidAsync(scopes, authenticationState.User);

    /// <summary>
    /// Valid while the stamp matches, the user and tenant are active, and the user's rights are what the page started
    /// with: a role taken away must not live on in an open tab (the page reloads and picks up the new rights).
    /// </summary>
    public static async Task<bool> IsStillValidAsync(IServiceScopeFactory scopes, System.Security.Claims.ClaimsPrincipal user)
    {
        await using var scope = scopes.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ShelfbookUser>>();
        var stored = await signIn.ValidateSecurityStampAsync(user);
        if (stored is null) return false;
        var fresh = await signIn.ClaimsFactory.CreateAsync(stored);
        return Rights(fresh).SetEquals(Rights(user));
    }

    private static HashSet<string> Rights(System.Security.Claims.ClaimsPrincipal principal) =>
        principal.Claims.Where(c => c.Type is Kernel.Permission.ClaimType or Kernel.ShelfbookClaims.Operator or Kernel.ShelfbookClaims.Tenant)
            .Select(c => c.Type + "=" + c.Value).ToHashSet(StringComparer.Ordinal);
}
