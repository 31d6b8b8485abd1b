using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Features.ListOrders;

public sealed record OrderRow(
    Guid Id, string OrderNo, OrderOrigin Origin, Guid? ShopId, string? PlatformOrderNo, OrderStatus Status, OrderExceptions Exceptions, string? HoldReason,
    string? BuyerNick, string? ReceiverName, string? Province, string? City, string Currency, long Paid, DateTime? PaidAt, int LineCount, int Quantity,
    bool Presale, DateTime? ShipBy, DateTime CreatedAt, string? CarrierCode = null, DateTime? HoldUntil = null, string? TrackingNo = null, DateTime? ShippedAt = null);

/// <summary>What the list is narrowed to; every part optional; times are half-open ranges [from, to).</summary>
public sealed record OrderFilter(OrderStatus? Status = null, OrderExceptions? Exception = null, Guid? ShopId = null, string? Search = null,
    DateTime? PaidFrom = null, DateTime? PaidTo = null, ShopPlatform? Platform = null, string? Sku = null, string? Buyer = null, string? Tag = null,
    Guid? WarehouseId = null, string? Carrier = null, DateTime? CreatedFrom = null, DateTime? CreatedTo = null, DateTime? ShippedFrom = null,
    DateTime? ShippedTo = null);

/// <summary>The list's query string: the filter's parts by name (times as the API takes them, the platform by name).</summary>
public sealed record OrderListQuery(
    OrderStatus? Status, OrderExceptions? Exception, Guid? ShopId, string? Search, DateTime? PaidFrom, DateTime? PaidTo, string? Platform, string? Sku,
    string? Buyer, string? Tag, Guid? WarehouseId, string? Carrier, DateTime? CreatedFrom, DateTime? CreatedTo, DateTime? ShippedFrom = null, DateTime? ShippedTo = null)
{
    public OrderFilter Filter() => new(Status, Exception, ShopId, Search, Utc(PaidFrom), Utc(PaidTo), InputCheck.Filter<ShopPlatform>("platform", Platform), Sku,
        Buyer, Tag, WarehouseId, Carrier, Utc(CreatedFrom), Utc(CreatedTo), Utc(ShippedFrom), Utc(ShippedTo));

    private static DateTime? Utc(DateTime? at) => at is { } a ? TenantTime.FromApi(a) : null;
}

/// <summary>How many orders each status tab holds, and each exception queue.</summary>
public sealed record OrderCounts(IReadOnlyDictionary<OrderStatus, int> ByStatus, IReadOnlyDictionary<OrderExceptions, int> ByException);

/// <summary>
/// One order whole; <paramref name="Warehouse"/> is the allocated warehouse's code and name. <paramref name="PresaleLines"/>
/// marks each presale line (预售) with the day it ships from (UTC, the start of that day on the tenant's clock): a line whose
/// SKU, or one of whose items, is on the seller's list of 预售商品 — the latest day when several are.
/// </summary>
public sealed record OrderDetail(Order Order, IReadOnlyList<OrderLine> Lines, IReadOnlyList<OrderItem> Items, IReadOnlyList<OrderSourceLink> Sources,
    IReadOnlyList<OrderLogEntry> Log, string? Warehouse = null, OrderEstimate? Estimate = null, string? Carrier = null, string? Related = null,
    IReadOnlyDictionary<Guid, DateTime>? PresaleLines = null);

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
                o.Province, o.City, o.Currency, o.Paid, o.PaidAt, o.LineCount, o.Quantity, o.Presale, o.ShipBy, o.CreatedAt, o.CarrierCode, o.HoldUntil, o.TrackingNo, o.ShippedAt))
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
        if (filter.CreatedFrom is { } createdFrom) query = query.Where(o => o.CreatedAt >= createdFrom);
        if (filter.CreatedTo is { } createdTo) query = query.Where(o => o.CreatedAt < createdTo);
        if (filter.ShippedFrom is { } shippedFrom) query = query.Where(o => o.ShippedAt >= shippedFrom);
        if (filter.ShippedTo is { } shippedTo) query = query.Where(o => o.ShippedAt < shippedTo);
        if (filter.Platform is { } platform)
        {
            var shops = ShopQueries.Summaries(db).Where(s => s.Platform == platform).Select(s => (Guid?)s.Id);
            query = query.Where(o => shops.Contains(o.ShopId));
        }
        if (filter.Buyer?.Trim() is { Length: > 0 } buyer) query = query.Where(o => o.BuyerNick == buyer);
        if (filter.Tag?.Trim() is { Length: > 0 } tag) query = query.Where(o => o.Tags.Contains(tag));
        if (filter.WarehouseId is { } warehouse) query = query.Where(o => o.WarehouseId == warehouse || o.RuleWarehouseId == warehouse);
        if (filter.Carrier?.Trim() is { Length: > 0 } carrier) query = query.Where(o => o.CarrierCode == carrier);
        if (filter.Sku?.Trim() is { Length: > 0 } sku)
        {
            // A SKU by its code (any letter case): among the items (a combo's parts too), or a line's code as the shop sold it.
            var normalized = sku.ToUpperInvariant();
            var ids = SkuQueries.Summaries(db).Where(s => s.NormalizedCode == normalized).Select(s => s.Id);
            var withSku = db.Set<OrderItem>().Where(i => ids.Contains(i.SkuId)).Select(i => i.OrderId)
                .Concat(db.Set<OrderLine>().Where(l => l.SellerCode == sku).Select(l => l.OrderId));
            query = query.Where(o => withSku.Contains(o.Id));
        }
        if (filter.Search?.Trim() is { Length: > 0 } search)
        {
            // An order number, a platform order number, a tracking number, a receiver's name or phone, whole, or a seller code on any line:
            // each an index lookup, united, so no OR makes the database read every order.
            var orders = db.Set<Order>();
            var matches = orders.Where(o => o.OrderNo == search).Select(o => o.Id)
                .Concat(orders.Where(o => o.PlatformOrderNo == search).Select(o => o.Id))
                .Concat(orders.Where(o => o.TrackingNo == search).Select(o => o.Id))
                .Concat(orders.Where(o => o.ReceiverName == search).Select(o => o.Id))
                .Concat(orders.Where(o => o.ReceiverPhone == search).Select(o => o.Id))
                .Concat(db.Set<OrderLine>().Where(l => l.SellerCode == search).Select(l => l.OrderId));
            query = query.Where(o => matches.Contains(o.Id));
        }
        return query;
    }

    public static readonly IReadOnlyList<Shelfbook.Platform.Spreadsheets.SheetColumn> ExportColumns =
    [
        new("orderNo", "订单号", "Order no."), new("platformOrderNo", "平台单号", "Platform order no."), new("shop", "店铺", "Shop"), new("status", "状态", "Status"),
        new("exceptions", "异常", "Exceptions"), new("buyer", "买家", "Buyer"), new("receiver", "收货人", "Receiver"), new("province", "省", "Province"),
        new("city", "市", "City"), new("paid", "实付(元)", "Paid"), new("currency", "币种", "Currency"), new("paidAt", "付款时间(UTC)", "Paid at (UTC)"),
        new("lines", "商品行", "Lines"), new("quantity", "数量", "Units"), new("presale", "预售", "Presale"), new("createdAt", "创建时间(UTC)", "Created (UTC)"),
        new("carrier", "快递公司", "Carrier"), new("trackingNo", "运单号", "Tracking no."), new("shippedAt", "发货时间(UTC)", "Shipped (UTC)"),
    ];

    /// <summary>
    /// The filtered list as xlsx, newest first, read a page at a time (at most the workbook's row limit; a filter matching
    /// more is refused, naming the limit).
    /// </summary>
    public async Task<Stream> ExportAsync(OrderFilter filter, CancellationToken ct)
    {
        var count = await Filtered(filter).CountAsync(ct);
        if (count > Shelfbook.Platform.Spreadsheets.Workbooks.MaxRows)
            throw new InputRejectedException("filter", "too_many", $"The filter matches {count} orders; at most {Shelfbook.Platform.Spreadsheets.Workbooks.MaxRows} export at once.",
                Shelfbook.Platform.Spreadsheets.Workbooks.MaxRows);
        var shops = await ShopQueries.Summaries(db).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var rows = new List<IReadOnlyDictionary<string, object?>>(count);
        string? after = null;
        do
        {
            var page = await ListAsync(filter, new PageRequest(after, PageRequest.MaxLimit), ct);
            rows.AddRange(page.Items.Select(o => new Dictionary<string, object?>
            {
                ["orderNo"] = o.OrderNo, ["platformOrderNo"] = o.PlatformOrderNo, ["shop"] = o.ShopId is { } id ? shops.GetValueOrDefault(id) : null,
                ["status"] = o.Status.ToString(), ["exceptions"] = o.Exceptions == OrderExceptions.None ? null : o.Exceptions.ToString(), ["buyer"] = o.BuyerNick,
                ["receiver"] = o.ReceiverName, ["province"] = o.Province, ["city"] = o.City, ["paid"] = MinorUnits.ToMajor(o.Paid), ["currency"] = o.Currency,
                ["paidAt"] = o.PaidAt, ["lines"] = o.LineCount, ["quantity"] = o.Quantity, ["presale"] = o.Presale ? "Y" : null, ["createdAt"] = o.CreatedAt,
                ["carrier"] = o.CarrierCode, ["trackingNo"] = o.TrackingNo, ["shippedAt"] = o.ShippedAt,
            }));
            after = page.Next;
        }
        while (after is not null);
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        Shelfbook.Platform.Spreadsheets.Workbooks.Write(file, ExportColumns, rows);
        file.Position = 0;
        return file;
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
        var estimate = await db.Set<OrderEstimate>().AsNoTracking().SingleOrDefaultAsync(e => e.OrderId == id, ct);
        var carrier = order.CarrierCode is { } code
            ? await Shelfbook.Logistics.Contracts.CarrierQueries.Summaries(db).Where(c => c.Code == code).Select(c => c.Name).FirstOrDefaultAsync(ct)
            : null;
        // The order it was merged into or split off from, by number.
        var relatedId = order.MergedInto ?? order.SplitFrom;
        var related = relatedId is { } r ? await db.Set<Order>().Where(o => o.Id == r).Select(o => o.OrderNo).SingleOrDefaultAsync(ct) : null;
        return new OrderDetail(order, lines, items, sources, log, warehouse, estimate, carrier, related, await PresaleLinesAsync(lines, items, ct));
    }

    /// <summary>The order's presale lines and their days, as audit reads them (a combo sold as such, or its parts).</summary>
    private async Task<Dictionary<Guid, DateTime>> PresaleLinesAsync(List<OrderLine> lines, List<OrderItem> items, CancellationToken ct)
    {
        var skus = lines.Where(l => l.SkuId is not null).Select(l => l.SkuId!.Value).Concat(items.Select(i => i.SkuId)).Distinct().ToList();
        var days = skus.Count == 0 ? []
            : await db.Set<PresaleSku>().AsNoTracking().Where(p => skus.Contains(p.SkuId)).ToDictionaryAsync(p => p.SkuId, p => p.ShipFrom, ct);
        var marks = new Dictionary<Guid, DateTime>();
        void Take(Guid line, Guid sku)
        {
            if (days.TryGetValue(sku, out var day) && !(marks.TryGetValue(line, out var had) && had >= day)) marks[line] = day;
        }
        foreach (var line in lines.Where(l => l.SkuId is not null)) Take(line.Id, line.SkuId!.Value);
        foreach (var item in items) Take(item.LineId, item.SkuId);
        return marks;
    }
}
