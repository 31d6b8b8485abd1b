using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Modules;

/// <summary>
/// What a module hands to the host: its services, its API routes, its permissions, its navigation and
/// the figures it adds to the dashboard. Its entity configurations are found in <see cref="Assembly"/>.
/// </summary>
public abstract class ShelfbookModule
{
    /// <summary>Short name, used in the API path <c>/api/v1/&lt;name&gt;</c> and in permission names.</summary>
    public abstract string Name { get; }

    public Assembly Assembly => GetType().Assembly;

    /// <summary>The marker type of the module's resources; error and rule codes raised by the module are looked up there.</summary>
    public abstract Type Strings { get; }

    public virtual IReadOnlyList<Permission> Permissions => [];

    public virtual IReadOnlyList<NavItem> Navigation => [];

    public virtual IReadOnlyList<DashboardFigure> DashboardFigures => [];

    public virtual void AddServices(IServiceCollection services) { }

    /// <summary>Maps the module's endpoints on its group <c>/api/v1/&lt;name&gt;</c>.</summary>
    public virtual void MapEndpoints(IEndpointRouteBuilder group) { }

    /// <summary>Maps the module's part of <c>/api/v1</c>: by default its own group, tagged and authenticated.</summary>
    public virtual void MapApi(IEndpointRouteBuilder api) => MapEndpoints(api.MapGroup("/" + Name));

    /// <summary>Adds example data to the demo tenant made on first start (never to other tenants).</summary>
    public virtual Task SeedDemoAsync(TenantDbContext db, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>A link in the side navigation; shown only to users who hold <see cref="Permission"/>.</summary>
/// <param name="Text">Localized text of the link.</param>
public sealed record NavItem(Func<IStringLocalizerFactory, string> Text, string Href, string Icon, string? Permission, int Order)
{
    /// <summary>Shown only to installation operators (not a permission a role can grant).</summary>
    public bool OperatorsOnly { get; init; }

    public bool IsVisibleTo(System.Security.Claims.ClaimsPrincipal user) =>
        (!OperatorsOnly || user.HasClaim(ShelfbookClaims.Operator, "true")) && Tenancy.PrincipalExtensions.HasPermission(user, Permission);
}

/// <summary>A real count shown on the dashboard, read from the tenant database.</summary>
public sealed record DashboardFigure(
    Func<IStringLocalizerFactory, string> Label, string Icon, string? Href, string? Permission,
    Func<TenantDbContext, CancellationToken, Task<long>> Count);

/// <summary>The modules this installation runs, in navigation order.</summary>
public sealed class ModuleSet(IEnumerable<ShelfbookModule> modules)
{
    public IReadOnlyList<ShelfbookModule> All { get; } = modules.ToArray();

    public IReadOnlyList<Permission> Permissions => All.SelectMany(m => m.Permissions).ToArray();

    public TenantModel TenantModel => new(All.Select(m => m.Assembly));
}

public static class StringLocalizerFactoryExtensions
{
    /// <summary>Looks a key up in the resources of the marker type <typeparamref name="T"/>.</summary>
    public static string Text<T>(this IStringLocalizerFactory factory, string key) => factory.Create(typeof(T))[key];
}
