using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Kernel;
using Shelfbook.Platform.Modules;

namespace Shelfbook.Platform.Tenancy;

/// <summary>The <c>Demo</c> section: the tenant made on first start so there is something to click through.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; } = true;
    public string Tenant { get; set; } = "demo";
    public string Name { get; set; } = "演示公司 Demo Co.";
    public string Login { get; set; } = "admin";
    public string Password { get; set; } = "Shelfbook2026";
}

/// <summary>
/// Runs <see cref="Bootstrap"/> when the host starts, before the server takes requests, so no request
/// meets a database that is not migrated yet.
/// </summary>
public sealed class BootstrapOnStart(Bootstrap bootstrap) : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => bootstrap.RunAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Thrown when the database cannot be reached or prepared at start-up; the host prints it and exits non-zero.</summary>
public sealed class StartupFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// Start-up work, in order: migrate the control database, migrate every tenant database, and on the very
/// first start create the demo tenant and print its sign-in.
/// </summary>
public sealed class Bootstrap(IServiceScopeFactory scopes, Databases databases, ModuleSet modules, IOptions<DemoOptions> demo, ILogger<Bootstrap> log)
{
    public async Task RunAsync(CancellationToken ct)
    {
        string where;
        try
        {
            where = databases.Options.Describe();
        }
        catch (InvalidOperationException e)
        {
            // Includes a Database:Provider that is not Sqlite or Postgres: the binder names the key and the value.
            throw new StartupFailedException("The database configuration is not usable: " + e.Message, e);
        }
        try
        {
            await databases.MigrateControlAsync(ct);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new StartupFailedException($"Cannot open the control database ({where}): {e.GetBaseException().Message}", e);
        }

        await using var scope = scopes.CreateAsyncScope();
        var control = scope.ServiceProvider.GetRequiredService<Data.Control.ControlDbContext>();
        // Inactive tenants too: a tenant switched on again must find its database at the current schema.
        var tenants = await control.Tenants.Select(t => t.Code).ToListAsync(ct);
        foreach (var code in tenants)
        {
            try
            {
                await databases.MigrateTenantAsync(TenantCode.Parse(code), ct);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
            {
                throw new StartupFailedException($"Cannot migrate the database of tenant '{code}' ({where}): {e.GetBaseException().Message}", e);
            }
        }
        log.LogInformation("Databases ready: {Where}; {Count} tenant(s)", where, tenants.Count);

        if (tenants.Count == 0 && demo.Value.Enabled)
            await CreateDemoAsync(scope.ServiceProvider, ct);
        else if (demo.Value.Enabled && tenants.Contains(demo.Value.Tenant))
            Console.WriteLine($"Demo tenant: company {demo.Value.Tenant}, user {demo.Value.Login} (password in README.md).");
    }

    private async Task CreateDemoAsync(IServiceProvider services, CancellationToken ct)
    {
        var d = demo.Value;
        await services.GetRequiredService<TenantProvisioning>().CreateAsync(
            new CreateTenantRequest(d.Tenant, d.Name, d.Login, d.Password, "演示管理员 Demo admin"), adminIsOperator: true, ct);
        await using (var db = databases.OpenTenant(TenantCode.Parse(d.Tenant), new SystemActor("demo"), TimeProvider.System))
        {
            foreach (var module in modules.All)
                await module.SeedDemoAsync(db, ct);
        }
        // Printed, not only logged: this is the one thing a first-time user needs to see.
        Console.WriteLine($"""

            ==================================================================
             Shelfbook demo tenant created.  Sign in with:
               公司代码 Company: {d.Tenant}
               用户名   User:    {d.Login}
               密码     Password: {d.Password}
            ==================================================================

            """);
    }
}
