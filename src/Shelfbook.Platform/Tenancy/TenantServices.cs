using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Kernel;
using Shelfbook.Data;
using Shelfbook.Data.Control;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Platform.Tenancy;

public static class TenantServices
{
    /// <summary>
    /// Scoped databases for the current user: the control database, and the tenant database that the
    /// user's tenant claim selects. A user of tenant A is given A's connection and no other.
    /// </summary>
    public static IServiceCollection AddShelfbookDatabases(this IServiceCollection services)
    {
        services.AddSingleton<Databases>();
        services.AddScoped<CurrentUser>();
        services.AddScoped(sp => sp.GetRequiredService<Databases>().OpenControl(
            sp.GetRequiredService<CurrentUser>(), sp.GetRequiredService<TimeProvider>()));
        services.AddScoped(sp =>
        {
            var user = sp.GetRequiredService<CurrentUser>();
            return sp.GetRequiredService<Databases>().OpenTenant(user.RequireTenant(), user, sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }
}

/// <summary>
/// A unit of work for the UI: a fresh DI scope that carries the circuit's user, like one HTTP request.
/// Blazor pages call handlers through it, so a page and the API run the same code with the same
/// audit and tenant rules, and no DbContext lives as long as a circuit.
/// </summary>
public sealed class OperationScopes(IServiceScopeFactory scopes, AuthenticationStateProvider authentication)
{
    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> work) where THandler : notnull
    {
        await using var scope = await BeginAsync();
        try
        {
            return await work(scope.ServiceProvider.GetRequiredService<THandler>());
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || DatabaseErrors.IsUniqueViolation(e) || DatabaseErrors.IsForeignKeyViolation(e))
        {
            // The same races the API answers with 409 (ProblemResponses): a page shows a message instead of losing its circuit.
            throw DatabaseErrors.IsUniqueViolation(e)
                ? new RuleViolatedException("conflict.duplicate", "Someone else just saved the same value; reload and try again.")
                : new RuleViolatedException("conflict.concurrent_change", "Someone else changed this at the same moment; reload and try again.");
        }
    }

    public Task RunAsync<THandler>(Func<THandler, Task> work) where THandler : notnull =>
        RunAsync<THandler, bool>(async handler =>
        {
            await work(handler);
            return true;
        });

    private async Task<AsyncServiceScope> BeginAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Principal = state.User;
        return scope;
    }
}

/// <summary>Scopes for work no user started (schedules, background jobs): the tenant's database, written as the named system actor.</summary>
public static class BackgroundScopes
{
    public static AsyncServiceScope ForTenant(this IServiceScopeFactory scopes, TenantCode tenant, string actor)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(ShelfbookClaims.Tenant, tenant.Value), new System.Security.Claims.Claim(ShelfbookClaims.DisplayName, actor)], "system"));
        return scope;
    }
}
