using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Shelfbook.Data;

/// <summary>
/// The bulk path for hot inserts (imports, batches): the rows EF would insert, written with one prepared statement
/// per table on SQLite and binary COPY on PostgreSQL, in the caller's transaction. Column names, value converters
/// and types come from the EF model, so what lands is what SaveChanges would have written. Only inserts: an entity
/// that is modified or deleted must go through SaveChanges.
/// </summary>
internal static class BulkInserts
{
    public static async Task WriteAsync(DbContext db, IReadOnlyList<EntityEntry> added, CancellationToken ct)
    {
        if (added.Count == 0) return;
        foreach (var group in InDependencyOrder(added.GroupBy(e => e.Metadata).ToList()))
            await WriteAsync(db, group.Key, group, static (row, property) => row.Property(property.Name).CurrentValue, ct);
    }

    /// <summary>Plain entities of one type, never tracked: for batches too large to pass through the change tracker.</summary>
    public static Task WriteUntrackedAsync<T>(DbContext db, IEnumerable<T> rows, CancellationToken ct) where T : class =>
        WriteAsync(db, db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model."),
            rows, static (row, property) => property.GetGetter().GetClrValue(row), ct);

    private static async Task WriteAsync<TRow>(DbContext db, IEntityType type, IEnumerable<TRow> rows, Func<TRow, IProperty, object?> read, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var table = type.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        // Identity keys (the audit log's, the ledger's) are the database's to number.
        var columns = type.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && p.ClrType == typeof(long)))
            .Select(p => (Property: p, Column: p.GetColumnName(store)!, Mapping: p.GetRelationalTypeMapping()))
            .ToList();
        if (connection is NpgsqlConnection npgsql)
            await CopyAsync(npgsql, table, columns, rows, read, ct);
        else
            await InsertAsync(connection, transaction, table, columns, rows, read, ct);
    }

    private static async Task InsertAsync<TRow>(
        DbConnection connection, DbTransaction? transaction, string table, List<(IProperty Property, string Column, RelationalTypeMapping Mapping)> columns,
        IEnumerable<TRow> rows, Func<TRow, IProperty, object?> read, CancellationToken ct)
    {
        var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) " +
                  $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        if (connection is SqliteConnection sqlite && columns.All(c => SqliteRawStatement.Supports(c.Mapping)))
        {
            // Straight on SQLite's handle: the same values, without a binder and a data reader per row.
            using var statement = new SqliteRawStatement(sqlite, sql, columns.Count);
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                for (var i = 0; i < columns.Count; i++) statement.Bind(i, Value(read(row, columns[i].Property), columns[i].Mapping));
                statement.Execute();
                SqlStatements.Add();
            }
            return;
        }
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        // Each parameter is shaped once by its type mapping (a Guid as TEXT on SQLite, say); rows then only set values.
        var parameters = columns.Select((c, i) => c.Mapping.CreateParameter(command, $"@p{i}", null, c.Property.IsNullable)).ToArray();
        command.Parameters.AddRange(parameters);
        await command.PrepareAsync(ct);
        foreach (var row in rows)
        {
            ct.ThrowIfCancellationRequested();
            for (var i = 0; i < columns.Count; i++) parameters[i].Value = Value(read(row, columns[i].Property), columns[i].Mapping) ?? DBNull.Value;
            // SQLite does its work synchronously; the async wrapper would only add a task per row.
            command.ExecuteNonQuery();
            SqlStatements.Add();
        }
    }

    private static async Task CopyAsync<TRow>(
        NpgsqlConnection connection, string table, List<(IProperty Property, string Column, RelationalTypeMapping Mapping)> columns,
        IEnumerable<TRow> rows, Func<TRow, IProperty, object?> read, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Column}\""))}) FROM STDIN (FORMAT BINARY)", ct);
        // "character varying(64)" → "character varying": the importer wants the type's name without its modifiers.
        var types = columns.Select(c => System.Text.RegularExpressions.Regex.Replace(c.Mapping.StoreType, @"\(.*?\)", "")).ToArray();
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            for (var i = 0; i < columns.Count; i++)
            {
                if (Value(read(row, columns[i].Property), columns[i].Mapping) is { } value) await WriteAsync(importer, value, types[i], ct);
                else await importer.WriteNullAsync(ct);
            }
        }
        await importer.CompleteAsync(ct);
        SqlStatements.Add();
    }

    /// <summary>The importer resolves its converter from the CLR type, so each value is written as what it is.</summary>
    private static Task WriteAsync(NpgsqlBinaryImporter importer, object value, string type, CancellationToken ct) => value switch
    {
        Guid v => importer.WriteAsync(v, type, ct),
        string v => importer.WriteAsync(v, type, ct),
        int v => importer.WriteAsync(v, type, ct),
        long v => importer.WriteAsync(v, type, ct),
        short v => importer.WriteAsync(v, type, ct),
        bool v => importer.WriteAsync(v, type, ct),
        DateTime v => importer.WriteAsync(v, type, ct),
        DateTimeOffset v => importer.WriteAsync(v, type, ct),
        double v => importer.WriteAsync(v, type, ct),
        List<string> v => importer.WriteAsync(v, type, ct),
        string[] v => importer.WriteAsync(v, type, ct),
        _ => throw new NotSupportedException($"Bulk insert cannot write a {value.GetType().Name} to {type}."),
    };

    private static object? Value(object? value, RelationalTypeMapping mapping)
    {
        return value is null ? null : mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
    }

    /// <summary>Principals before dependents (products before their SKUs), so foreign keys hold at every row.</summary>
    private static IEnumerable<IGrouping<IEntityType, EntityEntry>> InDependencyOrder(List<IGrouping<IEntityType, EntityEntry>> groups)
    {
        var left = groups.ToList();
        while (left.Count > 0)
        {
            var ready = left.FirstOrDefault(g => !g.Key.GetForeignKeys().Any(fk =>
                            fk.PrincipalEntityType != g.Key && left.Any(o => o != g && o.Key == fk.PrincipalEntityType)))
                        ?? left[0];
            left.Remove(ready);
            yield return ready;
        }
    }
}
