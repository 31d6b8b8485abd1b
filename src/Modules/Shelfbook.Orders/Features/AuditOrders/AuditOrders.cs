using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.MergeSplit;
using Shelfbook.Orders.Features.Settings;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.AuditOrders;

/// <summary>What an audit did: orders audited, orders left out of stock, and a result per order asked for.</summary>
public sealed record AuditRun(int Audited, int OutOfStock, IReadOnlyList<OrderChange> Results);

/// <summary>
/// 审核 with 分配仓库: each order is allocated by the first allocation rule that matches it (or every active warehouse
/// by code) and its items reserved in the first of those warehouses that has stock for the whole order; the
/// reservation and the move to 已审核 are one transaction. Set-based throughout: one call to Inventory per round (each
/// round tries every order still unserved at its next warehouse, oldest payment first), the orders' moves decided by
/// <see cref="Order"/> in memory and written as one conditional update per kind of move, the log entries through the
/// bulk path, and one audit entry for the whole action. An order no warehouse can serve goes to 异常 缺货; one that may
/// not be audited (held, cancelled, an exception other than stock) or has nothing to reserve is skipped with the reason.
/// Each audited order's carrier service and estimated weight and freight are chosen by Logistics in one call
/// (<see cref="OrderCarriers"/>) and written with it (the estimates through the bulk path). With 按仓拆单 on, an order
/// no warehouse can serve whole but several can serve line by line is split into one order per warehouse, each audited
/// there, in the same transaction.
/// </summary>
public sealed class AuditOrders(TenantDbContext db, IReserveStock stock, OrderCarriers carriers, ISkuDirectory skus, RearrangeOrders rearrange, CurrentUser user)
{
    public const int MaxSelection = 5000;

    /// <summary>Orders per transaction in a batch job: commits (and SQLite's checkpoints) stay few.</summary>
    public const int JobChunk = 20_000;

    public async Task<AuditRun> AuditAsync(OrdersRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var wanted = request.Checked(check, MaxSelection);
        check.ThrowIfAny();
        return await AuditBatchAsync(wanted, ct);
    }

    /// <summary>
    /// The audit of any number of orders in one transaction, for batch jobs (the API caps a selection at
    /// <see cref="MaxSelection"/>); a job gives it <see cref="JobChunk"/> orders at a time.
    /// </summary>
    public Task<AuditRun> AuditBatchAsync(IReadOnlyList<Guid> ids, CancellationToken ct) => AuditBatchAsync(ids, null, ct);

    /// <summary>The audit, with the warehouse of some orders decided already (the parts of a split by warehouse).</summary>
    private async Task<AuditRun> AuditBatchAsync(IReadOnlyList<Guid> ids, IReadOnlyDictionary<Guid, Plan>? decided, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        // Its own transaction, or the caller's (a batch job records each order's result in the same one).
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var orders = new List<Order>();
        foreach (var chunk in wanted.Chunk(10_000))
            orders.AddRange(await db.Set<Order>().AsNoTracking().Where(o => EF.Parameter(chunk).Contains(o.Id)).ToListAsync(ct));
        var byId = orders.ToDictionary(o => o.Id);
        var results = new Dictionary<Guid, OrderChange>();
        foreach (var id in wanted.Where(id => !byId.ContainsKey(id)))
            results[id] = new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}.", id);
        foreach (var order in orders.Where(o => !o.Auditable))
            results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.not_auditable",
                $"Order {order.OrderNo} is {order.Status}{(order.Exceptions == OrderExceptions.None ? "" : $" ({order.Exceptions})")}; it cannot be audited.",
                order.OrderNo, order.Status);
        var candidates = orders.Where(o => o.Auditable).OrderBy(o => o.PaidAt ?? o.PlacedAt).ThenBy(o => o.OrderNo, StringComparer.Ordinal).ToList();

        var items = new List<StockItem>();
        foreach (var chunk in candidates.Select(o => o.Id).Chunk(10_000))
            items.AddRange(await db.Set<OrderItem>().Where(i => EF.Parameter(chunk).Contains(i.OrderId)).Select(i => new StockItem(i.OrderId, i.Id, i.LineId, i.SkuId, i.SkuCode, i.Quantity)).ToListAsync(ct));
        var itemsOf = items.ToLookup(i => i.OrderId);
        var settings = decided is null && candidates.Count > 0 ? await ManageOrderSettings.ReadAsync(db, ct) : null;

        // 预售商品: an order holding goods that ship from a later day waits for it (挂起 until then), whole or, with 按预售拆分,
        // only its presale lines split off; then the audit goes on without them (a held order is not auditable).
        if (settings is not null && await HoldPresaleAsync(candidates, itemsOf, settings.SplitPresale, ct) is { } waiting)
        {
            var run = await AuditBatchAsync(wanted, null, ct);
            if (tx is not null) await tx.CommitAsync(ct);
            return run with { Results = run.Results.Select(r => waiting.GetValueOrDefault(r.OrderId) ?? r).ToList() };
        }

        // 按重量拆分: orders heavier than a parcel may be are split into parcels first, and the parts audited with the rest
        // (each part is a parcel already, so the second pass splits nothing by weight).
        if (settings?.SplitAboveGrams is { } limit && await SplitByWeightAsync(candidates, itemsOf, limit, ct) is { Count: > 0 } parcels)
        {
            var run = await AuditBatchAsync([.. wanted, .. parcels], null, ct);
            if (tx is not null) await tx.CommitAsync(ct);
            var mine = wanted.ToHashSet();
            return run with { Results = run.Results.Where(r => mine.Contains(r.OrderId)).ToList() };
        }

        var plans = await PlansAsync(candidates, itemsOf, ct);
        foreach (var (id, plan) in decided ?? new Dictionary<Guid, Plan>())
            if (plans.ContainsKey(id)) plans[id] = plan;
        var now = db.Time.StoredUtcNow();
        var moves = new List<Move>();
        var left = new List<Order>();
        foreach (var order in candidates)
            if (itemsOf[order.Id].Any()) left.Add(order);
            else
                results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.nothing_to_reserve",
                    $"Order {order.OrderNo} has no SKU to reserve.", order.OrderNo);
        for (var round = 0; left.Count > 0; round++)
        {
            var trying = left.Where(o => round < plans[o.Id].Warehouses.Count).ToList();
            if (trying.Count == 0) break;
            var lines = trying.SelectMany(o => itemsOf[o.Id].Select(i => new StockToReserve(o.Id, o.OrderNo, i.Id, i.SkuId, plans[o.Id].Warehouses[round], i.Quantity)))
                .ToList();
            var reserved = (await stock.ReserveAsync(lines, ct)).Where(a => a.Reserved).Select(a => a.OrderId).ToHashSet();
            foreach (var order in trying.Where(o => reserved.Contains(o.Id)))
            {
                var (from, fromExceptions) = (order.Status, order.Exceptions);
                moves.Add(new Move(order, from, fromExceptions, order.Audit(plans[order.Id].Warehouses[round], plans[order.Id].By, now)));
                results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Done);
            }
            left = left.Where(o => o.Status != OrderStatus.Audited).ToList();
        }
        // 按仓拆单: orders that several warehouses can serve line by line become one order per warehouse, audited below.
        var split = decided is null && left.Count > 0 && settings is { SplitByWarehouse: true }
            ? await SplitByWarehouseAsync(left, plans, itemsOf, ct)
            : new Dictionary<Guid, Plan>();
        left = left.Where(o => !split.ContainsKey(o.Id)).ToList();
        foreach (var order in left)
        {
            var (from, fromExceptions) = (order.Status, order.Exceptions);
            if (order.Flag(OrderExceptions.OutOfStock, plans[order.Id].Warehouses.Count == 0 ? "no_active_warehouse" : "out_of_stock", now) is { } entry)
                moves.Add(new Move(order, from, fromExceptions, entry));
            results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.out_of_stock",
                $"No warehouse has stock for all of order {order.OrderNo}.", order.OrderNo);
        }
        var estimates = await carriers.ChooseAsync(moves.Where(m => m.Order.Status == OrderStatus.Audited).Select(m => m.Order).ToList(),
            items.Select(i => new ParcelItem(i.OrderId, i.SkuId, i.Quantity)), now, ct);
        await WriteAsync(moves, now, ct);
        await CheckItemsAsync(moves.Where(m => m.Order.Status == OrderStatus.Audited).Select(m => m.Order.Id).ToList(), itemsOf, ct);
        await carriers.WriteEstimatesAsync(estimates, ct);
        var (audited, outOfStock) = (moves.Count(m => m.Order.Status == OrderStatus.Audited), left.Count);
        if (split.Count > 0)
        {
            // The orders split and their new parts, each with its warehouse; the split ones answer for themselves.
            var parts = await AuditBatchAsync(split.Keys.ToList(), split, ct);
            foreach (var result in parts.Results.Where(r => results.ContainsKey(r.OrderId) || wanted.Contains(r.OrderId))) results[result.OrderId] = result;
            (audited, outOfStock) = (audited + parts.Audited, outOfStock + parts.OutOfStock);
        }
        if (tx is not null) await tx.CommitAsync(ct);
        return new AuditRun(audited, outOfStock, wanted.Select(id => results[id]).ToList());
    }

    /// <summary>
    /// 缺货自动重试: out-of-stock orders, oldest payment first (at most <paramref name="max"/>), that one of their
    /// warehouses can now serve whole by the stock levels are audited again; the rest wait for the next round without
    /// a write. Answers the audit of those tried (none tried: zero).
    /// </summary>
    public async Task<AuditRun> RetryOutOfStockAsync(int max, CancellationToken ct)
    {
        var waiting = await db.Set<Order>().AsNoTracking().Where(o => o.Status == OrderStatus.Exception && o.Exceptions == OrderExceptions.OutOfStock)
            .OrderBy(o => o.PaidAt).ThenBy(o => o.OrderNo).Take(max).ToListAsync(ct);
        if (waiting.Count == 0) return new AuditRun(0, 0, []);
        var ids = waiting.Select(o => o.Id).ToList();
        var items = await db.Set<OrderItem>().Where(i => EF.Parameter(ids).Contains(i.OrderId))
            .Select(i => new StockItem(i.OrderId, i.Id, i.LineId, i.SkuId, i.SkuCode, i.Quantity)).ToListAsync(ct);
        var needs = items.ToLookup(i => i.OrderId);
        var plans = await PlansAsync(waiting, needs, ct);
        var levels = (await stock.LevelsAsync(items.Select(i => i.SkuId).Distinct().ToList(), plans.Values.SelectMany(p => p.Warehouses).Distinct().ToList(), ct))
            .ToDictionary(l => (l.WarehouseId, l.SkuId), l => l.Available);
        var servable = waiting.Where(o => needs[o.Id].Any() && plans[o.Id].Warehouses.Any(w =>
                needs[o.Id].GroupBy(i => i.SkuId).All(g => levels.GetValueOrDefault((w, g.Key)) >= g.Sum(i => i.Quantity))))
            .Select(o => o.Id).ToList();
        return servable.Count == 0 ? new AuditRun(0, 0, []) : await AuditBatchAsync(servable, ct);
    }

    private sealed record StockItem(Guid OrderId, Guid Id, Guid LineId, Guid SkuId, string SkuCode, int Quantity);

    /// <summary>
    /// 按重量拆分: each order whose goods weigh more than <paramref name="limit"/> grams (the SKUs' weights) is cut into
    /// parcels of at most that much, line by line in their order, a line's units going to the next parcel when they no
    /// longer fit (a unit heavier than the limit goes alone). The first parcel stays in the order; the others become new
    /// orders (split off as by hand, inside this transaction). Answers the new orders' ids.
    /// </summary>
    private async Task<List<Guid>> SplitByWeightAsync(List<Order> candidates, ILookup<Guid, StockItem> itemsOf, int limit, CancellationToken ct)
    {
        var weights = await skus.ByIdsAsync(candidates.SelectMany(o => itemsOf[o.Id].Select(i => i.SkuId)).Distinct(), ct);
        long Weight(StockItem i) => (long)i.Quantity * (weights.TryGetValue(i.SkuId, out var s) ? s.WeightGrams : 0);
        var heavy = candidates.Where(o => itemsOf[o.Id].Sum(Weight) > limit).Select(o => o.Id).ToList();
        if (heavy.Count == 0) return [];
        var lines = (await db.Set<OrderLine>().AsNoTracking().Where(l => EF.Parameter(heavy).Contains(l.OrderId)).Select(l => new { l.OrderId, l.Id, l.Position, l.Quantity })
            .ToListAsync(ct)).ToLookup(l => l.OrderId);
        var plans = new List<(Guid, IReadOnlyList<IReadOnlyList<(Guid, int)>>)>();
        foreach (var id in heavy)
        {
            var lineWeight = itemsOf[id].GroupBy(i => i.LineId).ToDictionary(g => g.Key, g => g.Sum(Weight));
            var parcels = new List<List<(Guid Line, int Units)>> { new() };
            var load = 0m;
            foreach (var line in lines[id].Where(l => l.Quantity > 0).OrderBy(l => l.Position))
            {
                var unit = (decimal)lineWeight.GetValueOrDefault(line.Id) / line.Quantity;
                for (var left = line.Quantity; left > 0;)
                {
                    var fits = unit == 0 ? left : (int)Math.Min(left, Math.Floor((limit - load) / unit));
                    if (fits <= 0 && parcels[^1].Count == 0) fits = 1;
                    if (fits <= 0)
                    {
                        parcels.Add([]);
                        load = 0m;
                        continue;
                    }
                    parcels[^1].Add((line.Id, fits));
                    (left, load) = (left - fits, load + fits * unit);
                }
            }
            if (parcels[^1].Count == 0) parcels.RemoveAt(parcels.Count - 1);
            if (parcels.Count > 1) plans.Add((id, parcels.Skip(1).Select(p => (IReadOnlyList<(Guid, int)>)p).ToList()));
        }
        if (plans.Count == 0) return [];
        return (await rearrange.SplitPartsAsync(plans, "split_by_weight", ct)).SelectMany(p => p).ToList();
    }

    /// <summary>
    /// 预售商品 at audit: the candidates holding a SKU (as sold, or a combo's part) whose ship-from day is still to come.
    /// An order all of whose lines are presale — or any such order when <paramref name="split"/> is off — is held whole
    /// until its latest day; otherwise its presale lines go into new orders, one per day, each held until that day, and
    /// the order itself goes on to audit. The orders are claimed as read first. Answers the result of each order held
    /// whole (null: nothing was presale, so nothing changed).
    /// </summary>
    private async Task<Dictionary<Guid, OrderChange>?> HoldPresaleAsync(List<Order> candidates, ILookup<Guid, StockItem> itemsOf, bool split, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var presale = await db.Set<PresaleSku>().AsNoTracking().Where(p => p.ShipFrom > now).ToDictionaryAsync(p => p.SkuId, p => p.ShipFrom, ct);
        if (presale.Count == 0 || candidates.Count == 0) return null;
        var keys = presale.Keys.ToList();
        // Each line's day: the latest of its own SKU's (a combo sold as such) and its items' (the combo's parts, or the SKU).
        var dayOf = new Dictionary<Guid, DateTime>();
        void Take(Guid line, DateTime day) => dayOf[line] = dayOf.TryGetValue(line, out var had) && had > day ? had : day;
        foreach (var item in candidates.SelectMany(o => itemsOf[o.Id]).Where(i => presale.ContainsKey(i.SkuId))) Take(item.LineId, presale[item.SkuId]);
        foreach (var chunk in candidates.Select(o => o.Id).Chunk(10_000))
            foreach (var line in await db.Set<OrderLine>().AsNoTracking().Where(l => EF.Parameter(chunk).Contains(l.OrderId) && l.SkuId != null && EF.Parameter(keys).Contains(l.SkuId!.Value))
                         .Select(l => new { l.Id, SkuId = l.SkuId!.Value }).ToListAsync(ct))
                Take(line.Id, presale[line.SkuId]);
        if (dayOf.Count == 0) return null;

        var whole = new Dictionary<Guid, DateTime>();
        var splits = new List<(Guid OrderId, List<(DateTime Day, List<Guid> Lines)> Parts)>();
        foreach (var order in candidates)
        {
            var lines = itemsOf[order.Id].Select(i => i.LineId).Distinct().ToList();
            var days = lines.Where(dayOf.ContainsKey).GroupBy(l => dayOf[l]).OrderBy(g => g.Key).Select(g => (g.Key, g.ToList())).ToList();
            if (days.Count == 0) continue;
            if (!split || days.Sum(d => d.Item2.Count) == lines.Count) whole[order.Id] = days[^1].Key;
            else splits.Add((order.Id, days));
        }
        await OrderClaims.ClaimAsync(db, candidates.Where(o => whole.ContainsKey(o.Id)).Select(o => (o.Id, o.Status, o.Exceptions)), now, "they were being audited", ct);
        var made = splits.Count == 0 ? [] : await rearrange.SplitPartsAsync(
            splits.Select(s => (s.OrderId, (IReadOnlyList<IReadOnlyList<(Guid, int)>>)s.Parts.Select(p => (IReadOnlyList<(Guid, int)>)p.Lines.Select(l => (l, 0)).ToList()).ToList())).ToList(),
            "split_presale", ct);
        var until = new Dictionary<Guid, DateTime>(whole);
        for (var i = 0; i < splits.Count; i++)
            for (var k = 0; k < splits[i].Parts.Count; k++) until[made[i][k]] = splits[i].Parts[k].Day;

        // The few orders held are changed as entities, the log and audit entries with them.
        var ids = until.Keys.ToList();
        var results = new Dictionary<Guid, OrderChange>();
        foreach (var chunk in ids.Chunk(10_000))
            foreach (var order in await db.Set<Order>().Where(o => EF.Parameter(chunk).Contains(o.Id)).ToListAsync(ct))
            {
                var entry = order.Hold("presale", until[order.Id], now);
                order.Presale = true;
                (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
                db.Add(entry);
                if (whole.ContainsKey(order.Id))
                    results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.presale_held",
                        $"Order {order.OrderNo} holds presale goods; it is held until {until[order.Id]:yyyy-MM-dd HH:mm} UTC.", order.OrderNo, until[order.Id]);
            }
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order",
            EntityId = ids.Count == 1 ? results.Values.FirstOrDefault()?.OrderNo ?? ids[0].ToString() : $"{ids.Count} orders", Action = "hold_presale",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]> { ["held"] = [null, ids.Count], ["split"] = [null, splits.Count] }),
        });
        await db.SaveChangesAsync(ct);
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is Order or OrderLogEntry or AuditEntry).ToList()) entry.State = EntityState.Detached;
        // A whole order held needs no audit; an order split is audited with what is left (its part is held, so not).
        return results;
    }

    /// <summary>
    /// 按仓拆单: for each order (oldest payment first), the warehouses of its plan in order each take the whole lines
    /// their stock (less what earlier orders here took) can serve; when every line finds a warehouse and more than one
    /// is needed, the lines of the second warehouse on go into new orders. Answers each order split and each new part
    /// with its one warehouse (the reservation still decides: a part whose stock went meanwhile is left out of stock).
    /// </summary>
    private async Task<Dictionary<Guid, Plan>> SplitByWarehouseAsync(List<Order> left, Dictionary<Guid, Plan> plans, ILookup<Guid, StockItem> itemsOf,
        CancellationToken ct)
    {
        var eligible = left.Where(o => plans[o.Id].Warehouses.Count > 1 && itemsOf[o.Id].Select(i => i.LineId).Distinct().Count() > 1).ToList();
        if (eligible.Count == 0) return [];
        var levels = (await stock.LevelsAsync(eligible.SelectMany(o => itemsOf[o.Id].Select(i => i.SkuId)).Distinct().ToList(),
                eligible.SelectMany(o => plans[o.Id].Warehouses).Distinct().ToList(), ct))
            .ToDictionary(l => (l.WarehouseId, l.SkuId), l => l.Available);
        var splits = new List<(Order Order, List<(Guid Warehouse, List<Guid> Lines)> Groups)>();
        foreach (var order in eligible)
        {
            var taking = new Dictionary<(Guid, Guid), long>();
            var open = itemsOf[order.Id].GroupBy(i => i.LineId).ToList();
            var groups = new List<(Guid Warehouse, List<Guid> Lines)>();
            foreach (var warehouse in plans[order.Id].Warehouses)
            {
                var fits = new List<Guid>();
                foreach (var line in open)
                {
                    var needs = line.GroupBy(i => i.SkuId).Select(g => (Key: (warehouse, g.Key), Units: g.Sum(i => (long)i.Quantity))).ToList();
                    if (!needs.All(n => levels.GetValueOrDefault(n.Key) - taking.GetValueOrDefault(n.Key) >= n.Units)) continue;
                    foreach (var n in needs) taking[n.Key] = taking.GetValueOrDefault(n.Key) + n.Units;
                    fits.Add(line.Key);
                }
                if (fits.Count == 0) continue;
                groups.Add((warehouse, fits));
                open.RemoveAll(l => fits.Contains(l.Key));
                if (open.Count == 0) break;
            }
            if (open.Count > 0 || groups.Count < 2) continue;
            foreach (var (key, units) in taking) levels[key] -= units;
            splits.Add((order, groups));
        }
        if (splits.Count == 0) return [];
        var made = await rearrange.SplitGroupsAsync(splits.Select(s => (s.Order.Id, (IReadOnlyList<IReadOnlyList<Guid>>)s.Groups.Skip(1).Select(g => (IReadOnlyList<Guid>)g.Lines).ToList())).ToList(), ct);
        var decided = new Dictionary<Guid, Plan>();
        for (var i = 0; i < splits.Count; i++)
        {
            var (order, groups) = splits[i];
            var by = "split:" + plans[order.Id].By;
            decided[order.Id] = new Plan([groups[0].Warehouse], by);
            for (var k = 1; k < groups.Count; k++) decided[made[i][k - 1]] = new Plan([groups[k].Warehouse], by);
        }
        return decided;
    }

    /// <summary>
    /// The audited orders still have the items that were reserved for them, row for row. A merge, split or 换商品 that
    /// committed after the items were read (the orders' own update above waits for it on PostgreSQL) would leave an
    /// order reserving goods it no longer has: then the whole audit is refused as a concurrent change.
    /// </summary>
    private async Task CheckItemsAsync(List<Guid> audited, ILookup<Guid, StockItem> itemsOf, CancellationToken ct)
    {
        foreach (var chunk in audited.Chunk(10_000))
        {
            var now = await db.Set<OrderItem>().Where(i => EF.Parameter(chunk).Contains(i.OrderId)).Select(i => new { i.OrderId, i.Id, i.Quantity }).ToListAsync(ct);
            var read = chunk.SelectMany(id => itemsOf[id]).ToDictionary(i => i.Id, i => (i.OrderId, i.Quantity));
            if (now.Count != read.Count || now.Any(n => !read.TryGetValue(n.Id, out var r) || r != (n.OrderId, n.Quantity)))
                throw new DbUpdateConcurrencyException("An order's goods were merged, split or replaced while it was being audited.");
        }
    }

    /// <summary>An order's move: what it was before (the update's condition) and the log entry the order answered.</summary>
    private sealed record Move(Order Order, OrderStatus From, OrderExceptions FromExceptions, OrderLogEntry Entry);

    /// <summary>
    /// One conditional update per kind of move (the same before and after): an order changed by someone else since it
    /// was read no longer matches, and the whole audit is refused as a concurrent change rather than overwriting it.
    /// </summary>
    private async Task WriteAsync(List<Move> moves, DateTime now, CancellationToken ct)
    {
        // The carrier adds a few kinds (one per service chosen), never one per order.
        foreach (var kind in moves.GroupBy(m => (m.From, m.FromExceptions, m.Order.Status, m.Order.Exceptions, m.Order.WarehouseId, m.Order.AllocatedBy,
                     Carrier: (m.Order.CarrierCode, m.Order.CarrierServiceId, m.Order.CarrierBy))))
        {
            var (from, fromExceptions, to, exceptions, warehouse, by, (carrier, service, carrierBy)) = kind.Key;
            var group = kind.Select(m => m.Order.Id).ToArray();
            var changed = await db.Set<Order>().Where(o => EF.Parameter(group).Contains(o.Id) && o.Status == from && o.Exceptions == fromExceptions)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, to).SetProperty(o => o.Exceptions, exceptions).SetProperty(o => o.WarehouseId, warehouse)
                    .SetProperty(o => o.AllocatedBy, by).SetProperty(o => o.CarrierCode, carrier).SetProperty(o => o.CarrierServiceId, service)
                    .SetProperty(o => o.CarrierBy, carrierBy).SetProperty(o => o.UpdatedAt, now), ct);
            if (changed != group.Length)
                throw new DbUpdateConcurrencyException($"{group.Length - changed} of the orders changed while they were being audited.");
        }
        foreach (var move in moves) (move.Entry.UserId, move.Entry.UserName) = (user.UserId, user.UserName);
        await db.BulkInsertAsync(moves.Select(m => m.Entry), ct);
        // One audit entry for the action (the orders it audited and flagged by number); each order's own story is its log.
        if (moves.Count == 0) return;
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order",
            EntityId = moves.Count == 1 ? moves[0].Order.OrderNo : $"{moves.Count} orders", Action = "audit",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
            {
                ["audited"] = [null, string.Join(",", moves.Where(m => m.Order.Status == OrderStatus.Audited).Select(m => m.Order.OrderNo))],
                ["outOfStock"] = [null, string.Join(",", moves.Where(m => m.Order.Status != OrderStatus.Audited).Select(m => m.Order.OrderNo))],
            }),
        });
        await db.SaveChangesAsync(ct);
    }

    private sealed record Plan(IReadOnlyList<Guid> Warehouses, string By);

    /// <summary>
    /// Each order's warehouses to try (active ones only): the one an audit rule fixed, the first matching allocation
    /// rule's, or all by code. The orders' goods (SKU codes: items, lines as sold and combos; categories) are read only
    /// when a rule asks about them.
    /// </summary>
    private async Task<Dictionary<Guid, Plan>> PlansAsync(List<Order> orders, ILookup<Guid, StockItem> itemsOf, CancellationToken ct)
    {
        var rules = await db.Set<AllocationRule>().AsNoTracking().Where(r => r.Active).OrderBy(r => r.Priority).ThenBy(r => r.Name).ToListAsync(ct);
        var active = await WarehouseQueries.Summaries(db).Where(w => w.Active).OrderBy(w => w.Code).Select(w => w.Id).ToListAsync(ct);
        var fallback = new Plan(active, "default");
        var (codesOf, categoriesOf, below) = (new Dictionary<Guid, HashSet<string>>(), new Dictionary<Guid, HashSet<Guid>>(), new Dictionary<Guid, IReadOnlySet<Guid>>());
        if (rules.Any(r => r.LooksAtGoods) && orders.Count > 0)
        {
            foreach (var o in orders) codesOf[o.Id] = new HashSet<string>(itemsOf[o.Id].Select(i => i.SkuCode), StringComparer.OrdinalIgnoreCase);
            if (rules.Any(r => r.SkuCodes.Count > 0))
                foreach (var chunk in orders.Select(o => o.Id).Chunk(10_000))
                    foreach (var line in await db.Set<OrderLine>().AsNoTracking().Where(l => EF.Parameter(chunk).Contains(l.OrderId))
                                 .Select(l => new { l.OrderId, l.SkuCode, l.SellerCode }).ToListAsync(ct))
                    {
                        if (line.SkuCode is { } code) codesOf[line.OrderId].Add(code);
                        if (line.SellerCode is { } seller) codesOf[line.OrderId].Add(seller);
                    }
            if (rules.Any(r => r.CategoryIds.Count > 0))
            {
                var known = await skus.ByIdsAsync(orders.SelectMany(o => itemsOf[o.Id].Select(i => i.SkuId)).Distinct(), ct);
                foreach (var o in orders)
                    categoriesOf[o.Id] = itemsOf[o.Id].Select(i => known.GetValueOrDefault(i.SkuId)?.CategoryId).OfType<Guid>().ToHashSet();
                foreach (var rule in rules.Where(r => r.CategoryIds.Count > 0))
                    below[rule.Id] = (await skus.CategoriesWithDescendantsAsync(rule.CategoryIds, ct)).ToHashSet();
            }
        }
        // An audit rule's warehouse comes first (that one only); then the first matching allocation rule; then all by code.
        return orders.ToDictionary(o => o.Id, o =>
            o.RuleWarehouseId is { } fixedBy ? new Plan(active.Contains(fixedBy) ? [fixedBy] : [], o.RuleWarehouseBy ?? "audit_rule")
            : rules.FirstOrDefault(r => r.Matches(o.ShopId, o.Province, codesOf.GetValueOrDefault(o.Id), categoriesOf.GetValueOrDefault(o.Id), below.GetValueOrDefault(r.Id))) is { } rule
                ? new Plan(rule.WarehouseIds.Where(active.Contains).ToList(), "rule:" + rule.Name)
            : fallback);
    }
}
