using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Data;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Features.Ledger;

/// <summary>What an outbound movement must leave behind when the warehouse does not allow negative stock.</summary>
public enum StockGuard
{
    /// <summary>Nothing is checked (in-transit stock, whose rules the transfer keeps).</summary>
    None,

    /// <summary>On hand stays at zero or above (a stocktake loss may eat into reserved stock: the shelf is what it is).</summary>
    OnHand,

    /// <summary>Available (on hand − reserved) stays at zero or above: stock promised to orders is not taken.</summary>
    Available,
}

/// <summary>
/// A movement to post. <paramref name="Field"/> names the caller's line in errors (<c>lines[3]</c>);
/// <paramref name="ReleasesReserved"/> is reserved stock the movement consumes (a shipment of reserved goods).
/// <paramref name="SetOnHandTo"/> (stocktakes) asks for whatever quantity brings the locked balance to that figure:
/// a gain or a loss, or no movement at all.
/// </summary>
public sealed record MovementDraft(
    Guid WarehouseId, Guid SkuId, StockCondition Condition, int Quantity, MovementType Type, string IdempotencyKey,
    string Field, string? Reason = null, string? SourceType = null, string? SourceId = null, string? SourceNo = null,
    long? UnitCost = null, StockGuard Guard = StockGuard.Available, int ReleasesReserved = 0, long? SetOnHandTo = null);

/// <summary>The movements as posted; <see cref="Replayed"/> when every key had been posted before and nothing changed.</summary>
public sealed record PostedMovements(IReadOnlyList<StockMovement> Movements, bool Replayed);

/// <summary>
/// The one way stock changes (house rule 4): appends movements and moves their balances, reservations released and
/// moving average cost in the same transaction (the caller's, or its own). The batch is all or nothing; errors name
/// the caller's line. The balance rows are locked in (SKU, warehouse, condition) order on PostgreSQL — after the
/// SKUs' cost rows, in SKU order — so two postings never deadlock; on SQLite the write transaction serializes them.
/// </summary>
public sealed class StockPosting(TenantDbContext db, ISkuDirectory skus)
{
    private const int Chunk = 5000;

    private static readonly HashSet<MovementType> NewStockTypes =
        [MovementType.OpeningBalance, MovementType.PurchaseReceipt, MovementType.Return, MovementType.ManualIn, MovementType.StocktakeGain];

    private static readonly HashSet<MovementType> OutboundTypes =
        [MovementType.SalesShipment, MovementType.ThirdPartyOutbound, MovementType.ManualOut, MovementType.TransferOut];

    public async Task<PostedMovements> PostAsync(IReadOnlyList<MovementDraft> drafts, CancellationToken ct)
    {
        Validate(drafts);
        if (drafts.Count == 0) return new PostedMovements([], false);
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            var transaction = db.Database.CurrentTransaction!;
            await transaction.CreateSavepointAsync("stock_post", ct);
            PostedMovements result;
            try
            {
                result = await WriteAsync(drafts, ct);
                await transaction.ReleaseSavepointAsync("stock_post", ct);
            }
            catch (DbUpdateException e) when (DatabaseErrors.IsUniqueViolation(e))
            {
                // A key posted before (or by a concurrent request that committed first): the first result stands.
                await transaction.RollbackToSavepointAsync("stock_post", ct);
                result = await ReplayAsync(drafts, ct);
            }
            catch
            {
                await transaction.RollbackToSavepointAsync("stock_post", ct);
                throw;
            }
            if (own is not null) await own.CommitAsync(ct);
            return result;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    private static void Validate(IReadOnlyList<MovementDraft> drafts)
    {
        var check = new InputCheck();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in drafts)
        {
            if (d.Quantity == 0 && d.SetOnHandTo is null) check.Add($"{d.Field}.quantity", "not_zero", $"{d.Field}: the quantity must not be zero.");
            if (string.IsNullOrEmpty(d.IdempotencyKey) || d.IdempotencyKey.Length > StockMovement.KeyMax)
                check.Add($"{d.Field}.idempotencyKey", "invalid_key", $"{d.Field}: an idempotency key of 1 to {StockMovement.KeyMax} characters is required.");
            else if (!keys.Add(d.IdempotencyKey))
                check.Add($"{d.Field}.idempotencyKey", "duplicate", $"{d.Field}: the idempotency key '{d.IdempotencyKey}' appears twice in the batch.", d.IdempotencyKey);
            if (d.ReleasesReserved < 0 || (d.ReleasesReserved > 0 && (d.Condition != StockCondition.Sellable || d.Quantity > 0)))
                throw new InvalidOperationException("Only an outbound of sellable stock releases reserved stock.");
        }
        check.ThrowIfAny();
    }

    private async Task<PostedMovements> ReplayAsync(IReadOnlyList<MovementDraft> drafts, CancellationToken ct)
    {
        var keys = drafts.Select(d => d.IdempotencyKey).ToList();
        var found = new List<StockMovement>();
        foreach (var chunk in keys.Chunk(Chunk))
            found.AddRange(await db.Set<StockMovement>().AsNoTracking().Where(m => EF.Parameter(chunk).Contains(m.IdempotencyKey)).ToListAsync(ct));
        if (found.Count != drafts.Count)
            throw new RuleViolatedException("movement.key_reused",
                $"{found.Count} of the {drafts.Count} idempotency keys were posted before with other movements; post the batch with new keys or exactly as before.",
                found.Count, drafts.Count);
        var order = keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i, StringComparer.Ordinal);
        return new PostedMovements(found.OrderBy(m => order[m.IdempotencyKey]).ToList(), true);
    }

    private sealed class BalanceState
    {
        public long OnHand;
        public long Reserved;
        public long DeltaOnHand;
        public long DeltaReserved;
        public bool Outbound;
    }

    private async Task<PostedMovements> WriteAsync(IReadOnlyList<MovementDraft> drafts, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var unknown = new InputCheck();
        var warehouses = await LoadWarehousesAsync(drafts, unknown, ct);
        var known = new Dictionary<Guid, long>();
        var skuInfo = await LoadSkusAsync(drafts, unknown, known, ct);
        unknown.ThrowIfAny();

        var sql = new StockSql(db);
        var skuIds = drafts.Select(d => d.SkuId).Distinct().Order().ToArray();
        var costs = await LockCostsAsync(sql, skuIds, skuInfo, known, now, ct);
        var keys = drafts.Select(d => (d.WarehouseId, d.SkuId, d.Condition)).Distinct()
            .OrderBy(k => k.SkuId).ThenBy(k => k.WarehouseId).ThenBy(k => k.Condition).ToArray();
        var balances = await LockBalancesAsync(sql, keys, ct);
        var totals = await TotalsAsync(drafts.Where(d => d.Quantity > 0 && NewStockTypes.Contains(d.Type)).Select(d => d.SkuId).Distinct().ToList(), ct);

        var check = new InputCheck();
        var shortLines = new List<(MovementDraft Draft, long Had)>();
        var movements = new List<StockMovement>(drafts.Count);
        var changedCosts = new HashSet<Guid>();
        foreach (var given in drafts)
        {
            var state = balances[(given.WarehouseId, given.SkuId, given.Condition)];
            var d = given;
            if (given.SetOnHandTo is { } target)
            {
                var change = target - state.OnHand;
                if (change == 0) continue;
                d = given with { Quantity = checked((int)change), Type = change > 0 ? MovementType.StocktakeGain : MovementType.StocktakeLoss };
            }
            if (d.ReleasesReserved > 0)
            {
                state.Reserved -= d.ReleasesReserved;
                state.DeltaReserved -= d.ReleasesReserved;
            }
            var average = costs[d.SkuId];
            long unitCost;
            if (d.Quantity > 0)
            {
                unitCost = d.UnitCost ?? average;
                if (NewStockTypes.Contains(d.Type))
                {
                    var total = totals.GetValueOrDefault(d.SkuId);
                    var next = total <= 0 ? unitCost : (long)Math.Round((decimal)((Int128)total * average + (Int128)d.Quantity * unitCost) / (total + d.Quantity), MidpointRounding.AwayFromZero);
                    if (next != average) { costs[d.SkuId] = next; changedCosts.Add(d.SkuId); }
                    totals[d.SkuId] = total + d.Quantity;
                }
            }
            else
            {
                unitCost = average;
                if (totals.TryGetValue(d.SkuId, out var total)) totals[d.SkuId] = total + d.Quantity;
            }
            state.OnHand += d.Quantity;
            state.DeltaOnHand += d.Quantity;
            if (OutboundTypes.Contains(d.Type) && d.Quantity < 0) state.Outbound = true;
            if (d.Quantity < 0 && !warehouses[d.WarehouseId].AllowNegative)
            {
                var left = d.Guard switch { StockGuard.OnHand => state.OnHand, StockGuard.Available => state.OnHand - state.Reserved, _ => 0 };
                if (left < 0 && shortLines.Count < 50) shortLines.Add((d, left - d.Quantity));
            }
            movements.Add(new StockMovement
            {
                WarehouseId = d.WarehouseId, SkuId = d.SkuId, Condition = d.Condition, Quantity = d.Quantity, Type = d.Type, Reason = d.Reason,
                SourceType = d.SourceType, SourceId = d.SourceId, SourceNo = d.SourceNo, UnitCost = unitCost, OnHandAfter = state.OnHand,
                OperatorId = db.Actor.UserId, OperatorName = db.Actor.UserName, At = now, IdempotencyKey = d.IdempotencyKey,
            });
        }
        if (shortLines.Count > 0)
        {
            var shortSkus = shortLines.Select(l => l.Draft.SkuId).Distinct().ToList();
            var codes = await skus.Skus.Where(s => shortSkus.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Code, ct);
            foreach (var (d, had) in shortLines)
            {
                var code = codes.GetValueOrDefault(d.SkuId, d.SkuId.ToString());
                check.Add($"{d.Field}.quantity", "insufficient_stock",
                    $"{d.Field}: {code} in {warehouses[d.WarehouseId].Code} has {had} {(d.Guard == StockGuard.OnHand ? "on hand" : "available")}, {-d.Quantity} needed.",
                    code, warehouses[d.WarehouseId].Code, had, -d.Quantity);
            }
        }
        if (balances.Values.Any(b => b.Reserved < 0))
            throw new RuleViolatedException("reservation.missing", "A shipment consumes more reserved stock than is held; release or re-reserve the order first.");
        check.ThrowIfAny();

        await db.BulkInsertAsync(movements, ct);
        await ApplyBalancesAsync(sql, balances, now, ct);
        await SaveCostsAsync(sql, changedCosts.Select(s => (s, costs[s])).ToList(), now, ct);
        return new PostedMovements(movements, false);
    }

    private sealed record WarehouseFacts(string Code, bool AllowNegative);

    private async Task<Dictionary<Guid, WarehouseFacts>> LoadWarehousesAsync(IReadOnlyList<MovementDraft> drafts, InputCheck check, CancellationToken ct)
    {
        var ids = drafts.Select(d => d.WarehouseId).Distinct().ToList();
        var found = await db.Set<Warehouse>().AsNoTracking().Where(w => ids.Contains(w.Id))
            .Select(w => new { w.Id, w.Code, w.AllowNegativeStock, w.Active }).ToDictionaryAsync(w => w.Id, ct);
        foreach (var d in drafts)
        {
            var w = found.GetValueOrDefault(d.WarehouseId);
            if (w is null) check.Add($"{d.Field}.warehouseId", "unknown_warehouse", $"{d.Field}: no warehouse has the id {d.WarehouseId}.", d.WarehouseId);
            else if (!w.Active) check.Add($"{d.Field}.warehouseId", "inactive_warehouse", $"{d.Field}: warehouse {w.Code} is inactive.", w.Code);
            if (check.Count >= 50) break;
        }
        return found.Values.ToDictionary(w => w.Id, w => new WarehouseFacts(w.Code, w.AllowNegativeStock));
    }

    private sealed record SkuFacts(string Code, long CostPrice);

    /// <summary>
    /// Checks the SKUs are plain SKUs of the catalog. A SKU with a cost row was checked when stock first moved (SKUs are
    /// never deleted and never change kind), so only the others are looked up; <paramref name="known"/> gets the cost rows.
    /// </summary>
    private async Task<Dictionary<Guid, SkuFacts>> LoadSkusAsync(IReadOnlyList<MovementDraft> drafts, InputCheck check, Dictionary<Guid, long> known, CancellationToken ct)
    {
        var ids = drafts.Select(d => d.SkuId).Distinct().ToList();
        foreach (var chunk in ids.Chunk(Chunk))
            foreach (var row in await db.Set<SkuCost>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.SkuId)).Select(c => new { c.SkuId, c.AverageCost }).ToListAsync(ct))
                known[row.SkuId] = row.AverageCost;
        var found = new Dictionary<Guid, (string Code, bool IsCombo, long CostPrice)>();
        foreach (var chunk in ids.Where(id => !known.ContainsKey(id)).Chunk(Chunk))
            foreach (var s in await skus.Skus.Where(s => EF.Parameter(chunk).Contains(s.Id)).Select(s => new { s.Id, s.Code, s.IsCombo, s.CostPrice }).ToListAsync(ct))
                found[s.Id] = (s.Code, s.IsCombo, s.CostPrice);
        foreach (var d in drafts)
        {
            if (known.ContainsKey(d.SkuId)) continue;
            if (!found.TryGetValue(d.SkuId, out var s)) check.Add($"{d.Field}.skuId", "unknown_sku", $"{d.Field}: no SKU has the id {d.SkuId}.", d.SkuId);
            else if (s.IsCombo) check.Add($"{d.Field}.skuId", "combo_not_stocked", $"{d.Field}: {s.Code} is a combo; its stock is that of its parts.", s.Code);
            if (check.Count >= 50) break;
        }
        return found.ToDictionary(p => p.Key, p => new SkuFacts(p.Value.Code, p.Value.CostPrice));
    }

    /// <summary>Creates missing cost rows (starting at the catalog's cost price) and locks them in SKU order.</summary>
    private static async Task<Dictionary<Guid, long>> LockCostsAsync(StockSql sql, Guid[] skuIds, Dictionary<Guid, SkuFacts> info, Dictionary<Guid, long> known, DateTime now, CancellationToken ct)
    {
        var costs = new Dictionary<Guid, long>(skuIds.Length);
        if (sql.IsPostgres)
        {
            var missing = skuIds.Where(s => !known.ContainsKey(s)).ToArray();
            if (missing.Length > 0)
            {
                await using var insert = sql.Postgres(
                    "INSERT INTO sku_costs (sku_id, average_cost, updated_at) SELECT s, c, @now FROM unnest(@s, @c) AS k(s, c) ORDER BY s ON CONFLICT DO NOTHING");
                insert.Parameters.AddWithValue("s", missing);
                insert.Parameters.AddWithValue("c", missing.Select(s => info[s].CostPrice).ToArray());
                insert.Parameters.AddWithValue("now", now);
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using var select = sql.Postgres("SELECT sku_id, average_cost FROM sku_costs WHERE sku_id = ANY(@s) ORDER BY sku_id FOR UPDATE");
            select.Parameters.AddWithValue("s", skuIds);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) costs[reader.GetGuid(0)] = reader.GetInt64(1);
            return costs;
        }
        // SQLite: the write transaction already excludes every other writer; the rows read with the SKUs stand, add the missing.
        foreach (var (sku, cost) in known) costs[sku] = cost;
        using var ensure = sql.Prepare("INSERT INTO sku_costs (sku_id, average_cost, updated_at) VALUES (@p0, @p1, @p2)", typeof(Guid), typeof(long), typeof(DateTime));
        foreach (var s in skuIds)
            if (!costs.ContainsKey(s))
            {
                ensure.Bind(s, info[s].CostPrice, now).Execute();
                costs[s] = info[s].CostPrice;
            }
        return costs;
    }

    private async Task<Dictionary<(Guid, Guid, StockCondition), BalanceState>> LockBalancesAsync(
        StockSql sql, (Guid WarehouseId, Guid SkuId, StockCondition Condition)[] keys, CancellationToken ct)
    {
        var states = new Dictionary<(Guid, Guid, StockCondition), BalanceState>(keys.Length);
        if (sql.IsPostgres)
        {
            var w = keys.Select(k => k.WarehouseId).ToArray();
            var s = keys.Select(k => k.SkuId).ToArray();
            var c = keys.Select(k => k.Condition.ToString()).ToArray();
            await using (var insert = sql.Postgres(
                "INSERT INTO stock_balances (warehouse_id, sku_id, condition, on_hand, reserved) " +
                "SELECT w, s, c, 0, 0 FROM unnest(@w, @s, @c) AS k(w, s, c) ORDER BY s, w, c ON CONFLICT DO NOTHING"))
            {
                AddKeys(insert, w, s, c);
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using var select = sql.Postgres(
                "SELECT b.warehouse_id, b.sku_id, b.condition, b.on_hand, b.reserved FROM stock_balances b " +
                "JOIN unnest(@w, @s, @c) AS k(w, s, c) ON b.warehouse_id = k.w AND b.sku_id = k.s AND b.condition = k.c " +
                "ORDER BY b.sku_id, b.warehouse_id, b.condition FOR UPDATE OF b");
            AddKeys(select, w, s, c);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                states[(reader.GetGuid(0), reader.GetGuid(1), Enum.Parse<StockCondition>(reader.GetString(2)))] =
                    new BalanceState { OnHand = reader.GetInt64(3), Reserved = reader.GetInt64(4) };
            return states;
        }
        // SQLite: the write transaction excludes every other writer; read the rows in sets, per warehouse and condition (the key's order).
        foreach (var group in keys.GroupBy(k => (k.WarehouseId, k.Condition)))
        {
            var (warehouse, condition) = group.Key;
            foreach (var chunk in group.Select(k => k.SkuId).Chunk(Chunk))
                foreach (var b in await db.Set<StockBalance>().AsNoTracking()
                             .Where(b => b.WarehouseId == warehouse && b.Condition == condition && EF.Parameter(chunk).Contains(b.SkuId))
                             .Select(b => new { b.SkuId, b.OnHand, b.Reserved }).ToListAsync(ct))
                    states[(warehouse, b.SkuId, condition)] = new BalanceState { OnHand = b.OnHand, Reserved = b.Reserved };
        }
        using var ensure = sql.Prepare("INSERT INTO stock_balances (warehouse_id, sku_id, condition, on_hand, reserved) VALUES (@p0, @p1, @p2, 0, 0)",
            typeof(Guid), typeof(Guid), typeof(string));
        foreach (var k in keys)
            if (!states.ContainsKey(k))
            {
                ensure.Bind(k.WarehouseId, k.SkuId, k.Condition.ToString()).Execute();
                states[k] = new BalanceState();
            }
        return states;
    }

    internal static void AddKeys(Npgsql.NpgsqlCommand command, Guid[] w, Guid[] s, string[] c)
    {
        command.Parameters.AddWithValue("w", NpgsqlDbType.Array | NpgsqlDbType.Uuid, w);
        command.Parameters.AddWithValue("s", NpgsqlDbType.Array | NpgsqlDbType.Uuid, s);
        command.Parameters.AddWithValue("c", NpgsqlDbType.Array | NpgsqlDbType.Text, c);
    }

    /// <summary>On hand per SKU over every warehouse and condition: the quantity a moving average weighs.</summary>
    private async Task<Dictionary<Guid, long>> TotalsAsync(List<Guid> skuIds, CancellationToken ct)
    {
        var totals = new Dictionary<Guid, long>();
        foreach (var chunk in skuIds.Chunk(Chunk))
            foreach (var row in await db.Set<StockBalance>().AsNoTracking().Where(b => EF.Parameter(chunk).Contains(b.SkuId))
                         .GroupBy(b => b.SkuId).Select(g => new { g.Key, Total = g.Sum(b => b.OnHand) }).ToListAsync(ct))
                totals[row.Key] = row.Total;
        return totals;
    }

    private static async Task ApplyBalancesAsync(StockSql sql, Dictionary<(Guid, Guid, StockCondition), BalanceState> balances, DateTime now, CancellationToken ct)
    {
        var changed = balances.Where(b => b.Value.DeltaOnHand != 0 || b.Value.DeltaReserved != 0).ToList();
        if (sql.IsPostgres)
        {
            await using var update = sql.Postgres(
                "UPDATE stock_balances b SET on_hand = b.on_hand + d.dq, reserved = b.reserved + d.dr, last_movement_at = @now, first_movement_at = COALESCE(b.first_movement_at, @now), " +
                "last_outbound_at = CASE WHEN d.o THEN @now ELSE b.last_outbound_at END " +
                "FROM unnest(@w, @s, @c, @dq, @dr, @o) AS d(w, s, c, dq, dr, o) " +
                "WHERE b.warehouse_id = d.w AND b.sku_id = d.s AND b.condition = d.c AND b.reserved + d.dr >= 0");
            AddKeys(update, changed.Select(b => b.Key.Item1).ToArray(), changed.Select(b => b.Key.Item2).ToArray(), changed.Select(b => b.Key.Item3.ToString()).ToArray());
            update.Parameters.AddWithValue("dq", changed.Select(b => b.Value.DeltaOnHand).ToArray());
            update.Parameters.AddWithValue("dr", changed.Select(b => b.Value.DeltaReserved).ToArray());
            update.Parameters.AddWithValue("o", changed.Select(b => b.Value.Outbound).ToArray());
            update.Parameters.AddWithValue("now", now);
            var rows = await update.ExecuteNonQueryAsync(ct);
            if (rows != changed.Count) throw new InvalidOperationException("A locked balance changed under the posting.");
            return;
        }
        using var apply = sql.Prepare(
            "UPDATE stock_balances SET on_hand = on_hand + @p3, reserved = reserved + @p4, last_movement_at = @p5, first_movement_at = COALESCE(first_movement_at, @p5), " +
            "last_outbound_at = CASE WHEN @p6 THEN @p5 ELSE last_outbound_at END " +
            "WHERE warehouse_id = @p0 AND sku_id = @p1 AND condition = @p2 AND reserved + @p4 >= 0",
            typeof(Guid), typeof(Guid), typeof(string), typeof(long), typeof(long), typeof(DateTime), typeof(bool));
        foreach (var (key, state) in changed)
            if (apply.Bind(key.Item1, key.Item2, key.Item3.ToString(), state.DeltaOnHand, state.DeltaReserved, now, state.Outbound).Execute() != 1)
                throw new InvalidOperationException("A locked balance changed under the posting.");
    }

    private static async Task SaveCostsAsync(StockSql sql, List<(Guid Sku, long Cost)> costs, DateTime now, CancellationToken ct)
    {
        if (costs.Count == 0) return;
        if (sql.IsPostgres)
        {
            await using var update = sql.Postgres(
                "UPDATE sku_costs c SET average_cost = d.a, updated_at = @now FROM unnest(@s, @a) AS d(s, a) WHERE c.sku_id = d.s");
            update.Parameters.AddWithValue("s", costs.Select(c => c.Sku).ToArray());
            update.Parameters.AddWithValue("a", costs.Select(c => c.Cost).ToArray());
            update.Parameters.AddWithValue("now", now);
            await update.ExecuteNonQueryAsync(ct);
            return;
        }
        using var save = sql.Prepare("UPDATE sku_costs SET average_cost = @p1, updated_at = @p2 WHERE sku_id = @p0", typeof(Guid), typeof(long), typeof(DateTime));
        foreach (var (sku, cost) in costs) save.Bind(sku, cost, now).Execute();
    }
}
