using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Shelfbook.Data;

/// <summary>
/// A statement executed straight on SQLite's handle, for the hot paths that run one prepared statement per row (bulk
/// inserts, batch updates). Microsoft.Data.Sqlite binds every parameter again through a binder object and opens a
/// data reader on each execution; at a hundred thousand rows that was a third of a bulk insert's time. Values are
/// bound exactly as Microsoft.Data.Sqlite binds them for EF's SQLite mappings (a Guid as upper-case text, a time as
/// <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, a bool as an integer), as UTF-8 without a string per value; types it does not know
/// (<see cref="Supports"/>) stay on the ADO.NET path. Errors are Microsoft.Data.Sqlite's own <see cref="SqliteException"/>.
/// </summary>
public sealed class SqliteRawStatement : IDisposable
{
    private const string TimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly int[] _slots;

    /// <summary>Prepares <paramref name="sql"/>, whose parameters are named <c>@p0</c> … <c>@p{count - 1}</c>.</summary>
    public SqliteRawStatement(SqliteConnection connection, string sql, int count)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out var stmt);
        if (rc != raw.SQLITE_OK)
        {
            stmt?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
            throw new InvalidOperationException($"SQLite could not prepare: {sql}");
        }
        _stmt = stmt;
        // SQLite numbers parameters in the order the text first names them, which need not be @p0, @p1 …; 0 is one not used.
        _slots = Enumerable.Range(0, count).Select(i => raw.sqlite3_bind_parameter_index(_stmt, $"@p{i}")).ToArray();
    }

    /// <summary>Whether the values of this mapping (after its converter, if any) are bound here as Microsoft.Data.Sqlite would.</summary>
    public static bool Supports(RelationalTypeMapping mapping) => Supports(mapping.Converter?.ProviderClrType ?? mapping.ClrType);

    private static bool Supports(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t
        && (t == typeof(string) || t == typeof(Guid) || t == typeof(DateTime) || t == typeof(bool) || t == typeof(long) || t == typeof(int)
            || t == typeof(short) || t == typeof(byte) || t == typeof(double) || t == typeof(byte[]));

    /// <summary>Binds the value of parameter <c>@p{i}</c>.</summary>
    public void Bind(int i, object? value)
    {
        var index = _slots[i];
        if (index == 0) return;
        var rc = value switch
        {
            null or DBNull => raw.sqlite3_bind_null(_stmt, index),
            string s => BindText(index, s),
            Guid g => BindGuid(index, g),
            DateTime d => BindTime(index, d),
            bool b => raw.sqlite3_bind_int64(_stmt, index, b ? 1 : 0),
            long l => raw.sqlite3_bind_int64(_stmt, index, l),
            int n => raw.sqlite3_bind_int64(_stmt, index, n),
            short s => raw.sqlite3_bind_int64(_stmt, index, s),
            byte b => raw.sqlite3_bind_int64(_stmt, index, b),
            double d => raw.sqlite3_bind_double(_stmt, index, d),
            byte[] bytes => raw.sqlite3_bind_blob(_stmt, index, bytes),
            _ => throw new NotSupportedException($"A {value.GetType().Name} is not bound on the raw SQLite path."),
        };
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    // Text goes to SQLite as UTF-8, its databases' encoding: UTF-16 would be converted by SQLite at every use, more slowly.
    private byte[] _text = new byte[512];

    private int BindText(int index, string value)
    {
        if (Encoding.UTF8.GetMaxByteCount(value.Length) > _text.Length) _text = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        var length = Encoding.UTF8.GetBytes(value, _text);
        return raw.sqlite3_bind_text(_stmt, index, _text.AsSpan(0, length));
    }

    private int BindGuid(int index, Guid value)
    {
        Span<byte> text = stackalloc byte[36];
        value.TryFormat(text, out _, "D");
        for (var i = 0; i < text.Length; i++)
            if (text[i] is >= (byte)'a' and <= (byte)'f') text[i] -= 32;
        return raw.sqlite3_bind_text(_stmt, index, text);
    }

    private int BindTime(int index, DateTime value)
    {
        Span<byte> text = stackalloc byte[40];
        if (!value.TryFormat(text, out var written, TimeFormat, CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"The time {value:O} could not be written.");
        return raw.sqlite3_bind_text(_stmt, index, text[..written]);
    }

    /// <summary>Runs the statement once with what is bound; answers the rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_stmt);
        // A write inside a transaction holds the database already; outside one, wait for another writer as ADO.NET would.
        var waited = 0;
        while (rc is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && waited < 30_000)
        {
            raw.sqlite3_reset(_stmt);
            Thread.Sleep(10);
            waited += 10;
            rc = raw.sqlite3_step(_stmt);
        }
        if (rc is not (raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            raw.sqlite3_reset(_stmt);
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
        raw.sqlite3_reset(_stmt);
        return raw.sqlite3_changes(_db);
    }

    public void Dispose() => _stmt.Dispose();
}
