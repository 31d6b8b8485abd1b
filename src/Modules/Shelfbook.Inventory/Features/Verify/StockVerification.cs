using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;

namespace Shelfbook.Inventory.Features.Verify;

/// <summary>A balance that does not match the ledger: what the balance says (<see cref="Book"/>) and what the ledger adds up to.</summary>
public sealed record StockDrift(Guid WarehouseId, Guid SkuId, StockCondition Condition, string Field, long Book, long Ledger)
{
    /// <summary>The field of a SKU's cost row: its on hand over every warehouse (<see cref="WarehouseId"/> is empty).</summary>
    public const string SkuOnHand = "sku_on_hand";

    public override string ToString() => Field == SkuOnHand
        ? $"on hand of SKU {SkuId} over every warehouse: cost row {Book}, ledger {Ledger}"
        : $"{Field} of SKU {SkuId} in warehouse {WarehouseId} ({Condition}): balance {Book}, ledger {Ledger}";
}

/// <summary>
/// 账实相符, checked: recomputes every balance's on hand from the movements and every reserved from the reservations,
/// and each SKU's on hand over every warehouse (the cost row's, which the moving average weighs), and lists each difference. The answer must always be empty; <c>shelfbook verify</c> and the tests run it.
/// </summary>
public sealed class StockVerification(TenantDbContext db)
{
    public async Task<IReadOnlyList<StockDrift>> RunAsync(CancellationToken ct = default)
    {
        // One snapshot for the three reads, so work committed in between on a live tenant is not reported as drift:
        // REPEATABLE READ on PostgreSQL, a deferred (read) transaction on SQLite, which does not stop writers in WAL mode.
        await db.Database.OpenConnectionAsync(ct);
        await using var sqlite = db.Database.IsNpgsql() ? null : ((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await using var snapshot = sqlite is null
            ? await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct)
            : await db.Database.UseTransactionAsync(sqlite, ct);
        var ledger = await db.Set<StockMovement>().AsNoTracking()
            .GroupBy(m => new { m.WarehouseId, m.SkuId, m.Condition })
            .Select(g => new { g.Key.WarehouseId, g.Key.SkuId, g.Key.Condition, OnHand = g.Sum(m => (long)m.Quantity) })
            .ToDictionaryAsync(x => (x.WarehouseId, x.SkuId, x.Condition), x => x.OnHand, ct);
        var reserved = await db.Set<StockReservation>().AsNoTracking()
            .GroupBy(r => new { r.WarehouseId, r.SkuId })
            .Select(g => new { g.Key.WarehouseId, g.Key.SkuId, Reserved = g.Sum(r => (long)r.Quantity) })
            .ToDictionaryAsync(x => (x.WarehouseId, x.SkuId, StockCondition.Sellable), x => x.Reserved, ct);
        var drifts = new List<StockDrift>();
        var seen = new HashSet<(Guid, Guid, StockCondition)>();
        await foreach (var b in db.Set<StockBalance>().AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
        {
            var key = (b.WarehouseId, b.SkuId, b.Condition);
            seen.Add(key);
            var onHand = ledger.GetValueOrDefault(key);
            if (b.OnHand != onHand) drifts.Add(new StockDrift(b.WarehouseId, b.SkuId, b.Condition, "on_hand", b.OnHand, onHand));
            var held = reserved.GetValueOrDefault(key);
            if (b.Reserved != held) drifts.Add(new StockDrift(b.WarehouseId, b.SkuId, b.Condition, "reserved", b.Reserved, held));
        }
        foreach (var (key, onHand) in ledger)
            if (!seen.Contains(key) && onHand != 0) drifts.Add(new StockDrift(key.Item1, key.Item2, key.Item3, "on_hand", 0, onHand));
        foreach (var (key, held) in reserved)
            if (!seen.Contains(key)) drifts.Add(new StockDrift(key.Item1, key.Item2, key.Item3, "reserved", 0, held));
        var perSku = ledger.GroupBy(l => l.Key.Item2).ToDictionary(g => g.Key, g => g.Sum(l => l.Value));
        var costed = new HashSet<Guid>();
        await foreach (var c in db.Set<SkuCost>().AsNoTracking().Select(c => new { c.SkuId, c.OnHand }).AsAsyncEnumerable().WithCancellation(ct))
        {
            costed.Add(c.SkuId);
            var onHand = perSku.GetValueOrDefault(c.SkuId);
            if (c.OnHand != onHand) drifts.Add(new StockDrift(Guid.Empty, c.SkuId, StockCondition.Sellable, StockDrift.SkuOnHand, c.OnHand, onHand));
        }
        foreach (var (sku, onHand) in perSku)
            if (!costed.Contains(sku) && onHand != 0) drifts.Add(new StockDrift(Guid.Empty, sku, StockCondition.Sellable, StockDrift.SkuOnHand, 0, onHand));
        return drifts;
    }
}
