using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Shelfbook.Data;

/// <summary>
/// How many SQL statements this process has sent to its databases: every command EF runs (counted by the command
/// interceptor every context gets), plus the raw statements of the hot paths (<see cref="BatchSql"/>, the bulk inserts:
/// each row a prepared statement executes on SQLite, each COPY on PostgreSQL). <c>shelfbook bench double11</c> divides it
/// by the orders of a stage. A process-wide counter: two benches in one process would add up.
/// </summary>
public static class SqlStatements
{
    private static long _count;

    /// <summary>Statements executed since the process started.</summary>
    public static long Count => Interlocked.Read(ref _count);

    internal static void Add(long statements = 1) => Interlocked.Add(ref _count, statements);

    /// <summary>The interceptor that counts EF's commands (readers, scalars, non-queries, sync or async).</summary>
    internal sealed class Counter : DbCommandInterceptor
    {
        public static readonly Counter Instance = new();

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Add();
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Add();
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Add();
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Add();
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Add();
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
            CancellationToken cancellationToken = default)
        {
            Add();
            return ValueTask.FromResult(result);
        }
    }
}
