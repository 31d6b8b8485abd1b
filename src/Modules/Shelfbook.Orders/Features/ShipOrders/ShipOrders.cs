using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Contracts;
using Shelfbook.Orders.Domain;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.ShipOrders;

/// <summary>
/// Orders' side of shipping (<see cref="IShipOrders"/>): what a parcel confirms on the platforms, and the move to 已发货
/// decided by <see cref="Order.Ship"/> for each order and written set-based.
/// </summary>
public sealed class ShipOrders(TenantDbContext db, CurrentUser user) : IShipOrders
{
    // The orders the last FindAsync read, by id, for MarkShippedAsync in the same call (shipping reads, checks, then moves
    // them): they are not read a second time. Their move still only happens from the status and exceptions read here, so
    // one changed since is refused, never overwritten. Each FindAsync starts afresh: a long-lived scope keeps no stale reads.
    private readonly Dictionary<Guid, Order> _read = [];

    public async Task<IReadOnlyList<OrderToShip>> FindAsync(IReadOnlyCollection<Guid>? ids, IReadOnlyCollection<string>? orderNos, CancellationToken ct)
    {
        // Only what shipping needs of each order: a shipping call may name a hundred thousand.
        _read.Clear();
        var orders = new List<Order>();
        static IQueryable<Order> Slim(IQueryable<Order> query) => query.Select(o => new Order
        {
            Id = o.Id, OrderNo = o.OrderNo, Status = o.Status, Exceptions = o.Exceptions, Origin = o.Origin, WarehouseId = o.WarehouseId, CarrierCode = o.CarrierCode,
            TrackingNo = o.TrackingNo, SplitFrom = o.SplitFrom,
        });
        foreach (var chunk in (ids ?? []).Distinct().Chunk(10_000))
            orders.AddRange(await Slim(db.Set<Order>().AsNoTracking().Where(o => EF.Parameter(chunk).Contains(o.Id))).ToListAsync(ct));
        foreach (var chunk in (orderNos ?? []).Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Chunk(10_000))
            orders.AddRange(await Slim(db.Set<Order>().AsNoTracking().Where(o => EF.Parameter(chunk).Contains(o.OrderNo))).ToListAsync(ct));
        orders = orders.DistinctBy(o => o.Id).ToList();
        var found = orders.Select(o => o.Id).ToList();
        foreach (var o in orders) _read[o.Id] = o;

        // The platform orders each parcel confirms. An order never split holds its own platform orders (a merged one all of
        // its sources): its links say which, whole. An order of a split family (split off, or split from) confirms only
        // its own lines, found through them; the links stay with the order first split from.
        var splitFamily = new HashSet<Guid>(orders.Where(o => o.SplitFrom is not null).Select(o => o.Id));
        var own = new List<OrderSourceLink>();
        foreach (var chunk in found.Chunk(10_000))
        {
            splitFamily.UnionWith(await db.Set<Order>().Where(o => o.SplitFrom != null && EF.Parameter(chunk).Contains(o.SplitFrom!.Value)).Select(o => o.SplitFrom!.Value)
                .Distinct().ToListAsync(ct));
            own.AddRange(await db.Set<OrderSourceLink>().AsNoTracking().Where(l => EF.Parameter(chunk).Contains(l.OrderId)).ToListAsync(ct));
        }
        var lines = new List<(Guid OrderId, Guid PlatformOrderId, string? LineId)>();
        foreach (var chunk in splitFamily.Chunk(10_000))
            lines.AddRange((await db.Set<OrderLine>().AsNoTracking().Where(l => EF.Parameter(chunk).Contains(l.OrderId) && l.PlatformOrderId != null)
                .Select(l => new { l.OrderId, PlatformOrderId = l.PlatformOrderId!.Value, l.PlatformLineId }).ToListAsync(ct)).Select(l => (l.OrderId, l.PlatformOrderId, l.PlatformLineId)));
        var links = own.ToDictionary(l => l.PlatformOrderId);
        foreach (var chunk in lines.Select(l => l.PlatformOrderId).Where(p => !links.ContainsKey(p)).Distinct().Chunk(10_000))
            foreach (var link in await db.Set<OrderSourceLink>().AsNoTracking().Where(s => EF.Parameter(chunk).Contains(s.PlatformOrderId)).ToListAsync(ct))
                links[link.PlatformOrderId] = link;
        var (linesOf, ownOf) = (lines.ToLookup(l => l.OrderId), own.ToLookup(l => l.OrderId));

        IReadOnlyList<WriteBackTarget> Targets(Order o) =>
            o.Origin == OrderOrigin.Reissue ? []
            : splitFamily.Contains(o.Id)
                ? linesOf[o.Id].GroupBy(l => l.PlatformOrderId).Where(g => links.ContainsKey(g.Key))
                    .Select(g => new WriteBackTarget(links[g.Key].ShopId, links[g.Key].PlatformOrderNo, g.Select(l => l.LineId).OfType<string>().Distinct(StringComparer.Ordinal).ToList()))
                    .ToList()
                : ownOf[o.Id].Select(l => new WriteBackTarget(l.ShopId, l.PlatformOrderNo, [])).ToList();

        return orders.Select(o => new OrderToShip(o.Id, o.OrderNo, o.Status.ToString(), o.Status is OrderStatus.Audited or OrderStatus.InFulfillment,
            o.Status is OrderStatus.Shipped or OrderStatus.Completed, o.WarehouseId, o.CarrierCode, o.TrackingNo, Targets(o))).ToList();
    }

    public async Task MarkShippedAsync(IReadOnlyList<OrderShipped> shipped, CancellationToken ct)
    {
        if (shipped.Count == 0) return;
        _ = db.Database.CurrentTransaction ?? throw new InvalidOperationException("MarkShippedAsync runs in the caller's transaction.");
        var wanted = shipped.DistinctBy(s => s.OrderId).ToDictionary(s => s.OrderId);
        // What the move reads and changes of each order, no more; orders just found for this call are not read again.
        var orders = new List<Order>(wanted.Count);
        var unread = new List<Guid>();
        foreach (var id in wanted.Keys)
            if (_read.Remove(id, out var known)) orders.Add(known);
            else unread.Add(id);
        foreach (var chunk in unread.Chunk(10_000))
            orders.AddRange(await db.Set<Order>().AsNoTracking().Where(o => EF.Parameter(chunk).Contains(o.Id))
                .Select(o => new Order { Id = o.Id, OrderNo = o.OrderNo, Status = o.Status, Exceptions = o.Exceptions, CarrierCode = o.CarrierCode }).ToListAsync(ct));
        if (orders.Count != wanted.Count) throw new DbUpdateConcurrencyException($"{wanted.Count - orders.Count} of the orders to ship are gone.");
        var now = db.Time.StoredUtcNow();
        var moves = new List<(Order Order, OrderStatus From, OrderExceptions Exceptions, OrderLogEntry Entry)>();
        foreach (var order in orders)
        {
            var (from, exceptions) = (order.Status, order.Exceptions);
            if (from is not (OrderStatus.Audited or OrderStatus.InFulfillment))
                throw new DbUpdateConcurrencyException($"Order {order.OrderNo} is {from}; it changed while it was being shipped.");
            var s = wanted[order.Id];
            var entry = order.Ship(s.TrackingNo, s.CarrierCode, s.Mode, now);
            (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
            moves.Add((order, from, exceptions, entry));
        }
        await db.BulkInsertAsync(moves.Select(m => new OrderShipment
        {
            OrderId = m.Order.Id, TrackingNo = m.Order.TrackingNo, CarrierCode = m.Order.CarrierCode, Mode = wanted[m.Order.Id].Mode, ShippedAt = now,
        }), ct);
        // Each order moves with its own tracking number and carrier, and only from the status and exceptions it was read with.
        var changed = await MoveToShippedAsync(moves.Select(m => (m.Order, m.From, m.Exceptions)).ToList(), now, ct);
        if (changed != moves.Count) throw new DbUpdateConcurrencyException($"{moves.Count - changed} of the orders changed while they were being shipped.");
        await db.BulkInsertAsync(moves.Select(m => m.Entry), ct);
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order",
            EntityId = moves.Count == 1 ? moves[0].Order.OrderNo : $"{moves.Count} orders", Action = "ship",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
            {
                ["shipped"] = [null, string.Join(",", moves.Take(1000).Select(m => m.Order.OrderNo)) + (moves.Count > 1000 ? $" … ({moves.Count})" : "")],
                ["mode"] = [null, string.Join(",", wanted.Values.Select(w => w.Mode).Distinct())],
            }),
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// 已发货, set-based: one statement over arrays on PostgreSQL, a prepared statement per order on SQLite (in the
    /// process, microseconds each). Answers how many orders moved: one still as it was read moves, one changed meanwhile does not.
    /// </summary>
    private async Task<int> MoveToShippedAsync(IReadOnlyList<(Order Order, OrderStatus From, OrderExceptions Exceptions)> moves, DateTime now, CancellationToken ct)
    {
        var sql = new BatchSql(db);
        const string Set = "status = 'Shipped', shipped_at = {0}, updated_at = {0}, held_from = NULL, hold_reason = NULL, hold_until = NULL, tracking_no = {1}, carrier_code = {2}";
        if (sql.IsPostgres)
        {
            await using var update = sql.Postgres(
                "UPDATE orders o SET " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Set, "@now", "d.t", "d.c") +
                " FROM unnest(@id, @t, @c, @f, @x) AS d(id, t, c, f, x) WHERE o.id = d.id AND o.status = d.f AND o.exceptions = d.x");
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("id", moves.Select(m => m.Order.Id).ToArray());
            update.Parameters.AddWithValue("t", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, moves.Select(m => m.Order.TrackingNo).ToArray());
            update.Parameters.AddWithValue("c", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, moves.Select(m => m.Order.CarrierCode).ToArray());
            update.Parameters.AddWithValue("f", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, moves.Select(m => m.From.ToString()).ToArray());
            update.Parameters.AddWithValue("x", moves.Select(m => (int)m.Exceptions).ToArray());
            return await update.ExecuteNonQueryAsync(ct);
        }
        using var each = sql.Prepare(
            "UPDATE orders SET " + string.Format(System.Globalization.CultureInfo.InvariantCulture, Set, "@p0", "@p1", "@p2") +
            " WHERE id = @p3 AND status = @p4 AND exceptions = @p5",
            typeof(DateTime), typeof(string), typeof(string), typeof(Guid), typeof(string), typeof(int));
        var changed = 0;
        foreach (var (order, from, exceptions) in moves)
            changed += each.Bind(now, order.TrackingNo, order.CarrierCode, order.Id, from.ToString(), (int)exceptions).Execute();
        return changed;
    }

    public async Task<IReadOnlyDictionary<(Guid WarehouseId, string Status), int>> CountByStageAsync(CancellationToken ct)
    {
        // One grouped count per status, so each reads its part of the (status, …) index.
        var counts = new Dictionary<(Guid, string), int>();
        foreach (var status in new[] { OrderStatus.Audited, OrderStatus.InFulfillment, OrderStatus.Held, OrderStatus.Intercepted })
        {
            var query = db.Set<Order>().Where(o => o.Status == status && o.WarehouseId != null);
            if (status == OrderStatus.Held) query = query.Where(o => o.HeldFrom == OrderStatus.Audited);
            foreach (var g in await query.GroupBy(o => o.WarehouseId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                counts[(g.Key!.Value, status.ToString())] = g.Count;
        }
        return counts;
    }

    public IQueryable<OrderLabel> Labels =>
        from o in db.Set<Order>().AsNoTracking()
        join e in db.Set<OrderEstimate>().AsNoTracking() on o.Id equals e.OrderId into estimates
        from e in estimates.DefaultIfEmpty()
        select new OrderLabel
        {
            Id = o.Id, OrderNo = o.OrderNo, ShopId = o.ShopId, WarehouseId = o.WarehouseId, CarrierCode = o.CarrierCode, CarrierServiceId = o.CarrierServiceId,
            Shippable = o.Status == OrderStatus.Audited || o.Status == OrderStatus.InFulfillment,
            Shipped = o.Status == OrderStatus.Shipped || o.Status == OrderStatus.Completed, Intercepted = o.Status == OrderStatus.Intercepted,
            ReceiverName = o.ReceiverName, ReceiverPhone = o.ReceiverPhone, Country = o.Country, Province = o.Province, City = o.City, District = o.District,
            Address = o.Address, BuyerMessage = o.BuyerMessage, SellerMemo = o.SellerMemo, Quantity = o.Quantity, WeightGrams = e == null ? 0 : e.WeightGrams,
            VolumeMm3 = e == null ? 0 : e.VolumeMm3, Paid = o.Paid, PaidAt = o.PaidAt,
        };

    public IQueryable<OrderItemRow> Items => db.Set<OrderItem>().AsNoTracking()
        .Select(i => new OrderItemRow { OrderId = i.OrderId, SkuId = i.SkuId, SkuCode = i.SkuCode, Quantity = i.Quantity, ComboSkuId = i.ComboSkuId });

    public async Task StartFulfillmentAsync(IReadOnlyCollection<Guid> orderIds, string waveNo, CancellationToken ct)
    {
        _ = db.Database.CurrentTransaction ?? throw new InvalidOperationException("StartFulfillmentAsync runs in the caller's transaction.");
        var now = db.Time.StoredUtcNow();
        var entries = new List<OrderLogEntry>();
        foreach (var chunk in orderIds.Distinct().Chunk(10_000))
        {
            var orders = await db.Set<Order>().AsNoTracking().Where(o => EF.Parameter(chunk).Contains(o.Id))
                .Select(o => new Order { Id = o.Id, OrderNo = o.OrderNo, Status = o.Status, Exceptions = o.Exceptions }).ToListAsync(ct);
            foreach (var order in orders)
                try
                {
                    var entry = order.StartFulfillment(waveNo, now);
                    (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
                    entries.Add(entry);
                }
                catch (RuleViolatedException e)
                {
                    throw new DbUpdateConcurrencyException(e.Message);
                }
            var changed = await db.Set<Order>().Where(o => EF.Parameter(chunk).Contains(o.Id) && o.Status == OrderStatus.Audited)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OrderStatus.InFulfillment).SetProperty(o => o.UpdatedAt, now), ct);
            if (changed != chunk.Length) throw new DbUpdateConcurrencyException($"{chunk.Length - changed} of the orders changed while the wave was being built.");
        }
        await db.BulkInsertAsync(entries, ct);
    }

    public async Task<IReadOnlyList<Guid>> LeaveFulfillmentAsync(IReadOnlyCollection<Guid> orderIds, string? reason, CancellationToken ct)
    {
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var now = db.Time.StoredUtcNow();
        var left = new List<Guid>();
        foreach (var chunk in orderIds.Distinct().Chunk(10_000))
        {
            var orders = await db.Set<Order>().Where(o => EF.Parameter(chunk).Contains(o.Id) && o.Status == OrderStatus.InFulfillment).ToListAsync(ct);
            foreach (var order in orders)
            {
                var entry = order.LeaveFulfillment(reason, now);
                (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
                db.Add(entry);
                left.Add(order.Id);
            }
        }
        await db.SaveChangesAsync(ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return left;
    }

    public IQueryable<OrderWaiting> Waiting(Guid? warehouseId)
    {
        var query = db.Set<Order>().AsNoTracking().Where(o => o.Status == OrderStatus.Audited);
        if (warehouseId is { } w) query = query.Where(o => o.WarehouseId == w);
        return query.Select(o => new OrderWaiting
        {
            Id = o.Id, OrderNo = o.OrderNo, WarehouseId = o.WarehouseId, ShopId = o.ShopId, CarrierCode = o.CarrierCode, ReceiverName = o.ReceiverName,
            Province = o.Province, City = o.City, Quantity = o.Quantity, PaidAt = o.PaidAt, CreatedAt = o.CreatedAt, Presale = o.Presale, ShipBy = o.ShipBy,
        });
    }
}
