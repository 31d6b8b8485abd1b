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

    public static async Task<bool> IsStillValidAsync(IServiceScopeFactory scopes, System.Security.Claims.ClaimsPrincipal user)
    {
        await using var scope = scopes.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ShelfbookUser>>();
        return await signIn.ValidateSecurityStampAsync(user) is not null;
    }
}
