using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Data;
using Shelfbook.Data.Control;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Modules;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Platform;

public static class ShelfbookCore
{
    /// <summary>
    /// What the web host and the CLI share: configuration sections, databases, Identity's user store and
    /// rules, tenant provisioning, start-up migration, and the modules' own services.
    /// </summary>
    public static IdentityBuilder AddShelfbookCore(this IServiceCollection services, IConfiguration configuration, ModuleSet modules)
    {
        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(modules);
        services.AddSingleton(modules.TenantModel);
        services.AddShelfbookDatabases();
        services.AddScoped<TenantProvisioning>();
        services.AddSingleton<Bootstrap>();
        services.AddLocalization();

        var identity = services.AddIdentityCore<ShelfbookUser>(o =>
            {
                o.Password.RequiredLength = 8;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = false;
                // Logins may be Chinese (张三): TenantProvisioning and user editing check the shape instead.
                o.User.AllowedUserNameCharacters = "";
            })
            .AddEntityFrameworkStores<ControlDbContext>()
            .AddClaimsPrincipalFactory<ShelfbookClaimsFactory>();

        foreach (var module in modules.All)
            module.AddServices(services);
        return identity;
    }
}
