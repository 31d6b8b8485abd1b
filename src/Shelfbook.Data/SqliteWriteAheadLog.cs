using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Shelfbook.Data;

/// <summary>
/// Readers must not wait for writers (the UI lists while a batch posts): every SQLite connection runs in
/// WAL mode with NORMAL sync, which stays durable across application crashes.
/// </summary>
internal sealed class SqliteWriteAheadLog : DbConnectionInterceptor
{
    public static readonly SqliteWriteAheadLog Instance = new();

    // A 64 MiB page cache per connection (SQLite's default is 2 MiB): batches of 100,000 orders touch indexes far larger
    // than that, and a miss is a read from the file per B-tree level.
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;";

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
}
