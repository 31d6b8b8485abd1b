using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Reservations;
using Shelfbook.Kernel;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Inventory.Features.QuickOutbound;

/// <summary>One shipment line a third-party warehouse reported: order number, SKU (code, alias or barcode), quantity, tracking number.</summary>
public sealed record ShippedLineInput(string? OrderNo, string? SkuCode, int? Quantity, string? TrackingNo = null);

public sealed record QuickOutboundInput(Guid? WarehouseId, IReadOnlyList<ShippedLineInput>? Lines);

/// <summary>
/// A line that was not (or not wholly) posted: its row (file row or list index + 1), what it said, how much of it
/// went out, and why the rest did not: unknown_sku, unknown_order (nothing reserved under that order number here),
/// not_in_order, more_than_reserved, already_posted, invalid.
/// </summary>
public sealed record UnmatchedLine(int Row, string? OrderNo, string? SkuCode, int? Quantity, int Posted, string Reason, string Message);

/// <summary>
/// What a report did: its lines, those posted and their units, the orders touched, the lines not matched, and — where
/// the module that ships orders is present — each touched order shipped with its parcel or left (a part shipped, an
/// order on hold) with the reason.
/// </summary>
public sealed record QuickOutboundResult(int Lines, int PostedLines, long PostedQuantity, int Orders, IReadOnlyList<UnmatchedLine> Unmatched,
    IReadOnlyList<ThirdPartyShipNote>? OrderNotes = null)
{
    public int OrdersShipped => OrderNotes?.Count(n => n.Shipped) ?? 0;
}

/// <summary>
/// 快速出库: posts in bulk the shipments a warehouse that ships by itself reports (an outsourced 3PL), against the
/// orders' reservations, as third-party outbound movements at the moving average cost. Lines that match nothing are
/// listed, not guessed; what matched is posted in one transaction. Sending the same report again posts nothing twice.
/// </summary>
public sealed class PostQuickOutbound(TenantDbContext db, ISkuDirectory skus, StockReservations reservations, IEnumerable<IThirdPartyShipmentListener> listeners)
{
    public const int MaxLines = 100_000;

    public static readonly IReadOnlyList<SheetColumn> Columns =
    [
        new("orderNo", "订单号", "Order number", Required: true), new("skuCode", "商家编码", "SKU code", Required: true),
        new("quantity", "数量", "Quantity", Required: true), new("trackingNo", "物流单号", "Tracking number"),
    ];

    public Task<QuickOutboundResult> FromWorkbookAsync(Guid? warehouseId, Stream xlsx, CancellationToken ct)
    {
        var lines = new List<(int Row, ShippedLineInput Line)>();
        foreach (var row in Workbooks.Read(xlsx, Columns))
        {
            var check = new InputCheck();
            var quantity = Workbooks.WholeNumber(row, "quantity", check, "quantity");
            lines.Add((row.Number, new ShippedLineInput(row.Text("orderNo"), row.Text("skuCode"), check.HasErrors ? 0 : quantity, row.Text("trackingNo"))));
            if (lines.Count > MaxLines) break;
        }
        return PostAsync(warehouseId, lines, ct);
    }

    /// <summary>
    /// Two shipments (tracking numbers) of one reservation in one report: the second is consumed against the reservation
    /// as the first left it, so the row checks in the consume see the quantity they expect.
    /// </summary>
    private static IEnumerable<ReservationToConsume> Split(List<ReservationToConsume> parts)
    {
        var left = parts[0].Reservation.Quantity;
        foreach (var part in parts)
        {
            var reservation = new StockReservation
            {
                Id = part.Reservation.Id, OrderId = part.Reservation.OrderId, OrderNo = part.Reservation.OrderNo, OrderLineId = part.Reservation.OrderLineId,
                SkuId = part.Reservation.SkuId, WarehouseId = part.Reservation.WarehouseId, Quantity = left, CreatedAt = part.Reservation.CreatedAt,
            };
            left -= part.Quantity;
            yield return part with { Reservation = reservation };
        }
    }

    public Task<QuickOutboundResult> FromApiAsync(QuickOutboundInput input, CancellationToken ct) =>
        PostAsync(input.WarehouseId, (input.Lines ?? []).Select((l, i) => (i + 1, l ?? new ShippedLineInput(null, null, null))).ToList(), ct);

    private async Task<QuickOutboundResult> PostAsync(Guid? warehouseId, List<(int Row, ShippedLineInput Line)> lines, CancellationToken ct)
    {
        var warehouse = warehouseId is { } id ? await db.Set<Warehouse>().AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, ct) : null;
        if (warehouseId is null) throw new InputRejectedException("warehouseId", "required", "warehouseId is required.");
        if (warehouse is null) throw new InputRejectedException("warehouseId", "unknown_warehouse", $"No warehouse has the id {warehouseId}.", warehouseId);
        if (warehouse.ShipsOrdersItself)
            throw new InputRejectedException("warehouseId", "ships_itself", $"{warehouse.Code} ships orders itself; its orders ship through scanning, not a quick outbound.", warehouse.Code);
        if (lines.Count == 0) throw new InputRejectedException("lines", "required", "Send at least one shipped line.");
        if (lines.Count > MaxLines) throw new InputRejectedException("lines", "too_many", $"At most {MaxLines} lines at once.", MaxLines);

        var found = await skus.FindByCodesAsync(lines.Select(l => l.Line.SkuCode?.Trim() ?? "").Where(c => c.Length > 0).Distinct(), ct);
        var orderNos = lines.Select(l => l.Line.OrderNo?.Trim()).OfType<string>().Where(n => n.Length > 0).Distinct().ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var held = new List<StockReservation>();
        foreach (var chunk in orderNos.Chunk(500))
            held.AddRange(await db.Set<StockReservation>().AsNoTracking().Where(r => r.WarehouseId == warehouse.Id && EF.Parameter(chunk).Contains(r.OrderNo)).ToListAsync(ct));
        var shipped = new HashSet<(string, Guid)>();
        var withoutReservation = orderNos.Except(held.Select(r => r.OrderNo)).ToList();
        foreach (var chunk in withoutReservation.Chunk(500))
            foreach (var m in await db.Set<StockMovement>().AsNoTracking()
                         .Where(m => m.WarehouseId == warehouse.Id && m.Type == MovementType.ThirdPartyOutbound && EF.Parameter(chunk).Contains(m.SourceNo!))
                         .Select(m => new { m.SourceNo, m.SkuId }).Distinct().ToListAsync(ct))
                shipped.Add((m.SourceNo!, m.SkuId));

        // What each (order, SKU) still holds, shared by the lines that name it, oldest reservation first.
        var open = held.GroupBy(r => (r.OrderNo, r.SkuId)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Id).Select(r => (Reservation: r, Left: r.Quantity)).ToList());
        var knownOrders = held.Select(r => r.OrderNo).ToHashSet(StringComparer.Ordinal);
        var parts = new List<ReservationToConsume>();
        var unmatched = new List<UnmatchedLine>();
        var postedLines = 0;
        foreach (var (row, line) in lines)
        {
            var orderNo = line.OrderNo?.Trim();
            var code = line.SkuCode?.Trim();
            UnmatchedLine Miss(string reason, string message, int posted = 0) => new(row, orderNo, code, line.Quantity, posted, reason, message);
            if (string.IsNullOrEmpty(orderNo) || string.IsNullOrEmpty(code) || line.Quantity is not (> 0 and <= StockReservations.MaxQuantity)
                || line.TrackingNo?.Trim().Length > 64 || orderNo.Length > 64)
            {
                unmatched.Add(Miss("invalid", "The line needs an order number, a SKU code, a quantity of at least 1 and a tracking number of at most 64 characters."));
                continue;
            }
            if (!found.TryGetValue(code, out var sku))
            {
                unmatched.Add(Miss("unknown_sku", $"No SKU, alias or barcode is '{code}'."));
                continue;
            }
            if (!open.TryGetValue((orderNo, sku.Id), out var holds))
            {
                unmatched.Add(shipped.Contains((orderNo, sku.Id))
                    ? Miss("already_posted", $"{sku.Code} of order {orderNo} went out before.")
                    : knownOrders.Contains(orderNo)
                        ? Miss("not_in_order", $"Order {orderNo} holds no {sku.Code} in {warehouse.Code}.")
                        : Miss("unknown_order", $"Nothing is reserved in {warehouse.Code} under order number {orderNo}."));
                continue;
            }
            var wanted = line.Quantity.Value;
            var taken = 0;
            for (var i = 0; i < holds.Count && taken < wanted; i++)
            {
                var take = Math.Min(holds[i].Left, wanted - taken);
                if (take == 0) continue;
                holds[i] = (holds[i].Reservation, holds[i].Left - take);
                taken += take;
                // Keyed by the shipment (tracking number) and the order line, never the file row: a report sent again posts nothing twice.
                parts.Add(new ReservationToConsume(holds[i].Reservation, take, MovementType.ThirdPartyOutbound, "qo:" + (line.TrackingNo?.Trim() ?? "-"),
                    line.TrackingNo?.Trim(), $"lines[{row - 1}]"));
            }
            if (taken > 0) postedLines++;
            if (taken < wanted) unmatched.Add(Miss("more_than_reserved", $"Order {orderNo} holds {taken} of {sku.Code}; {wanted - taken} more were reported.", taken));
        }
        // Several lines may take parts of one reservation under one shipment: merge them so each posts once. A shipment
        // posted before (same tracking number and order line) is left out and its line reported.
        var merged = parts.GroupBy(p => (p.Reservation.Id, p.ShipmentKey)).Select(g => g.First() with { Quantity = g.Sum(p => p.Quantity) }).ToList();
        var keys = merged.Select(StockReservations.KeyOf).ToList();
        var posted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
            posted.UnionWith(await db.Set<StockMovement>().AsNoTracking().Where(m => EF.Parameter(chunk).Contains(m.IdempotencyKey)).Select(m => m.IdempotencyKey).ToListAsync(ct));
        foreach (var repeat in merged.Where(p => posted.Contains(StockReservations.KeyOf(p))))
        {
            var row = int.Parse(repeat.Field.AsSpan(6, repeat.Field.Length - 7), System.Globalization.CultureInfo.InvariantCulture) + 1;
            unmatched.Add(new UnmatchedLine(row, repeat.Reservation.OrderNo, null, repeat.Quantity, 0, "already_posted", $"Order {repeat.Reservation.OrderNo} shipped under this tracking number before."));
        }
        merged = merged.Where(p => !posted.Contains(StockReservations.KeyOf(p))).ToList();
        // A reservation shipped in two parts within one report is consumed as one change of its row.
        merged = merged.GroupBy(p => p.Reservation.Id).SelectMany(g => g.Count() == 1 ? g : Split(g.ToList())).ToList();
        await reservations.ConsumeAsync(merged, ct);

        // The orders behind the posted lines: complete when nothing is reserved for them here any more.
        var touched = merged.GroupBy(p => p.Reservation.OrderId).Select(g => (OrderId: g.Key, g.First().Reservation.OrderNo,
            Tracking: g.Select(p => p.TrackingNo).FirstOrDefault(t => !string.IsNullOrEmpty(t)))).ToList();
        var stillHeld = new HashSet<Guid>();
        foreach (var chunk in touched.Select(t => t.OrderId).Chunk(500))
            stillHeld.UnionWith(await db.Set<StockReservation>().Where(r => EF.Parameter(chunk).Contains(r.OrderId)).Select(r => r.OrderId).Distinct().ToListAsync(ct));
        var shipments = touched.Select(t => new ThirdPartyShipment(t.OrderId, t.OrderNo, warehouse.Id, t.Tracking, !stillHeld.Contains(t.OrderId))).ToList();
        var notes = new List<ThirdPartyShipNote>();
        foreach (var listener in listeners) notes.AddRange(await listener.ShippedAsync(shipments, ct));
        var result = new QuickOutboundResult(lines.Count, postedLines, merged.Sum(p => (long)p.Quantity), touched.Count, unmatched, notes);
        db.AuditEntries.Add(new AuditEntry
        {
            At = db.Time.StoredUtcNow(), UserId = db.Actor.UserId, UserName = db.Actor.UserName, Category = AuditCategory.Stock, EntityType = "quick_outbound",
            EntityId = warehouse.Id.ToString(), Action = "post",
            Changes = new JsonObject { ["warehouse"] = warehouse.Code, ["lines"] = result.Lines, ["posted"] = result.PostedQuantity, ["unmatched"] = unmatched.Count, ["ordersShipped"] = result.OrdersShipped }.ToJsonString(),
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return result;
    }
}
