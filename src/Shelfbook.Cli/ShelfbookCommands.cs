using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shelfbook.Data.Audit;
using Shelfbook.Data;
using Shelfbook.Data.Control;
using Shelfbook.Kernel;
using Shelfbook.Platform;
using Shelfbook.Platform.Tenancy;
using Shelfbook.Web;

namespace Shelfbook.Cli;

/// <summary>
/// The <c>shelfbook</c> command line. It reads the same configuration as the web host (appsettings.json in the
/// current folder, then <c>Database__*</c> environment variables, then <c>--data</c>/<c>--provider</c>/<c>--connection</c>).
/// </summary>
public static class ShelfbookCommands
{
    public static RootCommand Build()
    {
        var data = new Option<string?>("--data") { Description = "Folder of the SQLite databases (default: data)", Recursive = true };
        var provider = new Option<string?>("--provider") { Description = "Sqlite or Postgres", Recursive = true };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string", Recursive = true };

        var code = new Argument<string>("code") { Description = "Tenant code: a lower-case letter, then letters, digits or '_'" };
        var name = new Option<string>("--name") { Description = "Company name", Required = true };
        var admin = new Option<string>("--admin") { Description = "Login of the tenant's first administrator", Required = true };
        var password = new Option<string?>("--password")
        {
            Description = "The administrator's password (default: SHELFBOOK_ADMIN_PASSWORD, else one is generated and printed)",
        };
        var makeOperator = new Option<bool>("--operator")
        {
            Description = "Make the administrator an operator of this installation (may create tenants through the API)",
        };
        var create = new Command("create", "Create a tenant: its database, Administrator role and first user") { code, name, admin, password, makeOperator };
        create.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("SHELFBOOK_ADMIN_PASSWORD");
            var generated = secret is null;
            secret ??= GeneratePassword();
            return await RunAsync(parse, data, provider, connection, async (services, ct2) =>
            {
                var created = await services.GetRequiredService<TenantProvisioning>().CreateAsync(
                    new CreateTenantRequest(parse.GetValue(code), parse.GetValue(name), parse.GetValue(admin), secret),
                    adminIsOperator: parse.GetValue(makeOperator), ct2);
                Console.WriteLine($"Created tenant {created.Code} ({created.Name}); administrator: {created.AdminLogin}");
                if (generated) Console.WriteLine($"Generated password: {secret}");
            }, ct);
        });

        var list = new Command("list", "List tenants");
        list.SetAction((parse, ct) => RunAsync(parse, data, provider, connection, async (services, ct2) =>
        {
            var control = services.GetRequiredService<ControlDbContext>();
            foreach (var t in await control.Tenants.AsNoTracking().OrderBy(t => t.Code).ToListAsync(ct2))
                Console.WriteLine($"{t.Code,-30} {(t.Active ? "active" : "inactive"),-9} {t.Name}");
        }, ct));

        var migrate = new Command("migrate", "Apply migrations to the control database and every tenant database");
        migrate.SetAction((parse, ct) => RunAsync(parse, data, provider, connection, (_, _) => Task.CompletedTask, ct));

        var tenant = new Option<string?>("--tenant") { Description = "Check only this tenant (default: every active tenant)" };
        var verify = new Command("verify", "Recompute every stock balance and reservation total from the ledger and print each drift; exit code 3 on drift") { tenant };
        verify.SetAction(async (parse, ct) =>
        {
            var drifted = false;
            var code = await RunAsync(parse, data, provider, connection, async (services, ct2) =>
            {
                var control = services.GetRequiredService<ControlDbContext>();
                var databases = services.GetRequiredService<Databases>();
                var only = parse.GetValue(tenant);
                var codes = await control.Tenants.AsNoTracking().Where(t => only == null ? t.Active : t.Code == only).OrderBy(t => t.Code).Select(t => t.Code).ToListAsync(ct2);
                if (only is not null && codes.Count == 0) throw new InputRejectedException("tenant", "unknown_tenant", $"No tenant has the code '{only}'.");
                foreach (var c in codes)
                {
                    await using var db = databases.OpenTenant(TenantCode.Parse(c), new SystemActor("verify"), TimeProvider.System);
                    var drifts = await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync(ct2);
                    Console.WriteLine($"{c}: {(drifts.Count == 0 ? "clean" : drifts.Count + " drift(s)")}");
                    foreach (var drift in drifts) Console.WriteLine("  " + drift);
                    drifted |= drifts.Count > 0;
                }
            }, ct);
            return code != 0 ? code : drifted ? 3 : 0;
        });

        return new RootCommand("Shelfbook e-commerce ERP command line")
        {
            data, provider, connection,
            new Command("tenants", "Tenants (companies) of this installation") { create, list },
            migrate,
            verify,
            Bench.BenchCommand.Build(provider, connection),
            Crash.CrashCommand.Build(provider, connection),
        };
    }

    /// <summary>Builds the platform services, migrates (as the web host does at start-up), then runs the work.</summary>
    private static async Task<int> RunAsync(
        ParseResult parse, Option<string?> data, Option<string?> provider, Option<string?> connection,
        Func<IServiceProvider, CancellationToken, Task> work, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var overrides = new Dictionary<string, string?> { ["Demo:Enabled"] = "false", ["Channels:Sync:Enabled"] = "false" };
        if (parse.GetValue(data) is { } d) overrides["Database:DataPath"] = d;
        if (parse.GetValue(provider) is { } p) overrides["Database:Provider"] = p;
        if (parse.GetValue(connection) is { } c) overrides["Database:ConnectionString"] = c;
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddShelfbookCore(builder.Configuration, ShelfbookModules.Create());
        using var host = builder.Build();
        try
        {
            await host.Services.GetRequiredService<Bootstrap>().RunAsync(ct);
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<CurrentUser>().Principal =
                new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                    [new System.Security.Claims.Claim(ShelfbookClaims.DisplayName, "cli")]));
            await work(scope.ServiceProvider, ct);
            return 0;
        }
        catch (StartupFailedException e)
        {
            await Console.Error.WriteLineAsync("Cannot start: " + e.Message);
            return 2;
        }
        catch (InputRejectedException e)
        {
            foreach (var error in e.Errors)
                await Console.Error.WriteLineAsync($"{error.Field}: {error.Message}");
            return 1;
        }
    }

    private static string GeneratePassword()
    {
        // Upper, lower and digits, as the password rules require.
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        var chars = System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(alphabet, 14);
        return "Sb" + new string(chars) + "9";
    }
}
