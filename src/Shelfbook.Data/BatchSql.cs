using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Shelfbook.Data;

/// <summary>
/// Raw statements of a batch's hot path, in the caller's transaction. SQLite runs in the process, so a prepared
/// statement executed per row costs microseconds and no round trip; PostgreSQL gets one statement per step over
/// arrays (<c>unnest</c>). Parameters on SQLite are shaped by EF's type mappings, so a Guid or a time is written
/// exactly as EF writes it.
/// </summary>
public class BatchSql(DbContext db)
{
    public bool IsPostgres => db.Database.IsNpgsql();

    public DbConnection Connection => db.Database.GetDbConnection();

    public DbTransaction Transaction =>
        db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("A batch writes inside a transaction.");

    public NpgsqlCommand Postgres(string sql)
    {
        var command = (NpgsqlCommand)Connection.CreateCommand();
        command.Transaction = (NpgsqlTransaction)Transaction;
        command.CommandText = sql;
        // Each such command is executed once by its caller.
        SqlStatements.Add();
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
        // Statements run per row go straight to SQLite's handle when every value is of a kind bound there as ADO.NET would.
        var raw = Connection is SqliteConnection sqlite && parameters.All(p => SqliteRawStatement.Supports(p.Mapping))
            ? new SqliteRawStatement(sqlite, sql, parameters.Length)
            : null;
        return new Prepared(command, parameters, raw);
    }

    public sealed class Prepared(DbCommand command, (DbParameter Parameter, RelationalTypeMapping Mapping)[] parameters, SqliteRawStatement? raw) : IDisposable
    {
        private readonly object?[] _values = new object?[parameters.Length];

        public Prepared Bind(params object?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var value = values[i];
                if (value is not null && parameters[i].Mapping.Converter is { } converter) value = converter.ConvertToProvider(value);
                _values[i] = value;
            }
            return this;
        }

        // SQLite does its work synchronously; async wrappers would only add a task per row.
        public int Execute()
        {
            SqlStatements.Add();
            if (raw is null) return SetParameters().ExecuteNonQuery();
            for (var i = 0; i < _values.Length; i++) raw.Bind(i, _values[i]);
            return raw.Execute();
        }

        public DbDataReader Read()
        {
            SqlStatements.Add();
            return SetParameters().ExecuteReader();
        }

        private DbCommand SetParameters()
        {
            for (var i = 0; i < _values.Length; i++) parameters[i].Parameter.Value = _values[i] ?? DBNull.Value;
            return command;
        }

        public void Dispose()
        {
            raw?.Dispose();
            command.Dispose();
        }
    }
}
