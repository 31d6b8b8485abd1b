using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Features.ListOrders;

public sealed record OrderRow(
    Guid Id, string OrderNo, OrderOrigin Origin, Guid? ShopId, string? PlatformOrderNo, OrderStatus Status, OrderExceptions Exceptions, string? HoldReason,
    string? BuyerNick, string? ReceiverName, string? Province, string? City, string Currency, long Paid, DateTime? PaidAt, int LineCount, int Quantity,
    bool Presale, DateTime? ShipBy, DateTime CreatedAt);

/// <summary>What the list is narrowed to; every part optional; paid times are a half-open range [from, to).</summary>
public sealed record OrderFilter(OrderStatus? Status = null, OrderExceptions? Exception = null, Guid? ShopId = null, string? Search = null,
    DateTime? PaidFrom = null, DateTime? PaidTo = null);

/// <summary>How many orders each status tab holds, and each exception queue.</summary>
public sealed record OrderCounts(IReadOnlyDictionary<OrderStatus, int> ByStatus, IReadOnlyDictionary<OrderExceptions, int> ByException);

/// <summary>One order whole; <paramref name="Warehouse"/> is the allocated warehouse's code and name.</summary>
public sealed record OrderDetail(Order Order, IReadOnlyList<OrderLine> Lines, IReadOnlyList<OrderItem> Items, IReadOnlyList<OrderSourceLink> Sources,
    IReadOnlyList<OrderLogEntry> Log, string? Warehouse = null);

/// <summary>System orders (系统订单): the list (newest first, a keyset page at a time), the tab counts and one order whole.</summary>
public sealed class OrderQueries(TenantDbContext db)
{
    public async Task<Page<OrderRow>> ListAsync(OrderFilter filter, PageRequest page, CancellationToken ct)
    {
        var query = Filtered(filter);
        if (page.AfterKey() is { } after)
        {
            var split = after.IndexOf('|', StringComparison.Ordinal);
            if (split < 0 || !long.TryParse(after[..split], out var ticks))
                throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            var (at, no) = (new DateTime(ticks, DateTimeKind.Utc), after[(split + 1)..]);
            query = query.Where(o => o.CreatedAt < at || (o.CreatedAt == at && o.OrderNo.CompareTo(no) < 0));
        }
        var rows = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.OrderNo).Take(page.Limit + 1)
            .Select(o => new OrderRow(o.Id, o.OrderNo, o.Origin, o.ShopId, o.PlatformOrderNo, o.Status, o.Exceptions, o.HoldReason, o.BuyerNick, o.ReceiverName,
                o.Province, o.City, o.Currency, o.Paid, o.PaidAt, o.LineCount, o.Quantity, o.Presale, o.ShipBy, o.CreatedAt))
            .ToListAsync(ct);
        return Page.From(rows, page.Limit, r => $"{r.CreatedAt.Ticks}|{r.OrderNo}");
    }

    /// <summary>The orders the filter selects (for the list, the counts and batch jobs).</summary>
    public IQueryable<Order> Filtered(OrderFilter filter)
    {
        var query = db.Set<Order>().AsNoTracking();
        if (filter.PaidFrom is { } from) query = query.Where(o => o.PaidAt >= from);
        if (filter.PaidTo is { } to) query = query.Where(o => o.PaidAt < to);
        if (filter.Status is { } status) query = query.Where(o => o.Status == status);
        if (filter.Exception is { } flag and not OrderExceptions.None) query = query.Where(o => (o.Exceptions & flag) == flag);
        if (filter.ShopId is { } shop) query = query.Where(o => o.ShopId == shop);
        if (filter.Search?.Trim() is { Length: > 0 } search)
        {
            // An order number, a platform order number, a receiver's name or phone, whole, or a seller code on any line:
            // each an index lookup, united, so no OR makes the database read every order.
            var orders = db.Set<Order>();
            var matches = orders.Where(o => o.OrderNo == search).Select(o => o.Id)
                .Concat(orders.Where(o => o.PlatformOrderNo == search).Select(o => o.Id))
                .Concat(orders.Where(o => o.ReceiverName == search).Select(o => o.Id))
                .Concat(orders.Where(o => o.ReceiverPhone == search).Select(o => o.Id))
                .Concat(db.Set<OrderLine>().Where(l => l.SellerCode == search).Select(l => l.OrderId));
            query = query.Where(o => matches.Contains(o.Id));
        }
        return query;
    }

    /// <summary>The tab counts under the same filter (but its status and exception): one grouped query each.</summary>
    public async Task<OrderCounts> CountsAsync(OrderFilter filter, CancellationToken ct)
    {
        var scope = Filtered(filter with { Status = null, Exception = null });
        var byStatus = await scope.GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var inException = await scope.Where(o => o.Status == OrderStatus.Exception).GroupBy(o => o.Exceptions)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var byException = Enum.GetValues<OrderExceptions>().Where(f => f != OrderExceptions.None)
            .ToDictionary(f => f, f => inException.Where(g => (g.Key & f) == f).Sum(g => g.Count));
        return new OrderCounts(byStatus, byException);
    }

    /// <summary>The tenant's shops (code and name), for the list's shop column and filter.</summary>
    public async Task<IReadOnlyList<ShopSummary>> ShopsAsync(CancellationToken ct) =>
        await ShopQueries.Summaries(db).OrderBy(s => s.Code).ToListAsync(ct);

    public async Task<OrderDetail> GetAsync(Guid id, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("order", id);
        var lines = await db.Set<OrderLine>().AsNoTracking().Where(l => l.OrderId == id).OrderBy(l => l.Position).ToListAsync(ct);
        var items = await db.Set<OrderItem>().AsNoTracking().Where(i => i.OrderId == id).ToListAsync(ct);
        var sources = await db.Set<OrderSourceLink>().AsNoTracking().Where(s => s.OrderId == id).ToListAsync(ct);
        var log = await db.Set<OrderLogEntry>().AsNoTracking().Where(e => e.OrderId == id).OrderBy(e => e.Id).ToListAsync(ct);
        var warehouse = order.WarehouseId is { } w
            ? await Shelfbook.Inventory.Contracts.WarehouseQueries.Summaries(db).Where(x => x.Id == w).Select(x => x.Code + " · " + x.Name).SingleOrDefaultAsync(ct)
            : null;
        return new OrderDetail(order, lines, items, sources, log, warehouse);
    }
}
