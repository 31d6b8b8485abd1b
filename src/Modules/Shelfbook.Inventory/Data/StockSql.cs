using Shelfbook.Data;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Inventory.Data;

/// <summary>
/// Raw statements of the ledger's hot paths, in the caller's transaction (see <see cref="BatchSql"/>). On SQLite a
/// transaction begun through EF is <c>BEGIN IMMEDIATE</c> (Microsoft.Data.Sqlite's default, deferred: false): it holds
/// the write lock from its first statement, so what it reads cannot change under it.
/// </summary>
internal sealed class StockSql(TenantDbContext db) : BatchSql(db)
{
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
}
