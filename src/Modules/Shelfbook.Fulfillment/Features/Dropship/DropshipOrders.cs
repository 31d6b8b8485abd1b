using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Dropship;

/// <summary>A supplier that ships dropship orders, with its warehouses and how many orders wait for it.</summary>
public sealed record DropshipSupplier(Guid Id, string Code, string Name, string? Contact, string? Phone, IReadOnlyList<string> Warehouses, int Waiting, int NotSent);

/// <summary>
/// A dropship order as the supplier needs it (receiver, goods) and where it stands: never sent, sent (when, how often), or
/// intercepted after it was sent (the supplier must be told not to ship it).
/// </summary>
public sealed record DropshipRow(
    Guid OrderId, string OrderNo, string WarehouseCode, Guid SupplierId, string SupplierName, string? CarrierCode, string? ReceiverName, string? ReceiverPhone,
    string Address, string? BuyerMessage, string Goods, int Quantity, DateTime? PaidAt, bool Intercepted, DateTime? FirstSentAt, DateTime? LastSentAt, int TimesSent);

/// <summary>What a supplier's tracking file did: its rows, the orders it shipped, those skipped (with the reasons), rows left blank, and errors.</summary>
public sealed record DropshipImportResult(int Rows, int Orders, int Shipped, int Skipped, int Unfilled, bool Written, IReadOnlyList<RowError> Errors,
    IReadOnlyList<ShipOutcome> Results)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public byte[]? ErrorWorkbook { get; init; }
}

/// <summary>
/// 即买即售 (供应商代发): orders allocated to a supplier's dropship warehouse (<see cref="WarehouseType.SupplierDropship"/>)
/// become requests to that supplier — listed per supplier, handed over as an xlsx (the sheet the supplier fills with its
/// carrier and tracking numbers), and shipped when the numbers come back by that sheet or by hand (<c>POST /ship</c>
/// mode <c>Dropship</c>). Shipping writes the numbers back to the platforms like 简易发货, and the goods pass through the
/// warehouse at the SKU's cost price (Inventory), so the order's profit carries what the supplier charges.
/// </summary>
public sealed class DropshipOrders(TenantDbContext db, IShipOrders orders, ISkuDirectory skus, ShipParcels ship, CurrentUser user)
{
    public const int MaxRows = 5_000;

    public static readonly SheetColumn[] Columns =
    [
        new("orderNo", "订单号", "Order no", Required: true),
        new("receiverName", "收件人", "Receiver"),
        new("receiverPhone", "收件人电话", "Phone"),
        new("address", "收货地址", "Address"),
        new("skuCode", "商家编码", "SKU"),
        new("skuName", "商品名称", "Goods"),
        new("quantity", "数量", "Quantity"),
        new("buyerMessage", "买家留言", "Buyer message"),
        new("carrier", "物流公司", "Carrier"),
        new("trackingNo", "快递单号", "Tracking no"),
    ];

    /// <summary>The suppliers that have dropship warehouses, with the orders waiting for each and how many were never sent.</summary>
    public async Task<IReadOnlyList<DropshipSupplier>> SuppliersAsync(CancellationToken ct)
    {
        var warehouses = await DropshipWarehousesAsync(null, ct);
        var supplierIds = warehouses.Select(w => w.SupplierId!.Value).Distinct().ToList();
        var suppliers = await SupplierQueries.Summaries(db).Where(s => supplierIds.Contains(s.Id)).OrderBy(s => s.Code).ToListAsync(ct);
        var result = new List<DropshipSupplier>(suppliers.Count);
        foreach (var s in suppliers)
        {
            var theirs = warehouses.Where(w => w.SupplierId == s.Id).ToList();
            var waiting = await Open(theirs, "all").CountAsync(o => o.Shippable, ct);
            var notSent = await Open(theirs, "new").CountAsync(ct);
            result.Add(new DropshipSupplier(s.Id, s.Code, s.Name, s.Contact, s.Phone, theirs.Select(w => w.Code).ToList(), waiting, notSent));
        }
        return result;
    }

    /// <summary>
    /// A supplier's dropship orders (or every supplier's), oldest payment first: <paramref name="state"/> <c>new</c> (never
    /// sent), <c>sent</c> (sent, waiting for a number) or all; intercepted orders that were sent stay listed, flagged.
    /// </summary>
    public async Task<IReadOnlyList<DropshipRow>> ListAsync(Guid? supplierId, string? state, CancellationToken ct)
    {
        var check = new InputCheck();
        if (state is not (null or "" or "new" or "sent" or "all")) check.Add("state", "invalid_state", "state is new, sent or all.");
        check.ThrowIfAny();
        return await RowsAsync(await DropshipWarehousesAsync(supplierId, ct), state is "new" or "sent" ? state : "all", ct);
    }

    /// <summary>
    /// The supplier's orders as a sheet, one row per item (a combo's parts one by one), with empty 物流公司 and 快递单号
    /// columns for the supplier to fill; the orders are marked sent (first time, last time, how often) and the handover
    /// is audited. <paramref name="onlyNew"/>: only orders never sent before.
    /// </summary>
    public async Task<byte[]> ExportAsync(Guid supplierId, bool onlyNew, CancellationToken ct)
    {
        if (!await SupplierQueries.Summaries(db).AnyAsync(s => s.Id == supplierId, ct)) throw new NotFoundException("supplier", supplierId);
        var (all, items) = await ReadAsync(await DropshipWarehousesAsync(supplierId, ct), onlyNew ? "new" : "all", ct);
        var rows = all.Where(r => !r.Intercepted).ToList();
        var ids = rows.Select(r => r.OrderId).ToList();
        var sheet = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var row in rows)
            foreach (var item in items[row.OrderId])
                sheet.Add(new Dictionary<string, object?>
                {
                    ["orderNo"] = row.OrderNo, ["receiverName"] = row.ReceiverName, ["receiverPhone"] = row.ReceiverPhone, ["address"] = row.Address,
                    ["skuCode"] = item.Code, ["skuName"] = item.Name, ["quantity"] = item.Quantity, ["buyerMessage"] = row.BuyerMessage,
                    ["carrier"] = null, ["trackingNo"] = null,
                });

        var now = db.Time.StoredUtcNow();
        var held = new Dictionary<Guid, DropshipRequest>();
        foreach (var chunk in ids.Chunk(5_000))
            foreach (var r in await db.Set<DropshipRequest>().Where(r => EF.Parameter(chunk).Contains(r.OrderId)).ToListAsync(ct))
                held[r.OrderId] = r;
        var warehouses = (await DropshipWarehousesAsync(supplierId, ct)).ToDictionary(w => w.Code);
        foreach (var row in rows)
        {
            var warehouseId = warehouses[row.WarehouseCode].Id;
            if (!held.TryGetValue(row.OrderId, out var request))
                db.Add(request = new DropshipRequest { OrderId = row.OrderId, OrderNo = row.OrderNo, WarehouseId = warehouseId, SupplierId = supplierId, FirstSentAt = now });
            else if (request.SupplierId != supplierId || request.WarehouseId != warehouseId)
                // The order moved to this supplier: its sending starts again here.
                (request.SupplierId, request.WarehouseId, request.FirstSentAt, request.TimesSent) = (supplierId, warehouseId, now, 0);
            (request.LastSentAt, request.TimesSent, request.SentBy) = (now, request.TimesSent + 1, user.UserName);
        }
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "dropship", EntityId = $"{rows.Count} orders",
            Action = "export",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
            {
                ["supplier"] = [null, supplierId.ToString()],
                ["orders"] = [null, string.Join(",", rows.Take(1000).Select(r => r.OrderNo)) + (rows.Count > 1000 ? $" … ({rows.Count})" : "")],
            }),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another export of the same orders saved first (a double click): this one is refused whole, nothing marked twice.
            throw new RuleViolatedException("dropship.busy", "Another export of these orders was saving at the same moment; export again.");
        }
        return Workbooks.Sheet(Columns, sheet);
    }

    /// <summary>The sheet's columns without any order: what a supplier fills, for a template. Marks nothing sent.</summary>
    public static byte[] Template() => Workbooks.Sheet(Columns, []);

    /// <summary>
    /// The supplier's sheet back with its carriers and tracking numbers (物流公司 as the carrier's code or name). Every row
    /// is checked first: an unknown order number, an order not shipped by a supplier, a missing or unknown carrier, or two
    /// numbers for one order are errors naming the row and column, and then nothing ships unless
    /// <paramref name="validOnly"/>, when the good orders do. Rows without a number are counted as not filled yet; orders
    /// shipped already are skipped (a sheet imported twice ships nothing twice).
    /// </summary>
    public async Task<DropshipImportResult> ImportAsync(Stream xlsx, bool validOnly, CancellationToken ct)
    {
        var rows = Workbooks.Read(xlsx, Columns).Take(ShipParcels.MaxRows + 1).ToList();
        var errors = new List<RowError>();
        if (rows.Count > ShipParcels.MaxRows) errors.Add(new RowError(rows[ShipParcels.MaxRows].Number, "订单号", "too_many", $"At most {ShipParcels.MaxRows} rows at a time."));
        var numbers = rows.Select(r => r.Text("orderNo")).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var found = numbers.Count == 0 ? [] : (await orders.FindAsync(null, numbers, ct)).ToDictionary(o => o.OrderNo, StringComparer.Ordinal);
        var dropship = (await DropshipWarehousesAsync(null, ct)).Select(w => w.Id).ToHashSet();
        var carriers = await CarrierQueries.Summaries(db).ToListAsync(ct);
        var byCode = carriers.GroupBy(c => c.Code.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.First().Code);
        var byName = carriers.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().Code);

        var chosen = new Dictionary<string, (int Row, string Tracking, string? Carrier)>(StringComparer.Ordinal);
        var bad = new HashSet<string>(StringComparer.Ordinal);
        var trackingOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        var unfilled = 0;
        foreach (var row in rows.Take(ShipParcels.MaxRows))
        {
            var (no, tracking, carrierText) = (row.Text("orderNo"), row.Text("trackingNo"), row.Text("carrier"));
            void Error(string column, string code, string message)
            {
                errors.Add(new RowError(row.Number, column, code, message));
                if (no is not null) bad.Add(no);
            }
            if (no is null)
            {
                Error("订单号", "required", "The order number is missing.");
                continue;
            }
            if (!found.TryGetValue(no, out var order))
            {
                Error("订单号", "unknown_order", $"No order {no}.");
                continue;
            }
            if (order.WarehouseId is not { } warehouse || !dropship.Contains(warehouse))
            {
                Error("订单号", "not_dropship", $"Order {no} is not shipped by a supplier (its warehouse is not a dropship warehouse).");
                continue;
            }
            if (tracking is null)
            {
                unfilled++;
                continue;
            }
            if (tracking.Length > 64 || tracking.Any(char.IsWhiteSpace))
            {
                Error("快递单号", "invalid_tracking", "A tracking number is up to 64 characters without spaces.");
                continue;
            }
            string? carrier = null;
            if (carrierText is not null && !byCode.TryGetValue(carrierText.ToUpperInvariant(), out carrier) && !byName.TryGetValue(carrierText, out carrier))
            {
                Error("物流公司", "unknown_carrier", $"No carrier has the code or name {carrierText}.");
                continue;
            }
            if (carrier is null && order.CarrierCode is null)
            {
                Error("物流公司", "required", $"Order {no} has no carrier: give the supplier's carrier.");
                continue;
            }
            if (trackingOwner.TryGetValue(tracking, out var owner) && owner != no)
            {
                Error("快递单号", "duplicate_tracking", $"Tracking number {tracking} is order {owner}'s on an earlier row; one number serves one parcel.");
                continue;
            }
            trackingOwner[tracking] = no;
            if (chosen.TryGetValue(no, out var first) && (first.Tracking != tracking || first.Carrier != carrier))
            {
                Error("快递单号", "conflicting_tracking", $"Order {no} has {first.Tracking} on row {first.Row}; one order leaves with one number.");
                continue;
            }
            chosen.TryAdd(no, (row.Number, tracking, carrier));
        }
        var good = chosen.Where(c => !bad.Contains(c.Key)).OrderBy(c => c.Value.Row).ToList();
        var write = good.Count > 0 && (errors.Count == 0 || validOnly);
        ShipRun? run = null;
        if (write)
            run = await ship.ShipAsync(new ShipRequest(nameof(ShipMode.Dropship), good.Select(g => new ShipRow(g.Key, g.Value.Tracking, g.Value.Carrier)).ToList()), ct);
        return new DropshipImportResult(rows.Count, chosen.Count, run?.Shipped ?? 0, run?.Skipped ?? 0, unfilled, write, errors, run?.Results ?? [])
        {
            ErrorWorkbook = errors.Count == 0 ? null : Workbooks.ErrorWorkbook(Columns, rows, errors),
        };
    }

    private async Task<List<WarehouseSummary>> DropshipWarehousesAsync(Guid? supplierId, CancellationToken ct)
    {
        var query = WarehouseQueries.Summaries(db).Where(w => w.Type == WarehouseType.SupplierDropship && w.SupplierId != null);
        if (supplierId is { } id) query = query.Where(w => w.SupplierId == id);
        return await query.OrderBy(w => w.Code).ToListAsync(ct);
    }

    /// <summary>
    /// The open orders of the warehouses, as one query: waiting (audited or in fulfillment) or intercepted after they
    /// were sent, not shipped, not given a mode of their own other than 即买即售; <paramref name="state"/> new (never sent
    /// to the warehouse's supplier), sent, or all. A request to another supplier (the order moved) does not count as sent.
    /// </summary>
    private IQueryable<OrderLabel> Open(List<WarehouseSummary> warehouses, string? state)
    {
        var ids = warehouses.Select(w => w.Id).ToList();
        var suppliers = warehouses.Select(w => w.SupplierId!.Value).Distinct().ToList();
        var requests = db.Set<DropshipRequest>().AsNoTracking();
        var modes = db.Set<OrderShipMode>().AsNoTracking();
        var query = orders.Labels.Where(o => o.WarehouseId != null && ids.Contains(o.WarehouseId.Value) && !o.Shipped
            && !modes.Any(m => m.OrderId == o.Id && m.Mode != ShipMode.Dropship));
        return state switch
        {
            "new" => query.Where(o => o.Shippable && !requests.Any(r => r.OrderId == o.Id && r.WarehouseId == o.WarehouseId && suppliers.Contains(r.SupplierId))),
            "sent" => query.Where(o => (o.Shippable || o.Intercepted) && requests.Any(r => r.OrderId == o.Id && r.WarehouseId == o.WarehouseId && suppliers.Contains(r.SupplierId))),
            _ => query.Where(o => o.Shippable
                || (o.Intercepted && requests.Any(r => r.OrderId == o.Id && r.WarehouseId == o.WarehouseId && suppliers.Contains(r.SupplierId)))),
        };
    }

    private async Task<List<DropshipRow>> RowsAsync(List<WarehouseSummary> warehouses, string? state, CancellationToken ct) =>
        (await ReadAsync(warehouses, state, ct)).Rows;

    /// <summary>The rows and each order's goods, read once (the export needs both).</summary>
    private async Task<(List<DropshipRow> Rows, ILookup<Guid, Item> Items)> ReadAsync(List<WarehouseSummary> warehouses, string? state, CancellationToken ct)
    {
        if (warehouses.Count == 0) return ([], Array.Empty<(Guid, Item)>().ToLookup(x => x.Item1, x => x.Item2));
        var open = await Open(warehouses, state).OrderBy(o => o.PaidAt).ThenBy(o => o.OrderNo).Take(MaxRows).ToListAsync(ct);
        var orderIds = open.Select(o => o.Id).ToList();
        var warehouseOf = warehouses.ToDictionary(w => w.Id);
        var sent = new Dictionary<Guid, DropshipRequest>();
        foreach (var chunk in orderIds.Chunk(5_000))
            foreach (var r in await db.Set<DropshipRequest>().AsNoTracking().Where(r => EF.Parameter(chunk).Contains(r.OrderId)).ToListAsync(ct))
                sent[r.OrderId] = r;
        var items = await ItemsAsync(orderIds, ct);
        var supplierIds = warehouses.Select(w => w.SupplierId!.Value).Distinct().ToList();
        var supplierNames = await SupplierQueries.Summaries(db).Where(s => supplierIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        return (open.Select(o =>
            {
                var w = warehouseOf[o.WarehouseId!.Value];
                // Sent to this warehouse's supplier; a request to another one (the order moved) is not.
                var request = sent.GetValueOrDefault(o.Id) is { } r && r.WarehouseId == w.Id && r.SupplierId == w.SupplierId ? r : null;
                return new DropshipRow(o.Id, o.OrderNo, w.Code, w.SupplierId!.Value, supplierNames.GetValueOrDefault(w.SupplierId.Value, ""), o.CarrierCode, o.ReceiverName,
                    o.ReceiverPhone, string.Join(" ", new[] { o.Province, o.City, o.District, o.Address }.Where(p => !string.IsNullOrWhiteSpace(p))), o.BuyerMessage,
                    string.Join("; ", items[o.Id].Select(i => $"{i.Code}×{i.Quantity}")), o.Quantity, o.PaidAt, o.Intercepted,
                    request?.FirstSentAt, request?.LastSentAt, request?.TimesSent ?? 0);
            }).ToList(), items);
    }

    private sealed record Item(string Code, string Name, int Quantity);

    /// <summary>Each order's goods as the supplier picks them: a combo's parts one by one, the same SKU of one order summed.</summary>
    private async Task<ILookup<Guid, Item>> ItemsAsync(IReadOnlyList<Guid> orderIds, CancellationToken ct)
    {
        var rows = new List<OrderItemRow>();
        foreach (var chunk in orderIds.Chunk(5_000))
            rows.AddRange(await orders.Items.Where(i => EF.Parameter(chunk).Contains(i.OrderId)).ToListAsync(ct));
        var skuIds = rows.Select(r => r.SkuId).Distinct().ToList();
        var names = new Dictionary<Guid, string>();
        foreach (var chunk in skuIds.Chunk(5_000))
            foreach (var s in await skus.Skus.Where(s => EF.Parameter(chunk).Contains(s.Id)).Select(s => new { s.Id, s.ProductName, s.Spec }).ToListAsync(ct))
                names[s.Id] = s.Spec is null ? s.ProductName : $"{s.ProductName} {s.Spec}";
        return rows.GroupBy(r => (r.OrderId, r.SkuId, r.SkuCode))
            .Select(g => (g.Key.OrderId, Item: new Item(g.Key.SkuCode, names.GetValueOrDefault(g.Key.SkuId, ""), g.Sum(r => r.Quantity))))
            .ToLookup(x => x.OrderId, x => x.Item);
    }
}
