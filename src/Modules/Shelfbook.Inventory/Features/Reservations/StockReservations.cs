using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Data;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Features.Reservations;

/// <summary>A part of a reservation to turn into an outbound movement (quick outbound ships part of what an order holds).</summary>
internal sealed record ReservationToConsume(StockReservation Reservation, int Quantity, MovementType Type, string ShipmentKey, string? TrackingNo, string Field);

/// <summary>The reservations of <see cref="IReserveStock"/>; see there for the rules.</summary>
public sealed class StockReservations(TenantDbContext db, ISkuDirectory skus, StockPosting posting) : IReserveStock
{
    private const int Chunk = 5000;

    /// <summary>The most one line may move: far above any real order or receipt, far below an overflow.</summary>
    public const int MaxQuantity = 1_000_000;
    private const StockCondition Sellable = StockCondition.Sellable;

    public async Task<IReadOnlyList<OrderReservation>> ReserveAsync(IReadOnlyList<StockToReserve> lines, CancellationToken ct = default)
    {
        if (lines.Count == 0) return [];
        var allowNegative = await CheckAsync(lines, ct);
        var orders = lines.Select((l, i) => (Line: l, Index: i)).GroupBy(x => x.Line.OrderId).ToList();

        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var held = new HashSet<Guid>();
        foreach (var chunk in orders.Select(o => o.Key).Chunk(Chunk))
            held.UnionWith(await db.Set<StockReservation>().Where(r => EF.Parameter(chunk).Contains(r.OrderId)).Select(r => r.OrderId).Distinct().ToListAsync(ct));

        var shipped = new HashSet<string>();
        foreach (var chunk in orders.Select(o => o.Key.ToString()).Chunk(Chunk))
            shipped.UnionWith(await db.Set<StockMovement>().Where(m => m.SourceType == "order" && EF.Parameter(chunk).Contains(m.SourceId!)).Select(m => m.SourceId!).Distinct().ToListAsync(ct));
        if (shipped.Count > 0)
        {
            var check = new InputCheck();
            for (var i = 0; i < lines.Count && check.Count < 50; i++)
                if (shipped.Contains(lines[i].OrderId.ToString()) && !held.Contains(lines[i].OrderId))
                    check.Add($"lines[{i}].orderId", "already_shipped", $"lines[{i}]: order {lines[i].OrderNo} has shipped; it reserves nothing again.", lines[i].OrderNo);
            check.ThrowIfAny();
        }
        var keys = lines.Where(l => !held.Contains(l.OrderId)).Select(l => (l.SkuId, l.WarehouseId)).Distinct().Order().ToArray();
        var sql = new StockSql(db);
        var available = await LockAsync(sql, keys, allowNegative, ct);

        var now = db.Time.StoredUtcNow();
        var results = new List<OrderReservation>(orders.Count);
        var taken = new Dictionary<(Guid, Guid), long>();
        var rows = new List<StockReservation>();
        // Orders have a handful of lines: small lists beat dictionaries and LINQ per order on a batch of 100,000 lines.
        var wanted = new List<((Guid SkuId, Guid WarehouseId) Key, long Quantity)>(8);
        var parts = new List<StockToReserve>(8);
        foreach (var order in orders)
        {
            if (held.Contains(order.Key))
            {
                results.Add(new OrderReservation(order.Key, true, true, []));
                continue;
            }
            wanted.Clear();
            foreach (var (line, _) in order)
            {
                var key = (line.SkuId, line.WarehouseId);
                var at = wanted.FindIndex(w => w.Key == key);
                if (at < 0) wanted.Add((key, line.Quantity));
                else wanted[at] = (key, wanted[at].Quantity + line.Quantity);
            }
            var isShort = false;
            foreach (var (key, quantity) in wanted)
                isShort |= !allowNegative.Contains(key.WarehouseId) && available.GetValueOrDefault(key) < quantity;
            if (isShort)
            {
                var shortKeys = wanted.Where(w => !allowNegative.Contains(w.Key.WarehouseId) && available.GetValueOrDefault(w.Key) < w.Quantity).Select(w => w.Key).ToHashSet();
                results.Add(new OrderReservation(order.Key, false, false, order.Where(x => shortKeys.Contains((x.Line.SkuId, x.Line.WarehouseId)))
                    .Select(x => new ShortLine(x.Line.OrderLineId, x.Line.SkuId, x.Line.WarehouseId, x.Line.Quantity, available.GetValueOrDefault((x.Line.SkuId, x.Line.WarehouseId))))
                    .ToList()));
                continue;
            }
            foreach (var (key, quantity) in wanted)
            {
                available[key] = available.GetValueOrDefault(key) - quantity;
                taken[key] = taken.GetValueOrDefault(key) + quantity;
            }
            // One row per (line, SKU): a line that names a SKU twice (a combo and its part) holds the sum.
            parts.Clear();
            foreach (var (line, _) in order)
            {
                var at = parts.FindIndex(p => p.OrderLineId == line.OrderLineId && p.SkuId == line.SkuId);
                if (at < 0) parts.Add(line);
                else parts[at] = parts[at] with { Quantity = parts[at].Quantity + line.Quantity };
            }
            foreach (var part in parts)
                rows.Add(new StockReservation
                {
                    OrderId = part.OrderId, OrderNo = part.OrderNo, OrderLineId = part.OrderLineId, SkuId = part.SkuId,
                    WarehouseId = part.WarehouseId, Quantity = part.Quantity, CreatedAt = now,
                });
            results.Add(new OrderReservation(order.Key, true, false, []));
        }

        try
        {
            await db.BulkInsertAsync(rows, ct);
        }
        catch (DbUpdateException e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            // Another call reserved one of these orders after this one looked (the same order audited twice at once): a
            // lost race, refused whole like any stock that changed meanwhile.
            throw Conflict();
        }
        await AdjustReservedAsync(sql, taken, allowNegative, ct);
        if (own is not null) await own.CommitAsync(ct);
        return results;
    }

    public async Task<int> ReleaseAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct = default)
    {
        if (orderIds.Count == 0) return 0;
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var held = new List<StockReservation>();
        foreach (var chunk in orderIds.Distinct().Chunk(Chunk))
            held.AddRange(await db.Set<StockReservation>().AsNoTracking().Where(r => EF.Parameter(chunk).Contains(r.OrderId)).ToListAsync(ct));
        if (held.Count == 0) return 0;
        var sql = new StockSql(db);
        await LockAsync(sql, held.Select(r => (r.SkuId, r.WarehouseId)).Distinct().Order().ToArray(), [], ct);
        // Read again under the balance locks: a release or shipment of the same order that committed meanwhile has
        // already taken its rows (and its reserved figure) away.
        held.Clear();
        foreach (var chunk in orderIds.Distinct().Chunk(Chunk))
            held.AddRange(await db.Set<StockReservation>().AsNoTracking().Where(r => EF.Parameter(chunk).Contains(r.OrderId)).ToListAsync(ct));
        var delta = held.GroupBy(r => (r.SkuId, r.WarehouseId)).ToDictionary(g => g.Key, g => -g.Sum(r => (long)r.Quantity));
        foreach (var chunk in held.Select(r => r.Id).Chunk(Chunk))
            await db.Set<StockReservation>().Where(r => EF.Parameter(chunk).Contains(r.Id)).ExecuteDeleteAsync(ct);
        await AdjustReservedAsync(sql, delta, [], ct);
        if (own is not null) await own.CommitAsync(ct);
        return held.Count;
    }

    public async Task<IReadOnlyList<ConsumedOrder>> ConsumeAsync(IReadOnlyList<ShipmentToConsume> shipments, CancellationToken ct = default)
    {
        if (shipments.Count == 0) return [];
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var ids = shipments.Select(s => s.OrderId).Distinct().ToList();
        // Every reservation of the orders is taken at once: removed and read in one statement, so no release or other
        // shipment can take it as well (one racing this waits for it, then finds nothing). A failed posting rolls it back.
        var held = new List<StockReservation>();
        foreach (var chunk in ids.Chunk(Chunk))
            held.AddRange(await TakeAsync(chunk, ct));
        var byOrder = held.ToLookup(r => r.OrderId);
        var empty = ids.Where(id => !byOrder.Contains(id)).ToList();
        var shipped = new HashSet<Guid>();
        foreach (var chunk in empty.Select(id => id.ToString()).Chunk(Chunk))
            foreach (var id in await db.Set<StockMovement>().Where(m => m.SourceType == "order" && EF.Parameter(chunk).Contains(m.SourceId!)).Select(m => m.SourceId!).Distinct().ToListAsync(ct))
                shipped.Add(Guid.Parse(id));
        var check = new InputCheck();
        for (var i = 0; i < shipments.Count; i++)
            if (!byOrder.Contains(shipments[i].OrderId) && !shipped.Contains(shipments[i].OrderId))
                check.Add($"shipments[{i}].orderId", "not_reserved", $"shipments[{i}]: order {shipments[i].OrderId} holds no stock to ship; reserve it first.", shipments[i].OrderId);
        check.ThrowIfAny();

        var tracking = shipments.GroupBy(s => s.OrderId).ToDictionary(g => g.Key, g => g.First().TrackingNo);
        var parts = held.Select((r, i) => new ReservationToConsume(r, r.Quantity, MovementType.SalesShipment, "all", tracking[r.OrderId], $"reservations[{i}]")).ToList();
        await ConsumeAsync(parts, ct, taken: true);
        if (own is not null) await own.CommitAsync(ct);
        return ids.Select(id => byOrder.Contains(id)
            ? new ConsumedOrder(id, byOrder[id].Count(), byOrder[id].Sum(r => (long)r.Quantity), false)
            : new ConsumedOrder(id, 0, 0, true)).ToList();
    }

    /// <summary>The idempotency key of a shipment from a reservation: the same shipment reported twice posts once.</summary>
    internal static string KeyOf(ReservationToConsume part) =>
        $"{part.Type}:{part.Reservation.OrderLineId}:{part.Reservation.SkuId}:{part.Reservation.WarehouseId}:{part.ShipmentKey}";

    /// <summary>Removes every reservation of the orders and answers them (<c>DELETE … RETURNING</c>), in the caller's transaction.</summary>
    private async Task<List<StockReservation>> TakeAsync(Guid[] orderIds, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            return await db.Set<StockReservation>().FromSqlRaw("DELETE FROM stock_reservations WHERE order_id = ANY({0}) RETURNING *", orderIds)
                .AsNoTracking().ToListAsync(ct);
        // SQLite keeps a Guid as upper-case text; the ids go as one JSON array.
        var json = System.Text.Json.JsonSerializer.Serialize(orderIds.Select(id => id.ToString().ToUpperInvariant()));
        return await db.Set<StockReservation>().FromSqlRaw("DELETE FROM stock_reservations WHERE order_id IN (SELECT value FROM json_each({0})) RETURNING *", json)
            .AsNoTracking().ToListAsync(ct);
    }

    /// <summary>
    /// Posts the parts as outbound movements that release what they consume, and shrinks or removes the reservations
    /// (already removed when <paramref name="taken"/>: each part then consumes its whole reservation).
    /// </summary>
    internal async Task ConsumeAsync(IReadOnlyList<ReservationToConsume> parts, CancellationToken ct, bool taken = false)
    {
        if (parts.Count == 0) return;
        // 即买即售: goods of a supplier's dropship warehouse pass through — booked in at the SKU's cost price (采购价) and
        // out at the same cost, so the warehouse's stock is untouched and the order's profit carries what the supplier charges.
        var partWarehouses = parts.Select(p => p.Reservation.WarehouseId).Distinct().ToList();
        var dropship = (await db.Set<Warehouse>().AsNoTracking().Where(w => partWarehouses.Contains(w.Id) && w.Type == WarehouseType.SupplierDropship)
            .Select(w => w.Id).ToListAsync(ct)).ToHashSet();
        var costPrice = new Dictionary<Guid, long>();
        foreach (var chunk in parts.Where(p => dropship.Contains(p.Reservation.WarehouseId)).Select(p => p.Reservation.SkuId).Distinct().Chunk(Chunk))
            foreach (var s in await skus.Skus.Where(s => EF.Parameter(chunk).Contains(s.Id)).Select(s => new { s.Id, s.CostPrice }).ToListAsync(ct))
                costPrice[s.Id] = s.CostPrice;
        var drafts = new List<MovementDraft>(parts.Count + costPrice.Count);
        foreach (var p in parts)
        {
            long? passCost = dropship.Contains(p.Reservation.WarehouseId) ? costPrice.GetValueOrDefault(p.Reservation.SkuId) : null;
            if (passCost is not null)
                drafts.Add(new MovementDraft(
                    p.Reservation.WarehouseId, p.Reservation.SkuId, Sellable, p.Quantity, MovementType.DropshipReceipt,
                    KeyOf(p with { Type = MovementType.DropshipReceipt }), p.Field,
                    SourceType: "order", SourceId: p.Reservation.OrderId.ToString(), SourceNo: p.Reservation.OrderNo, UnitCost: passCost));
            drafts.Add(new MovementDraft(
                p.Reservation.WarehouseId, p.Reservation.SkuId, Sellable, -p.Quantity, p.Type,
                KeyOf(p), p.Field,
                SourceType: "order", SourceId: p.Reservation.OrderId.ToString(), SourceNo: p.Reservation.OrderNo,
                UnitCost: passCost, Guard: StockGuard.OnHand, ReleasesReserved: p.Quantity));
        }
        var posted = await posting.PostAsync(drafts, ct);
        // Reservations taken for a shipment posted already would be released twice: something else changed them.
        if (posted.Replayed && taken) throw Conflict();
        if (posted.Replayed || taken) return;
        // The reservations were read before the posting locked their balances: each must still be as read, or a release
        // or another shipment got there first and the whole batch is rolled back rather than released twice.
        var repeated = parts.GroupBy(p => p.Reservation.Id).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        var whole = parts.Where(p => !repeated.Contains(p) && p.Quantity == p.Reservation.Quantity).Select(p => p.Reservation).ToList();
        foreach (var chunk in whole.Chunk(Chunk))
        {
            var ids = chunk.Select(r => r.Id).ToArray();
            var deleted = await db.Set<StockReservation>().Where(r => EF.Parameter(ids).Contains(r.Id)).ExecuteDeleteAsync(ct);
            if (deleted != chunk.Length) throw Conflict();
        }
        // Partial takes, and reservations taken more than once (two shipments in one report), one by one in order.
        foreach (var part in parts.Where(p => repeated.Contains(p) || p.Quantity < p.Reservation.Quantity))
        {
            var row = db.Set<StockReservation>().Where(r => r.Id == part.Reservation.Id && r.Quantity == part.Reservation.Quantity);
            var changed = part.Quantity == part.Reservation.Quantity
                ? await row.ExecuteDeleteAsync(ct)
                : await row.ExecuteUpdateAsync(u => u.SetProperty(r => r.Quantity, r => r.Quantity - part.Quantity), ct);
            if (changed != 1) throw Conflict();
        }
    }

    public async Task<IReadOnlyList<StockLevel>> LevelsAsync(IReadOnlyCollection<Guid> skuIds, IReadOnlyCollection<Guid>? warehouseIds = null, CancellationToken ct = default)
    {
        var levels = new List<StockLevel>();
        foreach (var chunk in skuIds.Distinct().Chunk(Chunk))
        {
            var query = db.Set<StockBalance>().AsNoTracking().Where(b => b.Condition == Sellable && EF.Parameter(chunk).Contains(b.SkuId));
            if (warehouseIds is { Count: > 0 }) query = query.Where(b => warehouseIds.Contains(b.WarehouseId));
            levels.AddRange(await query.Select(b => new StockLevel(b.SkuId, b.WarehouseId, b.OnHand, b.Reserved)).ToListAsync(ct));
        }
        return levels;
    }

    /// <summary>Unknown or inactive warehouses, unknown or combo SKUs and quantities below one are errors naming the line.</summary>
    private async Task<HashSet<Guid>> CheckAsync(IReadOnlyList<StockToReserve> lines, CancellationToken ct)
    {
        var empty = lines.Select((l, i) => (l, i)).Where(x => x.l is null).Select(x => new FieldError($"lines[{x.i}]", "required", $"lines[{x.i}] is empty.")).ToList();
        if (empty.Count > 0) throw new InputRejectedException(empty);
        var warehouseIds = lines.Select(l => l.WarehouseId).Distinct().ToList();
        var warehouses = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id))
            .Select(w => new { w.Id, w.Active, w.AllowNegativeStock, w.Type }).ToDictionaryAsync(w => w.Id, ct);
        // A SKU with a cost row has held stock, so it is a plain SKU of the catalog (SKUs are never deleted nor change kind).
        var plain = new HashSet<Guid>();
        var combos = new HashSet<Guid>();
        var ids = lines.Select(l => l.SkuId).Distinct().ToList();
        foreach (var chunk in ids.Chunk(Chunk))
            plain.UnionWith(await db.Set<SkuCost>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.SkuId)).Select(c => c.SkuId).ToListAsync(ct));
        foreach (var chunk in ids.Where(id => !plain.Contains(id)).Chunk(Chunk))
            foreach (var s in await skus.Skus.Where(s => EF.Parameter(chunk).Contains(s.Id)).Select(s => new { s.Id, s.IsCombo }).ToListAsync(ct))
                (s.IsCombo ? combos : plain).Add(s.Id);
        var check = new InputCheck();
        var warehouseOfPart = new Dictionary<(Guid, Guid), Guid>();
        for (var i = 0; i < lines.Count && check.Count < 50; i++)
        {
            var l = lines[i];
            if (l is null)
            {
                check.Add($"lines[{i}]", "required", $"lines[{i}] is empty.");
                continue;
            }
            if (l.Quantity > MaxQuantity) check.Add($"lines[{i}].quantity", "out_of_range", $"lines[{i}]: the quantity is between 1 and {MaxQuantity}.", 1, MaxQuantity);
            if (warehouseOfPart.TryGetValue((l.OrderLineId, l.SkuId), out var first) && first != l.WarehouseId)
                check.Add($"lines[{i}].warehouseId", "split_line", $"lines[{i}]: one order line's SKU is reserved in one warehouse; split the order to ship from two.");
            warehouseOfPart[(l.OrderLineId, l.SkuId)] = l.WarehouseId;
            if (l.Quantity <= 0) check.Add($"lines[{i}].quantity", "positive", $"lines[{i}]: the quantity must be at least 1.");
            if (!warehouses.TryGetValue(l.WarehouseId, out var w)) check.Add($"lines[{i}].warehouseId", "unknown_warehouse", $"lines[{i}]: no warehouse has the id {l.WarehouseId}.", l.WarehouseId);
            else if (!w.Active) check.Add($"lines[{i}].warehouseId", "inactive_warehouse", $"lines[{i}]: the warehouse is inactive.", l.WarehouseId);
            if (combos.Contains(l.SkuId)) check.Add($"lines[{i}].skuId", "combo_not_stocked", $"lines[{i}]: a combo is reserved through its parts.", l.SkuId);
            else if (!plain.Contains(l.SkuId)) check.Add($"lines[{i}].skuId", "unknown_sku", $"lines[{i}]: no SKU has the id {l.SkuId}.", l.SkuId);
            if (string.IsNullOrWhiteSpace(l.OrderNo) || l.OrderNo.Length > 64) check.Add($"lines[{i}].orderNo", "required", $"lines[{i}]: an order number of up to 64 characters is required.");
        }
        check.ThrowIfAny();
        // A supplier's dropship warehouse holds the supplier's stock, not the seller's: its orders reserve what they need
        // and the goods pass through when the supplier ships (ConsumeAsync), as in a warehouse that allows negative stock.
        return warehouses.Values.Where(w => w.AllowNegativeStock || w.Type == WarehouseType.SupplierDropship).Select(w => w.Id).ToHashSet();
    }

    /// <summary>Locks the sellable balances in (SKU, warehouse) order and returns what each has available (absent = none).</summary>
    private async Task<Dictionary<(Guid, Guid), long>> LockAsync(StockSql sql, (Guid SkuId, Guid WarehouseId)[] keys, HashSet<Guid> allowNegative, CancellationToken ct)
    {
        var available = new Dictionary<(Guid, Guid), long>(keys.Length);
        if (keys.Length == 0) return available;
        if (sql.IsPostgres)
        {
            // Rows a take may create (warehouses that allow negative stock) exist before anything is locked, in key order.
            var free = keys.Where(k => allowNegative.Contains(k.WarehouseId)).ToArray();
            if (free.Length > 0)
            {
                await using var ensure = sql.Postgres(
                    "INSERT INTO stock_balances (warehouse_id, sku_id, condition, on_hand, reserved) " +
                    "SELECT w, s, 'Sellable', 0, 0 FROM unnest(@w, @s) AS k(w, s) ORDER BY s, w ON CONFLICT DO NOTHING");
                ensure.Parameters.AddWithValue("w", free.Select(k => k.WarehouseId).ToArray());
                ensure.Parameters.AddWithValue("s", free.Select(k => k.SkuId).ToArray());
                await ensure.ExecuteNonQueryAsync(ct);
            }
            await using var select = sql.Postgres(
                "SELECT b.sku_id, b.warehouse_id, b.on_hand - b.reserved FROM stock_balances b " +
                "JOIN unnest(@w, @s) AS k(w, s) ON b.warehouse_id = k.w AND b.sku_id = k.s " +
                "WHERE b.condition = 'Sellable' ORDER BY b.sku_id, b.warehouse_id FOR UPDATE OF b");
            select.Parameters.AddWithValue("w", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid, keys.Select(k => k.WarehouseId).ToArray());
            select.Parameters.AddWithValue("s", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid, keys.Select(k => k.SkuId).ToArray());
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) available[(reader.GetGuid(0), reader.GetGuid(1))] = reader.GetInt64(2);
            return available;
        }
        // SQLite: the write transaction excludes every other writer; read the sellable balances in sets, per warehouse (the key's order).
        foreach (var group in keys.GroupBy(k => k.WarehouseId))
            foreach (var chunk in group.Select(k => k.SkuId).Chunk(Chunk))
                foreach (var b in await db.Set<StockBalance>().AsNoTracking()
                             .Where(b => b.WarehouseId == group.Key && b.Condition == Sellable && EF.Parameter(chunk).Contains(b.SkuId))
                             .Select(b => new { b.SkuId, Available = b.OnHand - b.Reserved }).ToListAsync(ct))
                    available[(b.SkuId, group.Key)] = b.Available;
        return available;
    }

    /// <summary>A balance refused a change its locks should have made safe: the work is rolled back and may be retried.</summary>
    private static RuleViolatedException Conflict() =>
        new("stock.conflict", "Stock changed while it was being reserved; nothing was written, try again.");

    /// <summary>
    /// Moves reserved by the deltas, each in one conditional statement: a take only where on hand − reserved still
    /// covers it (or the warehouse allows negative stock), a release only where as much is reserved. A balance that
    /// refuses means the locks failed: the batch is rolled back rather than oversold.
    /// </summary>
    private static async Task AdjustReservedAsync(StockSql sql, Dictionary<(Guid SkuId, Guid WarehouseId), long> deltas, HashSet<Guid> allowNegative, CancellationToken ct)
    {
        var changed = deltas.Where(d => d.Value != 0).OrderBy(d => d.Key).ToList();
        if (changed.Count == 0) return;
        if (sql.IsPostgres)
        {
            var free = changed.Where(d => d.Value > 0 && allowNegative.Contains(d.Key.WarehouseId)).ToList();
            if (free.Count > 0)
            {
                await using var ensure = sql.Postgres(
                    "INSERT INTO stock_balances (warehouse_id, sku_id, condition, on_hand, reserved) " +
                    "SELECT w, s, 'Sellable', 0, 0 FROM unnest(@w, @s) AS k(w, s) ORDER BY s, w ON CONFLICT DO NOTHING");
                ensure.Parameters.AddWithValue("w", free.Select(d => d.Key.WarehouseId).ToArray());
                ensure.Parameters.AddWithValue("s", free.Select(d => d.Key.SkuId).ToArray());
                await ensure.ExecuteNonQueryAsync(ct);
            }
            await using var update = sql.Postgres(
                "UPDATE stock_balances b SET reserved = b.reserved + d.q FROM unnest(@w, @s, @q, @f) AS d(w, s, q, f) " +
                "WHERE b.warehouse_id = d.w AND b.sku_id = d.s AND b.condition = 'Sellable' " +
                "AND (d.f OR b.on_hand - b.reserved >= d.q) AND b.reserved + d.q >= 0");
            update.Parameters.AddWithValue("w", changed.Select(d => d.Key.WarehouseId).ToArray());
            update.Parameters.AddWithValue("s", changed.Select(d => d.Key.SkuId).ToArray());
            update.Parameters.AddWithValue("q", changed.Select(d => d.Value).ToArray());
            update.Parameters.AddWithValue("f", changed.Select(d => d.Value < 0 || allowNegative.Contains(d.Key.WarehouseId)).ToArray());
            if (await update.ExecuteNonQueryAsync(ct) != changed.Count) throw Conflict();
            return;
        }
        using var insert = sql.Prepare("INSERT INTO stock_balances (warehouse_id, sku_id, condition, on_hand, reserved) VALUES (@p0, @p1, 'Sellable', 0, 0) ON CONFLICT DO NOTHING",
            typeof(Guid), typeof(Guid));
        using var take = sql.Prepare(
            "UPDATE stock_balances SET reserved = reserved + @p2 WHERE warehouse_id = @p0 AND sku_id = @p1 AND condition = 'Sellable' " +
            "AND (@p3 OR on_hand - reserved >= @p2) AND reserved + @p2 >= 0", typeof(Guid), typeof(Guid), typeof(long), typeof(bool));
        foreach (var ((sku, warehouse), quantity) in changed)
        {
            var free = quantity < 0 || allowNegative.Contains(warehouse);
            if (free && quantity > 0) insert.Bind(warehouse, sku).Execute();
            if (take.Bind(warehouse, sku, quantity, free).Execute() != 1) throw Conflict();
        }
    }
}

