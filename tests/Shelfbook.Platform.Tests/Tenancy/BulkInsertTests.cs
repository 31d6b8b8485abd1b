using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Shelfbook.Data.Tenancy;
using Shelfbook.TestKit;

namespace Shelfbook.Platform.Tests.Tenancy;

/// <summary>
/// The bulk path (a prepared statement on SQLite, binary COPY on PostgreSQL) must store exactly what SaveChanges stores: for every
/// table of the model whose rows can be made here, one row written each way (in a transaction rolled back after) is
/// read back column by column in the database's own words — storage class and literal on SQLite, text on PostgreSQL.
/// </summary>
public abstract class BulkInsertTests(ShelfbookApp app) : TenantTest(app)
{
    [Fact]
    public async Task A_bulk_insert_stores_every_column_as_SaveChanges_does()
    {
        await using var probe = Session.OpenDb();
        var postgres = probe.Database.IsNpgsql();
        var compared = new List<string>();
        foreach (var type in probe.Model.GetEntityTypes().OrderBy(t => t.GetTableName()))
        {
            if (!Insertable(type) || Make(type, postgres) is not { } first) continue;
            var second = Make(type, postgres)!;
            var bySaveChanges = await WriteAndReadAsync(type, first, postgres, (db, row) => { db.Add(row); return db.SaveChangesAsync(); });
            if (bySaveChanges is null) continue; // A row of made-up values this table's checks refuse (on PostgreSQL, its foreign keys).
            var byBulk = await WriteAndReadAsync(type, second, postgres, (db, row) => BulkInsertAsync(db, type.ClrType, row));
            Assert.True(byBulk is not null, $"{type.GetTableName()}: the bulk insert refused a row SaveChanges stored.");
            Assert.Equal(bySaveChanges, byBulk);
            compared.Add(type.GetTableName()!);
        }
        // The hot tables of a shipping batch are all among those compared.
        Assert.Superset(new HashSet<string> { "stock_movements", "stock_reservations", "parcels", "orders", "order_log", "audit_entries", "shipment_confirmations", "platform_orders" },
            compared.ToHashSet());
        Assert.True(compared.Count >= 30, $"only {compared.Count} tables compared: {string.Join(", ", compared)}");
    }

    private static Task BulkInsertAsync(TenantDbContext db, Type type, object row)
    {
        var method = typeof(TenantDbContext).GetMethod(nameof(TenantDbContext.BulkInsertAsync))!.MakeGenericMethod(type);
        var rows = Array.CreateInstance(type, 1);
        rows.SetValue(row, 0);
        return (Task)method.Invoke(db, [rows, CancellationToken.None])!;
    }

    /// <summary>Writes the row in a transaction, reads each of its columns back, and rolls back; null when the write is refused.</summary>
    private async Task<List<string?>?> WriteAndReadAsync(IEntityType type, object row, bool postgres, Func<TenantDbContext, object, Task> write)
    {
        await using var db = Session.OpenDb();
        await db.Database.OpenConnectionAsync();
        // Made-up rows refer to nothing: SQLite checks no foreign keys for this comparison (PostgreSQL's stay, and refuse).
        if (!postgres) await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=OFF");
        await using var transaction = await db.Database.BeginTransactionAsync();
        try
        {
            await write(db, row);
        }
        catch (Exception e) when (e is DbUpdateException or TargetInvocationException { InnerException: DbUpdateException })
        {
            return null;
        }
        var table = type.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var key = type.FindPrimaryKey()!.Properties;
        var columns = type.GetProperties().Where(p => !Generated(p)).Select(p => p.GetColumnName(store)!).ToList();
        var select = string.Join(", ", columns.Select(c => postgres ? $"\"{c}\"::text" : $"typeof(\"{c}\") || ':' || quote(\"{c}\")"));
        var where = string.Join(" AND ", key.Select(p => Generated(p)
            ? postgres ? $"\"{p.GetColumnName(store)}\" = currval(pg_get_serial_sequence('\"{table}\"', '{p.GetColumnName(store)}'))" : "rowid = last_insert_rowid()"
            : $"\"{p.GetColumnName(store)}\"{(postgres ? "::text" : "")} = '{Literal(p, p.PropertyInfo!.GetValue(row)!, postgres)}'"));
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = $"SELECT {select} FROM \"{table}\" WHERE {where}";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"{table}: the row written is not found by its key.");
        var values = Enumerable.Range(0, columns.Count).Select(i => $"{table}.{columns[i]}={(reader.IsDBNull(i) ? "NULL" : reader.GetString(i))}").ToList<string?>();
        await reader.DisposeAsync();
        await transaction.RollbackAsync();
        return values;
    }

    private static string Literal(IProperty key, object value, bool postgres)
    {
        var converted = key.GetTypeMapping().Converter is { } converter ? converter.ConvertToProvider(value)! : value;
        return converted switch
        {
            Guid g when !postgres => g.ToString().ToUpperInvariant(),
            _ => Convert.ToString(converted, System.Globalization.CultureInfo.InvariantCulture)!.Replace("'", "''"),
        };
    }

    private static bool Generated(IProperty p) => p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && p.ClrType == typeof(long);

    /// <summary>Plain tables of plain columns: what the bulk path writes.</summary>
    private static bool Insertable(IEntityType type) =>
        type.GetTableName() is not null && type.FindPrimaryKey() is not null && !type.IsOwned() && type.BaseType is null && !type.GetDerivedTypes().Any()
        && !type.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) && !type.GetComplexProperties().Any()
        && type.GetProperties().All(p => !p.IsShadowProperty() && p.PropertyInfo is { CanWrite: true })
        && type.ClrType.GetConstructor(Type.EmptyTypes) is not null;

    /// <summary>A row with a value of its kind in every column (the same each call but for nothing), or null if a column's kind is not known here.</summary>
    private static object? Make(IEntityType type, bool postgres)
    {
        var row = Activator.CreateInstance(type.ClrType)!;
        var n = 0;
        foreach (var p in type.GetProperties())
        {
            n++;
            if (Generated(p)) continue;
            var clr = Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType;
            object? value = clr switch
            {
                _ when clr == typeof(string) => Text(p, n),
                _ when clr == typeof(Guid) => new Guid($"0a1b2c3d-4e5f-4a6b-8c7d-{n:D12}"),
                _ when clr == typeof(DateTime) => new DateTime(2026, 11, 28, 13, 45, 12, DateTimeKind.Utc).AddTicks(1_234_560 + n * 10)
                    is var t && postgres && !p.GetRelationalTypeMapping().StoreType.Contains("with time zone") ? DateTime.SpecifyKind(t, DateTimeKind.Unspecified) : t,
                _ when clr == typeof(bool) => true,
                _ when clr == typeof(int) => 7 + n,
                _ when clr == typeof(long) => 1_234_567_890_123L + n,
                _ when clr == typeof(short) => (short)(3 + n),
                _ when clr == typeof(double) => 1.25 + n,
                _ when clr == typeof(decimal) => 12.34m + n,
                _ when clr == typeof(byte[]) => new byte[] { 1, 2, (byte)n },
                _ when clr.IsEnum => Enum.GetValues(clr).GetValue(Enum.GetValues(clr).Length - 1),
                _ when clr == typeof(List<string>) => new List<string> { "甲", "b" },
                _ when clr == typeof(string[]) => new[] { "甲", "b" },
                _ => null,
            };
            if (value is null) return null;
            p.PropertyInfo!.SetValue(row, value);
        }
        return row;
    }

    /// <summary>Chinese, a quote and a digit, within the column's length.</summary>
    private static string Text(IProperty p, int n)
    {
        var text = $"上海'{n}x";
        return p.GetMaxLength() is { } max && text.Length > max ? text[..max] : text;
    }
}

public sealed class BulkInsertTestsOnSqlite(SqliteApp app) : BulkInsertTests(app);

public sealed class BulkInsertTestsOnPostgres(PostgresApp app) : BulkInsertTests(app);
