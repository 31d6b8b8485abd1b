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
        public bool Moved;

        /// <summary>No row yet (PostgreSQL): it is inserted with its final figures instead of inserted and then updated.</summary>
        public bool New;

        /// <summary>Already moved by the statement that locked it (PostgreSQL, <see cref="MoveBalancesAsync"/>).</summary>
        public bool Applied;
    }

    private async Task<PostedMovements> WriteAsync(IReadOnlyList<MovementDraft> drafts, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var unknown = new InputCheck();
        var warehouses = await LoadWarehousesAsync(drafts, unknown, ct);
        var sql = new StockSql(db);
        var skuIds = drafts.Select(d => d.SkuId).ToHashSet().ToArray();
        Array.Sort(skuIds);
        Dictionary<Guid, CostState> costs;
        (Guid WarehouseId, Guid SkuId, StockCondition Condition)[] keys;
        BalanceMoves? moves = null;
        if (sql.IsPostgres)
        {
            // Every SKU that moved before has its cost row: lock them straight away, in SKU order. Only when some SKU moves
            // for the first time are the locks given back (to the savepoint), the new SKUs checked and their rows created
            // before all are locked again, so that no posting holds a cost row while it waits to create another.
            var transaction = db.Database.CurrentTransaction!;
            await transaction.CreateSavepointAsync("stock_costs", ct);
            (costs, (keys, moves)) = await WhileRunningAsync(LockCostRowsAsync(sql, skuIds, ct), () =>
            {
                var k = BalanceKeys(drafts, sorted: false);
                return (k, drafts.All(d => d.SetOnHandTo is null) ? PlanMoves(k, drafts) : null);
            });
            if (costs.Count < skuIds.Length)
            {
                await transaction.RollbackToSavepointAsync("stock_costs", ct);
                var skuInfo = await LoadSkusAsync(drafts, unknown, costs, ct);
                unknown.ThrowIfAny();
                await CreateCostRowsAsync(sql, skuIds.Where(s => !costs.ContainsKey(s)).ToArray(), skuInfo, now, ct);
                costs = await LockCostRowsAsync(sql, skuIds, ct);
                if (costs.Count < skuIds.Length) throw new InvalidOperationException("A SKU's cost row was not created.");
            }
            // (The savepoint stays: releasing the posting's own savepoint releases it.)
            unknown.ThrowIfAny();
        }
        else
        {
            var known = new Dictionary<Guid, CostState>();
            var skuInfo = await LoadSkusAsync(drafts, unknown, known, ct);
            unknown.ThrowIfAny();
            costs = await LockCostsAsync(sql, skuIds, skuInfo, known, now, ct);
            keys = BalanceKeys(drafts, sorted: true);
        }
        // Without stocktake targets every balance's change is known before its figures are: PostgreSQL then moves (or creates)
        // every row in one statement, and the checks below run on the figures they had (a failed check rolls back). Costs
        // do not depend on balances: the movements are costed here while that statement runs.
        Dictionary<(Guid, Guid, StockCondition), BalanceState> balances;
        List<StockMovement>? costed = null;
        if (moves is not null) (balances, costed) = await WhileRunningAsync(MoveBalancesAsync(sql, moves, now, ct), () => Costed(drafts, costs, now));
        else balances = await LockBalancesAsync(sql, keys, ct);

        // The balances, movement by movement: stocktake targets become quantities, each movement's on hand after it, the checks.
        var check = new InputCheck();
        var shortLines = new List<(MovementDraft Draft, long Had)>();
        var effective = costed is null ? new List<MovementDraft>(drafts.Count) : null;
        var onHandAfter = new List<long>(drafts.Count);
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
            state.OnHand += d.Quantity;
            state.DeltaOnHand += d.Quantity;
            state.Moved = true;
            if (OutboundTypes.Contains(d.Type) && d.Quantity < 0) state.Outbound = true;
            if (d.Quantity < 0 && !warehouses[d.WarehouseId].AllowNegative)
            {
                var left = d.Guard switch { StockGuard.OnHand => state.OnHand, StockGuard.Available => state.OnHand - state.Reserved, _ => 0 };
                if (left < 0 && shortLines.Count < 50) shortLines.Add((d, left - d.Quantity));
            }
            effective?.Add(d);
            onHandAfter.Add(state.OnHand);
        }
        var movements = costed ?? Costed(effective!, costs, now);
        for (var i = 0; i < movements.Count; i++) movements[i].OnHandAfter = onHandAfter[i];
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
            throw MissingReservation();
        check.ThrowIfAny();
        await db.BulkInsertAsync(movements, ct);
        await ApplyBalancesAsync(sql, balances, now, ct);
        await SaveCostsAsync(sql, costs.Where(c => c.Value.Changed).Select(c => (c.Key, c.Value)).ToList(), now, ct);
        return new PostedMovements(movements, false);
    }

    /// <summary>The balances the drafts move; in (SKU, warehouse, condition) order when <paramref name="sorted"/>.</summary>
    private static (Guid WarehouseId, Guid SkuId, StockCondition Condition)[] BalanceKeys(IReadOnlyList<MovementDraft> drafts, bool sorted)
    {
        var keys = drafts.Select(d => (d.WarehouseId, d.SkuId, d.Condition)).ToHashSet().ToArray();
        if (sorted)
            Array.Sort(keys, static (x, y) =>
                x.SkuId != y.SkuId ? x.SkuId.CompareTo(y.SkuId) : x.WarehouseId != y.WarehouseId ? x.WarehouseId.CompareTo(y.WarehouseId) : x.Condition.CompareTo(y.Condition));
        return keys;
    }

    /// <summary>
    /// Does <paramref name="work"/> (which must not touch the connection) on this thread while <paramref name="statement"/>
    /// runs on the database: the two cores work at once. The statement always finishes before an error of the work is thrown,
    /// so that the posting's rollback finds the connection free.
    /// </summary>
    private static async Task<(T, TWork)> WhileRunningAsync<T, TWork>(Task<T> statement, Func<TWork> work)
    {
        TWork done;
        try
        {
            done = work();
        }
        catch
        {
            try { await statement; } catch { /* the error to report is the work's */ }
            throw;
        }
        return (await statement, done);
    }

    /// <summary>
    /// The movements with their unit costs, moving each SKU's average cost and on hand as they go (their on hand after is
    /// the balances' to set). A receipt weighs into the moving average; an outbound movement leaves at the moving average,
    /// unless its caller knows the cost of these very goods (a dropship order's goods leave at the cost they passed through at).
    /// </summary>
    private List<StockMovement> Costed(IReadOnlyList<MovementDraft> drafts, Dictionary<Guid, CostState> costs, DateTime now)
    {
        var movements = new List<StockMovement>(drafts.Count);
        foreach (var d in drafts)
        {
            var cost = costs[d.SkuId];
            var unitCost = d.UnitCost ?? cost.Average;
            if (d.Quantity > 0 && NewStockTypes.Contains(d.Type))
            {
                var next = cost.OnHand <= 0 ? unitCost
                    : (long)Math.Round((decimal)((Int128)cost.OnHand * cost.Average + (Int128)d.Quantity * unitCost) / (cost.OnHand + d.Quantity), MidpointRounding.AwayFromZero);
                if (next != cost.Average) { cost.Average = next; cost.Changed = true; }
            }
            if (d.Quantity != 0) { cost.OnHand += d.Quantity; cost.Changed = true; }
            movements.Add(new StockMovement
            {
                WarehouseId = d.WarehouseId, SkuId = d.SkuId, Condition = d.Condition, Quantity = d.Quantity, Type = d.Type, Reason = d.Reason,
                SourceType = d.SourceType, SourceId = d.SourceId, SourceNo = d.SourceNo, UnitCost = unitCost,
                OperatorId = db.Actor.UserId, OperatorName = db.Actor.UserName, At = now, IdempotencyKey = d.IdempotencyKey,
            });
        }
        return movements;
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

    /// <summary>A SKU's cost row as the posting moves it: the moving average and the on hand it weighs.</summary>
    private sealed class CostState
    {
        public long Average;
        public long OnHand;
        public bool Changed;
    }

    /// <summary>
    /// Checks the SKUs are plain SKUs of the catalog. A SKU with a cost row was checked when stock first moved (SKUs are
    /// never deleted and never change kind), so only the others are looked up. On SQLite <paramref name="known"/> gets the
    /// cost rows here; on PostgreSQL it holds those the posting found when it locked them.
    /// </summary>
    private async Task<Dictionary<Guid, SkuFacts>> LoadSkusAsync(IReadOnlyList<MovementDraft> drafts, InputCheck check, Dictionary<Guid, CostState> known, CancellationToken ct)
    {
        var ids = drafts.Select(d => d.SkuId).Distinct().ToArray();
        if (!db.Database.IsNpgsql())
            foreach (var chunk in ids.Chunk(Chunk))
                foreach (var row in await db.Set<SkuCost>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.SkuId))
                             .Select(c => new { c.SkuId, c.AverageCost, c.OnHand }).ToListAsync(ct))
                    known[row.SkuId] = new CostState { Average = row.AverageCost, OnHand = row.OnHand };
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

    /// <summary>PostgreSQL: locks the SKUs' cost rows that exist, in SKU order, and reads them.</summary>
    private static async Task<Dictionary<Guid, CostState>> LockCostRowsAsync(StockSql sql, Guid[] skuIds, CancellationToken ct)
    {
        var costs = new Dictionary<Guid, CostState>(skuIds.Length);
        await using var select = sql.Postgres("SELECT sku_id, average_cost, on_hand FROM sku_costs WHERE sku_id = ANY(@s) ORDER BY sku_id FOR UPDATE");
        select.Parameters.AddWithValue("s", skuIds);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) costs[reader.GetGuid(0)] = new CostState { Average = reader.GetInt64(1), OnHand = reader.GetInt64(2) };
        return costs;
    }

    /// <summary>
    /// PostgreSQL: creates the cost rows of SKUs moving for the first time (at the catalog's cost price, nothing on hand),
    /// in SKU order; a row a concurrent posting created first stands.
    /// </summary>
    private static async Task CreateCostRowsAsync(StockSql sql, Guid[] missing, Dictionary<Guid, SkuFacts> info, DateTime now, CancellationToken ct)
    {
        await using var insert = sql.Postgres(
            "INSERT INTO sku_costs (sku_id, average_cost, on_hand, updated_at) SELECT s, c, 0, @now FROM unnest(@s, @c) AS k(s, c) ORDER BY s ON CONFLICT DO NOTHING");
        insert.Parameters.AddWithValue("s", missing);
        insert.Parameters.AddWithValue("c", missing.Select(s => info[s].CostPrice).ToArray());
        insert.Parameters.AddWithValue("now", now);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// SQLite: creates missing cost rows (starting at the catalog's cost price, nothing on hand: a SKU's first movement
    /// creates its row).
    /// </summary>
    private static async Task<Dictionary<Guid, CostState>> LockCostsAsync(StockSql sql, Guid[] skuIds, Dictionary<Guid, SkuFacts> info, Dictionary<Guid, CostState> known, DateTime now, CancellationToken ct)
    {
        var costs = new Dictionary<Guid, CostState>(skuIds.Length);
        // SQLite: the write transaction already excludes every other writer; the rows read with the SKUs stand, add the missing.
        foreach (var (sku, cost) in known) costs[sku] = cost;
        using var ensure = sql.Prepare("INSERT INTO sku_costs (sku_id, average_cost, on_hand, updated_at) VALUES (@p0, @p1, 0, @p2)", typeof(Guid), typeof(long), typeof(DateTime));
        foreach (var s in skuIds)
            if (!costs.ContainsKey(s))
            {
                ensure.Bind(s, info[s].CostPrice, now).Execute();
                costs[s] = new CostState { Average = info[s].CostPrice };
            }
        return costs;
    }

    /// <summary>
    /// Locks the balances in (SKU, warehouse, condition) order. On SQLite the missing rows are created here; on PostgreSQL
    /// they are marked new and inserted with their final figures when the posting writes: only a posting creates
    /// balances, and it holds the SKU's cost row, so no one else can be creating (or have locked) them meanwhile.
    /// </summary>
    private async Task<Dictionary<(Guid, Guid, StockCondition), BalanceState>> LockBalancesAsync(
        StockSql sql, (Guid WarehouseId, Guid SkuId, StockCondition Condition)[] keys, CancellationToken ct)
    {
        var states = new Dictionary<(Guid, Guid, StockCondition), BalanceState>(keys.Length);
        if (sql.IsPostgres)
        {
            await SortInMemoryAsync(sql, keys.Length, ct);
            await LockExistingAsync(keys);
            foreach (var k in keys)
                if (!states.ContainsKey(k)) states[k] = new BalanceState { New = true };
            return states;

            async Task LockExistingAsync((Guid WarehouseId, Guid SkuId, StockCondition Condition)[] these)
            {
                await using var select = sql.Postgres(
                    "SELECT b.warehouse_id, b.sku_id, b.condition, b.on_hand, b.reserved FROM stock_balances b " +
                    "JOIN unnest(@w, @s, @c) AS k(w, s, c) ON b.warehouse_id = k.w AND b.sku_id = k.s AND b.condition = k.c " +
                    "ORDER BY b.sku_id, b.warehouse_id, b.condition FOR UPDATE OF b");
                AddKeys(select, these.Select(k => k.WarehouseId).ToArray(), these.Select(k => k.SkuId).ToArray(), these.Select(k => k.Condition.ToString()).ToArray());
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    states[(reader.GetGuid(0), reader.GetGuid(1), Enum.Parse<StockCondition>(reader.GetString(2)))] =
                        new BalanceState { OnHand = reader.GetInt64(3), Reserved = reader.GetInt64(4) };
            }
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

    /// <summary>Sorting 100,000 locked rows takes some 15 MB: in memory rather than spilled to disk (for this transaction only).</summary>
    private static async Task SortInMemoryAsync(StockSql sql, int rows, CancellationToken ct)
    {
        if (rows <= 20_000) return;
        await using var memory = sql.Postgres("SET LOCAL work_mem = '64MB'");
        await memory.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// PostgreSQL, when every change is a known quantity: moves every balance in one statement, creating the missing rows
    /// (an upsert, in (SKU, warehouse, condition) order so that the row locks it takes follow the fixed order), and answers
    /// the figures each had before (what it has now less the change). A row another transaction creates meanwhile (a
    /// reservation in a warehouse that allows negative stock) is waited for and then moved. Reserved stock going below
    /// zero is refused by the table's check: a shipment consuming more reserved stock than is held.
    /// </summary>
    private static async Task<Dictionary<(Guid, Guid, StockCondition), BalanceState>> MoveBalancesAsync(StockSql sql, BalanceMoves moves, DateTime now, CancellationToken ct)
    {
        var (keys, index, dq, released, outbound) = moves;
        await SortInMemoryAsync(sql, keys.Length, ct);
        // The insert takes the sorted rows one by one (there is no join): its row locks follow the ORDER BY.
        await using var upsert = sql.Postgres(
            "INSERT INTO stock_balances AS b (warehouse_id, sku_id, condition, on_hand, reserved, first_movement_at, last_movement_at, last_outbound_at) " +
            // The row proposed carries the reserved stock released, not taken (a check holds it at zero or above even when
            // it is not inserted); a row that had to be created had none to release.
            "SELECT d.w, d.s, d.c, d.dq, d.rel, @now, @now, CASE WHEN d.o THEN @now END " +
            "FROM unnest(@w, @s, @c, @dq, @rel, @o) AS d(w, s, c, dq, rel, o) ORDER BY d.s, d.w, d.c " +
            "ON CONFLICT (warehouse_id, sku_id, condition) DO UPDATE SET on_hand = b.on_hand + excluded.on_hand, reserved = b.reserved - excluded.reserved, " +
            "last_movement_at = excluded.last_movement_at, first_movement_at = COALESCE(b.first_movement_at, excluded.first_movement_at), " +
            "last_outbound_at = COALESCE(excluded.last_outbound_at, b.last_outbound_at) " +
            // A row just inserted has no xmax; one updated carries the lock its update took.
            "RETURNING b.warehouse_id, b.sku_id, b.condition, b.on_hand, b.reserved, b.xmax::text = '0'");
        AddKeys(upsert, keys.Select(k => k.WarehouseId).ToArray(), keys.Select(k => k.SkuId).ToArray(), keys.Select(k => k.Condition.ToString()).ToArray());
        upsert.Parameters.AddWithValue("dq", dq);
        upsert.Parameters.AddWithValue("rel", released);
        upsert.Parameters.AddWithValue("o", outbound);
        upsert.Parameters.AddWithValue("now", now);
        var states = new Dictionary<(Guid, Guid, StockCondition), BalanceState>(keys.Length);
        try
        {
            await using var reader = await upsert.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetGuid(0), reader.GetGuid(1), Enum.Parse<StockCondition>(reader.GetString(2)));
                var i = index[key];
                if (reader.GetBoolean(5))
                {
                    if (released[i] > 0) throw MissingReservation();
                    // Inserted: it holds exactly the change (a cheap check that the row was not an update after all).
                    if (reader.GetInt64(3) != dq[i] || reader.GetInt64(4) != 0)
                        throw new InvalidOperationException("A balance the posting created does not hold what it was given.");
                    states[key] = new BalanceState { Applied = true };
                }
                else states[key] = new BalanceState { OnHand = reader.GetInt64(3) - dq[i], Reserved = reader.GetInt64(4) + released[i], Applied = true };
            }
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.CheckViolation && e.ConstraintName == "ck_stock_balances_reserved")
        {
            throw MissingReservation();
        }
        if (states.Count != keys.Length) throw new InvalidOperationException("The posting did not move every balance it meant to.");
        return states;
    }

    private static RuleViolatedException MissingReservation() =>
        new("reservation.missing", "A shipment consumes more reserved stock than is held; release or re-reserve the order first.");

    /// <summary>What each balance a posting moves changes by: on hand, reserved stock released, and whether stock left it for good.</summary>
    private sealed record BalanceMoves(
        (Guid WarehouseId, Guid SkuId, StockCondition Condition)[] Keys, Dictionary<(Guid, Guid, StockCondition), int> Index,
        long[] OnHand, long[] Released, bool[] Outbound);

    private static BalanceMoves PlanMoves((Guid WarehouseId, Guid SkuId, StockCondition Condition)[] keys, IReadOnlyList<MovementDraft> drafts)
    {
        var index = new Dictionary<(Guid, Guid, StockCondition), int>(keys.Length);
        for (var i = 0; i < keys.Length; i++) index[keys[i]] = i;
        var moves = new BalanceMoves(keys, index, new long[keys.Length], new long[keys.Length], new bool[keys.Length]);
        foreach (var d in drafts)
        {
            var i = index[(d.WarehouseId, d.SkuId, d.Condition)];
            moves.OnHand[i] += d.Quantity;
            moves.Released[i] += d.ReleasesReserved;
            moves.Outbound[i] |= d.Quantity < 0 && OutboundTypes.Contains(d.Type);
        }
        return moves;
    }

    internal static void AddKeys(Npgsql.NpgsqlCommand command, Guid[] w, Guid[] s, string[] c)
    {
        command.Parameters.AddWithValue("w", NpgsqlDbType.Array | NpgsqlDbType.Uuid, w);
        command.Parameters.AddWithValue("s", NpgsqlDbType.Array | NpgsqlDbType.Uuid, s);
        command.Parameters.AddWithValue("c", NpgsqlDbType.Array | NpgsqlDbType.Text, c);
    }

    private async Task ApplyBalancesAsync(StockSql sql, Dictionary<(Guid, Guid, StockCondition), BalanceState> balances, DateTime now, CancellationToken ct)
    {
        var changed = balances.Where(b => !b.Value.New && !b.Value.Applied && (b.Value.DeltaOnHand != 0 || b.Value.DeltaReserved != 0)).ToList();
        if (sql.IsPostgres)
        {
            var created = balances.Where(b => b.Value.New && b.Value.Moved).ToList();
            if (created.Count > 0)
            {
                // The binary COPY of the bulk path: new rows no one else can insert (the posting holds their SKUs' cost rows).
                try
                {
                    await db.BulkInsertAsync(created.Select(b => new StockBalance
                    {
                        WarehouseId = b.Key.Item1, SkuId = b.Key.Item2, Condition = b.Key.Item3, OnHand = b.Value.DeltaOnHand,
                        LastMovementAt = now, FirstMovementAt = now, LastOutboundAt = b.Value.Outbound ? now : null,
                    }), ct);
                }
                catch (DbUpdateException e)
                {
                    throw new InvalidOperationException("A balance was created under the posting.", e);
                }
            }
            if (changed.Count == 0) return;
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

    private static async Task SaveCostsAsync(StockSql sql, List<(Guid Sku, CostState Cost)> costs, DateTime now, CancellationToken ct)
    {
        if (costs.Count == 0) return;
        if (sql.IsPostgres)
        {
            await using var update = sql.Postgres(
                "UPDATE sku_costs c SET average_cost = d.a, on_hand = d.q, updated_at = @now FROM unnest(@s, @a, @q) AS d(s, a, q) WHERE c.sku_id = d.s");
            update.Parameters.AddWithValue("s", costs.Select(c => c.Sku).ToArray());
            update.Parameters.AddWithValue("a", costs.Select(c => c.Cost.Average).ToArray());
            update.Parameters.AddWithValue("q", costs.Select(c => c.Cost.OnHand).ToArray());
            update.Parameters.AddWithValue("now", now);
            await update.ExecuteNonQueryAsync(ct);
            return;
        }
        using var save = sql.Prepare("UPDATE sku_costs SET average_cost = @p1, on_hand = @p2, updated_at = @p3 WHERE sku_id = @p0",
            typeof(Guid), typeof(long), typeof(long), typeof(DateTime));
        foreach (var (sku, cost) in costs) save.Bind(sku, cost.Average, cost.OnHand, now).Execute();
    }
}
