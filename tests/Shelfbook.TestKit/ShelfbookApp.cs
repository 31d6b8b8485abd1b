using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Tenancy;
using Xunit;

namespace Shelfbook.TestKit;

public enum Db
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The real application (WebApplicationFactory over Program) on its own control database: a temporary folder
/// on SQLite, or schemas with a unique prefix on PostgreSQL (dropped at the end). Tests make a fresh tenant each
/// with <see cref="NewTenantAsync"/>.
/// </summary>
public class ShelfbookApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PostgresVariable = "SHELFBOOK_TEST_POSTGRES";
    private static int _tenantCounter;

    private readonly string _run = "r" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _dataPath;
    private bool _useKestrel;

    public ShelfbookApp(Db db)
    {
        Db = db;
        _dataPath = Path.Combine(Path.GetTempPath(), "shelfbook-tests", _run);
        PostgresConnection = Environment.GetEnvironmentVariable(PostgresVariable);
        if (db == Db.Postgres && string.IsNullOrWhiteSpace(PostgresConnection))
            SkipReason = $"PostgreSQL tests need a connection string in {PostgresVariable} (.ci/run sets it up).";
    }

    public Db Db { get; }

    public string? PostgresConnection { get; }

    /// <summary>Why every test on this app is skipped, or null when it can run.</summary>
    public string? SkipReason { get; }

    public string ControlSchema => "ctl_" + _run;

    public string TenantSchemaPrefix => "t_" + _run + "_";

    /// <summary>Extra configuration a test needs (e.g. the demo tenant on).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Serve on a real TCP port (for the browser) instead of the in-memory test server.</summary>
    public ShelfbookApp WithKestrel()
    {
        _useKestrel = true;
        UseKestrel(0);
        return this;
    }

    public ValueTask InitializeAsync()
    {
        if (SkipReason is null)
        {
            if (_useKestrel) StartServer();
            else _ = Server; // starts the host: migrations run now, once, not inside the first test
        }
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the framework's and MudBlazor's files are found only through the build's manifest.
        builder.UseStaticWebAssets();
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = Db.ToString(),
            ["Database:DataPath"] = _dataPath,
            ["Database:ConnectionString"] = Db == Db.Postgres ? PostgresConnection : null,
            ["Database:ControlSchema"] = ControlSchema,
            ["Database:TenantSchemaPrefix"] = TenantSchemaPrefix,
            ["Demo:Enabled"] = "false",
            // Tests run order syncs themselves; the schedule would race them.
            ["Channels:Sync:Enabled"] = "false",
            ["Orders:Intake:Enabled"] = "false",
            ["Orders:Jobs:Enabled"] = "false",
            // Small chunks, so a job of a few dozen orders runs in several and can be stopped between them.
            ["Orders:Jobs:ChunkSize"] = "7",
            ["Fulfillment:Jobs:Enabled"] = "false",
            ["Fulfillment:Jobs:ChunkSize"] = "2",
            ["Channels:Sync:LagSeconds"] = "0",
            ["Sandbox:Enabled"] = "false",
            // A lost answer is tested by a sandbox that answers after this.
            ["Channels:Http:TimeoutSeconds"] = "3",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
    }

    /// <summary>A new tenant with its own database, an administrator, and an API client signed in as that administrator.</summary>
    public async Task<TenantSession> NewTenantAsync(string? name = null)
    {
        var code = $"t{Interlocked.Increment(ref _tenantCounter)}_{Guid.NewGuid().ToString("N")[..6]}";
        const string password = "Passw0rd-Test";
        await using var scope = Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<TenantProvisioning>()
            .CreateAsync(new CreateTenantRequest(code, name ?? "Test " + code, "admin", password), adminIsOperator: false, CancellationToken.None);
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ShelfbookUser>>()
            .FindByNameAsync(ShelfbookUser.UserNameFor(created.Code, "admin"));
        var token = await CreateTokenAsync(user!.Id);
        return new TenantSession(this, TenantCode.Parse(created.Code), user.Id, "admin", password, ApiClient(token));
    }

    /// <summary>Writes an API token for the user straight into the control database and returns its secret.</summary>
    public async Task<string> CreateTokenAsync(Guid userId, DateTime? expiresAt = null)
    {
        var secret = ApiTokenSecret.Generate();
        await using var control = Services.GetRequiredService<Databases>().OpenControl(new SystemActor("test"), TimeProvider.System);
        control.ApiTokens.Add(new ApiToken
        {
            UserId = userId, Name = "test", Prefix = secret[..10], Hash = ApiTokenSecret.Hash(secret),
            CreatedAt = DateTime.UtcNow, ExpiresAt = expiresAt,
        });
        await control.SaveChangesAsync();
        return secret;
    }

    /// <summary>A client that carries no cookie and sends the bearer token (when given).</summary>
    public HttpClient ApiClient(string? token)
    {
        // BaseAddress from ClientOptions: on Kestrel it is the real port, not http://localhost.
        var client = CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false, HandleCookies = false, BaseAddress = ClientOptions.BaseAddress,
        });
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public ControlDbContext OpenControl() => Services.GetRequiredService<Databases>().OpenControl(new SystemActor("test"), TimeProvider.System);

    public TenantDbContext OpenTenant(TenantCode tenant) =>
        Services.GetRequiredService<Databases>().OpenTenant(tenant, new SystemActor("test"), TimeProvider.System);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Db == Db.Postgres && SkipReason is null) await DropSchemasAsync();
        if (Directory.Exists(_dataPath))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dataPath, recursive: true); }
            catch (IOException) { /* a file still open on a slow shutdown; the temp folder is cleaned by the OS */ }
        }
        GC.SuppressFinalize(this);
    }

    private async Task DropSchemasAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresConnection);
        await connection.OpenAsync();
        var schemas = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT nspname FROM pg_namespace WHERE nspname = @c OR starts_with(nspname, @t)";
            list.Parameters.AddWithValue("c", ControlSchema);
            list.Parameters.AddWithValue("t", TenantSchemaPrefix);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) schemas.Add(reader.GetString(0));
        }
        foreach (var schema in schemas)
        {
            await using var drop = connection.CreateCommand();
            drop.CommandText = $"DROP SCHEMA \"{schema}\" CASCADE";
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>The app on SQLite, shared by the test classes of an assembly.</summary>
public sealed class SqliteApp() : ShelfbookApp(Db.Sqlite);

/// <summary>The app on PostgreSQL; every test skips, saying why, when no server is configured.</summary>
public sealed class PostgresApp() : ShelfbookApp(Db.Postgres);
