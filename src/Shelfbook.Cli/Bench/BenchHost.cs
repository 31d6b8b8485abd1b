using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Tenancy;
using Shelfbook.Web;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// The real web host on a loopback port, a fresh tenant and an API token for its administrator: what a bench
/// scenario measures against. SQLite in a temporary folder unless a database is named.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _tempFolder;

    private BenchHost(WebApplication app, string? tempFolder, TenantCode tenant, HttpClient api, string token)
    {
        (_app, _tempFolder, Tenant, Api, Token) = (app, tempFolder, tenant, api, token);
    }

    public TenantCode Tenant { get; }

    public HttpClient Api { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The administrator's API token (a bearer secret), good for any host on the same databases.</summary>
    public string Token { get; }

    /// <summary>The folder of the SQLite databases (null on PostgreSQL).</summary>
    public string? DataPath => _tempFolder;

    /// <summary>The PostgreSQL connection string in use (null on SQLite).</summary>
    public string? Connection => Database == "Postgres" ? _app.Services.GetRequiredService<Databases>().Options.ConnectionString : null;

    public string Database => _app.Services.GetRequiredService<Databases>().Options.Provider.ToString();

    public static async Task<BenchHost> StartAsync(string? provider, string? connection, CancellationToken ct)
    {
        string? temp = null;
        var overrides = new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "false", ["Channels:Sync:Enabled"] = "false", ["Orders:Intake:Enabled"] = "false", ["Orders:Jobs:Enabled"] = "false", ["Fulfillment:Jobs:Enabled"] = "false", ["Sandbox:Enabled"] = "false", ["Urls"] = "http://127.0.0.1:0", ["Logging:LogLevel:Default"] = "Warning",
        };
        if (provider is not null) overrides["Database:Provider"] = provider;
        if (connection is not null) overrides["Database:ConnectionString"] = connection;
        if (!string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            temp = Directory.CreateTempSubdirectory("shelfbook-bench-").FullName;
            overrides["Database:DataPath"] = temp;
        }
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The web project's name, so that its static-assets manifest (copied beside this exe) is found.
            ApplicationName = "Shelfbook.Web", ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddShelfbookWeb(ShelfbookModules.Create());
        var app = builder.Build();
        app.UseShelfbookWeb();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var code = "bench_" + Guid.NewGuid().ToString("N")[..8];
        var password = "Bench-" + Guid.NewGuid().ToString("N")[..10] + "9";
        await using var scope = app.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<TenantProvisioning>()
            .CreateAsync(new CreateTenantRequest(code, "Bench", "admin", password), adminIsOperator: false, ct);
        var secret = ApiTokenSecret.Generate();
        await using (var control = app.Services.GetRequiredService<Databases>().OpenControl(new SystemActor("bench"), TimeProvider.System))
        {
            var adminId = await control.Users.Where(u => u.TenantId == created.Id).Select(u => u.Id).SingleAsync(ct);
            control.ApiTokens.Add(new ApiToken { UserId = adminId, Name = "bench", Prefix = secret[..10], Hash = ApiTokenSecret.Hash(secret), CreatedAt = DateTime.UtcNow });
            await control.SaveChangesAsync(ct);
        }
        var api = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(10) };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return new BenchHost(app, temp, TenantCode.Parse(code), api, secret);
    }

    /// <summary>A DI scope acting in the bench tenant (as the API would), for calling a module's services directly.</summary>
    public AsyncServiceScope Scope()
    {
        var scope = _app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentUser>().Principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(ShelfbookClaims.Tenant, Tenant.Value), new System.Security.Claims.Claim(ShelfbookClaims.DisplayName, "bench")], "bench"));
        return scope;
    }

    public TenantDbContext OpenTenant() => _app.Services.GetRequiredService<Databases>().OpenTenant(Tenant, new SystemActor("bench"), TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        try
        {
            if (Database == "Postgres") await DropTenantAsync();
        }
        finally
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (_tempFolder is not null) Directory.Delete(_tempFolder, recursive: true);
        }
    }

    /// <summary>
    /// Drops the bench tenant's schema and the tenant itself: the app migrates every tenant the control database lists when
    /// it starts, so a bench tenant left there would come back as an empty schema at every later start.
    /// </summary>
    private async Task DropTenantAsync()
    {
        await using (var db = OpenTenant())
        {
            // The schema name is built from a validated tenant code (letters, digits, '_'), never from input.
#pragma warning disable EF1002
            await db.Database.ExecuteSqlRawAsync($"DROP SCHEMA IF EXISTS \"{_app.Services.GetRequiredService<Databases>().TenantSchema(Tenant)}\" CASCADE");
#pragma warning restore EF1002
        }
        await using var control = _app.Services.GetRequiredService<Databases>().OpenControl(new SystemActor("bench"), TimeProvider.System);
        await using var transaction = await control.Database.BeginTransactionAsync();
        foreach (var id in await control.Tenants.Where(t => t.Code == Tenant.Value).Select(t => t.Id).ToListAsync())
        {
            await control.Users.Where(u => u.TenantId == id).ExecuteDeleteAsync();
            await control.Roles.Where(r => r.TenantId == id).ExecuteDeleteAsync();
            await control.AuditEntries.Where(a => a.TenantId == id).ExecuteDeleteAsync();
            await control.Tenants.Where(t => t.Id == id).ExecuteDeleteAsync();
        }
        await transaction.CommitAsync();
    }

    /// <summary>The process's peak working set so far, in MiB (Linux reads VmHWM; it can be reset with <see cref="ResetPeak"/>).</summary>
    public static long PeakMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1024 / 1024;
    }

    /// <summary>Resets the kernel's high-water mark (writing 5 to /proc/self/clear_refs), so the next peak belongs to one stage.</summary>
    public static void ResetPeak()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
