using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Shelfbook.Data;

public static class DatabaseErrors
{
    /// <summary>A unique index refused the row (SQLite constraint 2067/1555, PostgreSQL 23505).</summary>
    public static bool IsUniqueViolation(DbUpdateException e) => e.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>A row referred to something that was deleted meanwhile (SQLite constraint 787, PostgreSQL 23503).</summary>
    public static bool IsForeignKeyViolation(DbUpdateException e) => e.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == 787,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.ForeignKeyViolation,
        _ => false,
    };

    /// <summary>
    /// The work was stopped rather than failed: a cancellation, or anything a database call throws once its token is
    /// cancelled (SQLite answers an interrupted statement with SQLITE_INTERRUPT, PostgreSQL with 57014, or the driver
    /// breaks the connection). Such an error must not be recorded as the work's failure.
    /// </summary>
    public static bool IsStop(Exception e, CancellationToken ct) =>
        e is OperationCanceledException || ct.IsCancellationRequested || e.InnerException is OperationCanceledException;

    /// <summary>
    /// Saves; when a unique index refuses the row because another request took the value between the check and the
    /// save, runs <paramref name="explain"/> (the same check again, which now throws the field error) on a clean context.
    /// </summary>
    public static async Task SaveOrExplainAsync(this DbContext db, Func<Task> explain, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            await explain();
            throw;
        }
    }
}
