using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Inventory.Data;

/// <summary>
/// Raw statements of the ledger's hot paths, in the caller's transaction. SQLite runs in the process, so a prepared
/// statement executed per key costs microseconds and no round trip; PostgreSQL gets one statement per step over
/// arrays (<c>unnest</c>). Parameters on SQLite are shaped by EF's type mappings, so a Guid or a time is written
/// exactly as EF writes it. On SQLite a transaction begun through EF is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's
/// default, deferred: false): it holds the write lock from its first statement, so what it reads cannot change under it.
/// </summary>
internal sealed class StockSql(TenantDbContext db)
{
    public bool IsPostgres => db.Database.IsNpgsql();

    public DbConnection Connection => db.Database.GetDbConnection();

    public DbTransaction Transaction =>
        db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("The ledger writes inside a transaction.");

    /// <summary>
    /// Locks a document's header row for the rest of the transaction, before any cost or balance, so that two requests
    /// on one document (post and cancel, receive and close) run one after the other. SQLite's write transaction does this already.
    /// </summary>
    public async Task LockDocumentAsync(string table, Guid id, CancellationToken ct)
    {
        if (!IsPostgres) return;
        await using var command = Postgres($"SELECT 1 FROM {table} WHERE id = @id FOR UPDATE");
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(ct);
    }

    public NpgsqlCommand Postgres(string sql)
    {
        var command = (NpgsqlCommand)Connection.CreateCommand();
        command.Transaction = (NpgsqlTransaction)Transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>A prepared SQLite statement with one parameter per given CLR type (@p0, @p1 …).</summary>
    public Prepared Prepare(string sql, params Type[] types)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        var mappings = db.GetService<IRelationalTypeMappingSource>();
        var parameters = types.Select((t, i) =>
        {
            var mapping = mappings.FindMapping(Nullable.GetUnderlyingType(t) ?? t) ?? throw new InvalidOperationException($"No mapping for {t}.");
            return (Parameter: mapping.CreateParameter(command, $"@p{i}", null, nullable: true), Mapping: mapping);
        }).ToArray();
        command.Parameters.AddRange(parameters.Select(p => p.Parameter).ToArray());
        command.Prepare();
        return new Prepared(command, parameters);
    }

    public sealed class Prepared(DbCommand command, (DbParameter Parameter, RelationalTypeMapping Mapping)[] parameters) : IDisposable
    {
        public Prepared Bind(params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i];
                if (value is not null && parameters[i].Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                parameters[i].Parameter.Value = value ?? DBNull.Value;
            }
            return this;
        }

        // SQLite does its work synchronously; async wrappers would only add a task per row.
        public int Execute() => command.ExecuteNonQuery();

        public DbDataReader Read() => command.ExecuteReader();

        public void Dispose() => command.Dispose();
    }
}
