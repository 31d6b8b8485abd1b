using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Shelfbook.Data;

/// <summary>
/// Readers must not wait for writers (the UI lists while a batch posts): every SQLite connection runs in
/// WAL mode with NORMAL sync, which stays durable across application crashes.
/// <para>
/// SQLite's automatic checkpoint runs inside the COMMIT of whichever writer takes the log past its threshold, so a batch
/// of 100,000 orders would copy its hundreds of megabytes from the log into the database before its call returns.
/// Connections therefore open with the automatic checkpoint off, and a background loop copies the log of every
/// database a connection used, half a second after it was let go (a passive checkpoint: it never blocks readers or
/// writers and skips what a reader still needs). A log the checkpoint has emptied is cut back to 64 MiB when reused.
/// </para>
/// </summary>
internal sealed class SqliteWriteAheadLog : DbConnectionInterceptor
{
    public static readonly SqliteWriteAheadLog Instance = new();

    // A 64 MiB page cache per connection (SQLite's default is 2 MiB): batches of 100,000 orders touch indexes far larger
    // than that, and a miss is a read from the file per B-tree level.
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; " +
                                   "PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;";

    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    private static readonly ConcurrentDictionary<string, byte> Used = new(StringComparer.Ordinal);

    private static int _looping;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Checkpoint(connection);

    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Checkpoint(connection);
        return Task.CompletedTask;
    }

    private static void Checkpoint(DbConnection connection)
    {
        if (connection is not SqliteConnection { DataSource: { Length: > 0 } file } || file == ":memory:") return;
        Used[file] = 0;
        if (Interlocked.CompareExchange(ref _looping, 1, 0) == 0) _ = Task.Run(LoopAsync);
    }

    private static async Task LoopAsync()
    {
        while (true)
        {
            await Task.Delay(Every);
            foreach (var file in Used.Keys)
            {
                Used.TryRemove(file, out _);
                try
                {
                    // ReadWrite, not ReadWriteCreate: a database deleted meanwhile (a test's, a dropped tenant's) is not made again.
                    await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
                    {
                        DataSource = file, Mode = SqliteOpenMode.ReadWrite, Pooling = false,
                    }.ToString());
                    await connection.OpenAsync();
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await command.ExecuteNonQueryAsync();
                }
                catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
                {
                    // Gone, or busy with another checkpoint: the next use of the database asks again.
                }
            }
        }
    }
}
