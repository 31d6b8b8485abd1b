using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.AuditOrders;

/// <summary>What an audit did: orders audited, orders left out of stock, and a result per order asked for.</summary>
public sealed record AuditRun(int Audited, int OutOfStock, IReadOnlyList<OrderChange> Results);

/// <summary>
/// 审核 with 分配仓库: each order is allocated by the first allocation rule that matches it (or every active warehouse
/// by code) and its items reserved in the first of those warehouses that has stock for the whole order; the
/// reservation and the move to 已审核 are one transaction. Reservation is set-based: one call to Inventory per round,
/// the round trying each order's next warehouse, oldest payment first. An order no warehouse can serve goes to 异常
/// 缺货; one that may not be audited (held, cancelled, an exception other than stock, a line resolving to nothing) is
/// skipped with the reason.
/// </summary>
public sealed class AuditOrders(TenantDbContext db, IReserveStock stock, CurrentUser user)
{
    public const int MaxSelection = 5000;

    public async Task<AuditRun> AuditAsync(OrdersRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        if (request.OrderIds is not { Count: > 0 } ids) check.Add("orderIds", "required", "Choose at least one order.");
        else if (ids.Count > MaxSelection) check.Add("orderIds", "too_many", $"At most {MaxSelection} orders at once; use a batch job for more.", MaxSelection);
        check.ThrowIfAny();
        var wanted = request.OrderIds!.Distinct().ToList();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var orders = new List<Order>();
        foreach (var chunk in wanted.Chunk(1000))
            orders.AddRange(await db.Set<Order>().Where(o => chunk.Contains(o.Id)).ToListAsync(ct));
        var byId = orders.ToDictionary(o => o.Id);
        var results = new Dictionary<Guid, OrderChange>();
        foreach (var id in wanted.Where(id => !byId.ContainsKey(id)))
            results[id] = new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}.");
        foreach (var order in orders.Where(o => !o.Auditable))
            results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.not_auditable",
                $"Order {order.OrderNo} is {order.Status}{(order.Exceptions == OrderExceptions.None ? "" : $" ({order.Exceptions})")}; it cannot be audited.",
                order.OrderNo, order.Status);
        var candidates = orders.Where(o => o.Auditable).OrderBy(o => o.PaidAt ?? o.PlacedAt).ThenBy(o => o.OrderNo, StringComparer.Ordinal).ToList();

        var items = new List<OrderItem>();
        foreach (var chunk in candidates.Select(o => o.Id).Chunk(1000))
            items.AddRange(await db.Set<OrderItem>().AsNoTracking().Where(i => chunk.Contains(i.OrderId)).ToListAsync(ct));
        var itemsOf = items.ToLookup(i => i.OrderId);

        var plans = await PlansAsync(candidates, ct);
        var now = db.Time.StoredUtcNow();
        var (audited, short_) = (0, 0);
        var left = candidates.Where(o => itemsOf[o.Id].Any()).ToList();
        foreach (var order in candidates.Where(o => !itemsOf[o.Id].Any()))
            results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.nothing_to_reserve", $"Order {order.OrderNo} has no SKU to reserve.",
                order.OrderNo);
        for (var round = 0; left.Count > 0; round++)
        {
            var trying = left.Where(o => round < plans[o.Id].Warehouses.Count).ToList();
            if (trying.Count == 0) break;
            var lines = trying.SelectMany(o => itemsOf[o.Id].Select(i => new StockToReserve(o.Id, o.OrderNo, i.Id, i.SkuId, plans[o.Id].Warehouses[round], i.Quantity))).ToList();
            var answers = (await stock.ReserveAsync(lines, ct)).ToDictionary(a => a.OrderId);
            foreach (var order in trying.Where(o => answers[o.Id].Reserved))
            {
                var entry = order.Audit(plans[order.Id].Warehouses[round], plans[order.Id].By, now);
                Record(entry);
                results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Done);
                audited++;
            }
            left = left.Where(o => o.Status != OrderStatus.Audited).ToList();
        }
        foreach (var order in left)
        {
            if (order.Flag(OrderExceptions.OutOfStock, plans[order.Id].Warehouses.Count == 0 ? "no_active_warehouse" : "out_of_stock", now) is { } entry) Record(entry);
            results[order.Id] = new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.out_of_stock",
                $"No warehouse has stock for all of order {order.OrderNo}.", order.OrderNo);
            short_++;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new AuditRun(audited, short_, wanted.Select(id => results[id]).ToList());
    }

    private void Record(OrderLogEntry entry)
    {
        (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
        db.Add(entry);
    }

    private sealed record Plan(IReadOnlyList<Guid> Warehouses, string By);

    /// <summary>Each order's warehouses to try: the first matching rule's (active ones only), or every active warehouse by code.</summary>
    private async Task<Dictionary<Guid, Plan>> PlansAsync(List<Order> orders, CancellationToken ct)
    {
        var rules = await db.Set<AllocationRule>().AsNoTracking().Where(r => r.Active).OrderBy(r => r.Priority).ThenBy(r => r.Name).ToListAsync(ct);
        var active = await WarehouseQueries.Summaries(db).Where(w => w.Active).OrderBy(w => w.Code).Select(w => w.Id).ToListAsync(ct);
        var fallback = new Plan(active, "default");
        return orders.ToDictionary(o => o.Id, o => rules.FirstOrDefault(r => r.Matches(o.ShopId, o.Province)) is { } rule
            ? new Plan(rule.WarehouseIds.Where(active.Contains).ToList(), "rule:" + rule.Name)
            : fallback);
    }
}
