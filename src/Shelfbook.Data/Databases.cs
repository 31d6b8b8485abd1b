using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Control;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Data;

/// <summary>
/// Knows where the control database and each tenant's database live, builds their options, and migrates
/// them. Each provider has its own migration set in its own assembly.
/// </summary>
public sealed class Databases
{
    public const string SqliteMigrations = "Shelfbook.Migrations.Sqlite";
    public const string PostgresMigrations = "Shelfbook.Migrations.Postgres";

    private readonly ConcurrentDictionary<string, DbContextOptions<TenantDbContext>> _tenantOptions = new();
    private readonly Lazy<DbContextOptions<ControlDbContext>> _controlOptions;
    private readonly Lazy<DatabaseOptions> _options;

    // Nothing is read in the constructor: a configuration mistake surfaces in Bootstrap, which reports it plainly.
    public Databases(IOptions<DatabaseOptions> options, TenantModel model)
    {
        _options = new(() => Checked(options.Value));
        Model = model;
        _controlOptions = new(() => Build<ControlDbContext>(ControlConnectionString()));
    }

    /// <summary>The configured options; throws <see cref="InvalidOperationException"/> naming the setting when they cannot work.</summary>
    public DatabaseOptions Options => _options.Value;

    public TenantModel Model { get; }

    public DbContextOptions<ControlDbContext> ControlOptions => _controlOptions.Value;

    public DbContextOptions<TenantDbContext> TenantOptions(TenantCode tenant) =>
        _tenantOptions.GetOrAdd(tenant.Value, _ => Build<TenantDbContext>(TenantConnectionString(tenant)));

    public ControlDbContext OpenControl(IAuditActor actor, TimeProvider time) => new(ControlOptions, actor, time);

    public TenantDbContext OpenTenant(TenantCode tenant, IAuditActor actor, TimeProvider time) =>
        new(TenantOptions(tenant), Model, actor, time);

    public string ControlConnectionString() => Options.Provider switch
    {
        DatabaseProvider.Sqlite => SqliteConnectionString(Path.Combine(Options.DataPath, "control.db")),
        _ => PostgresConnectionString(Options.ControlSchema),
    };

    public string TenantConnectionString(TenantCode tenant) => Options.Provider switch
    {
        DatabaseProvider.Sqlite => SqliteConnectionString(Path.Combine(Options.DataPath, "tenants", tenant.Value + ".db")),
        _ => PostgresConnectionString(TenantSchema(tenant)),
    };

    public string TenantSchema(TenantCode tenant) => Options.TenantSchemaPrefix + tenant.Value;

    /// <summary>Applies the control database's migrations, creating the folder or schema first.</summary>
    public async Task MigrateControlAsync(CancellationToken ct)
    {
        await PrepareAsync(Options.Provider == DatabaseProvider.Sqlite ? Options.DataPath : Options.ControlSchema, ct);
        await using var db = OpenControl(new SystemActor(), TimeProvider.System);
        await db.Database.MigrateAsync(ct);
    }

    /// <summary>Creates the tenant's database if needed and applies its migrations. Safe to repeat.</summary>
    public async Task MigrateTenantAsync(TenantCode tenant, CancellationToken ct)
    {
        await PrepareAsync(Options.Provider == DatabaseProvider.Sqlite ? Path.Combine(Options.DataPath, "tenants") : TenantSchema(tenant), ct);
        await using var db = OpenTenant(tenant, new SystemActor(), TimeProvider.System);
        await db.Database.MigrateAsync(ct);
    }

    private async Task PrepareAsync(string folderOrSchema, CancellationToken ct)
    {
        if (Options.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(folderOrSchema);
            return;
        }
        await using var connection = new NpgsqlConnection(Options.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE SCHEMA IF NOT EXISTS \"{folderOrSchema}\"";
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DatabaseOptions Checked(DatabaseOptions options)
    {
        if (options.Provider != DatabaseProvider.Postgres) return options;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new InvalidOperationException(
                "Database:Provider is Postgres but Database:ConnectionString is empty. Set it in appsettings.json or the environment variable Database__ConnectionString.");
        try
        {
            _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException("Database:ConnectionString is not a PostgreSQL connection string: " + e.Message, e);
        }
        return options;
    }

    private static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        // Waits for a writer instead of failing at once with "database is locked".
        DefaultTimeout = 30,
        Pooling = true,
    }.ToString();

    private string PostgresConnectionString(string schema) =>
        new NpgsqlConnectionStringBuilder(Options.ConnectionString) { SearchPath = schema }.ToString();

    private DbContextOptions<TContext> Build<TContext>(string connectionString) where TContext : DbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        Configure(builder, Options.Provider, connectionString);
        return builder.Options;
    }

    /// <summary>The one place that turns a provider and a connection string into EF options; design-time factories use it too.</summary>
    public static void Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Sqlite)
            builder.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrations))
                .AddInterceptors(SqliteWriteAheadLog.Instance);
        else
            builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrations));
        builder.AddInterceptors(SqlStatements.Counter.Instance);
        builder.UseSnakeCaseNamingConvention()
            .ReplaceService<Microsoft.EntityFrameworkCore.Infrastructure.IModelCacheKeyFactory, TenantModelCacheKeyFactory>();
    }
}
