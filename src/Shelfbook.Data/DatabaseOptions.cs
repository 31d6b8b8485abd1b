using Npgsql;

namespace Shelfbook.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>The <c>Database</c> section of configuration.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default, nothing to install) or <c>Postgres</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Folder for SQLite files: <c>control.db</c> and <c>tenants/&lt;code&gt;.db</c>.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>PostgreSQL connection string (without Search Path; the platform sets it per database).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Schema of the control database on PostgreSQL.</summary>
    public string ControlSchema { get; set; } = "shelfbook_control";

    /// <summary>Prefix of tenant schemas on PostgreSQL: <c>tenant_&lt;code&gt;</c>.</summary>
    public string TenantSchemaPrefix { get; set; } = "tenant_";

    /// <summary>Describes where the data lives without secrets, for start-up messages and /health.</summary>
    public string Describe()
    {
        if (Provider == DatabaseProvider.Sqlite) return $"SQLite at {Path.GetFullPath(DataPath)}";
        try
        {
            var csb = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"PostgreSQL at Host={csb.Host};Port={csb.Port};Database={csb.Database};Username={csb.Username}";
        }
        catch (ArgumentException)
        {
            return "PostgreSQL with an unreadable connection string";
        }
    }
}
