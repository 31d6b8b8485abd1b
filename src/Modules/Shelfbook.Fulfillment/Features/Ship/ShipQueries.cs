using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Kernel;
using Shelfbook.Orders.Contracts;

namespace Shelfbook.Fulfillment.Features.Ship;

public sealed record ParcelRow(
    Guid Id, Guid OrderId, string OrderNo, Guid? WarehouseId, string? CarrierCode, string? TrackingNo, ShipMode Mode, int? WeightGrams, DateTime ShippedAt, string? ShippedBy,
    WriteBackState WriteBack, string? WriteBackProblem);

public sealed record WarehouseOption(Guid Id, string Code, string Name);

/// <summary>A parcel written back by 虚拟发货 and not yet completed: how long it has been open.</summary>
public sealed record VirtualRow(Guid OrderId, string OrderNo, Guid? WarehouseId, string? CarrierCode, string? TrackingNo, DateTime ShippedAt, string? ShippedBy,
    WriteBackState WriteBack);

public sealed record WaitingRow(Guid Id, string OrderNo, Guid? WarehouseId, string? CarrierCode, string? ReceiverName, string? Province, string? City, int Quantity,
    DateTime? PaidAt);

/// <summary>The parcels shipped (newest first) and the audited orders waiting to ship (oldest order number first), a keyset page at a time.</summary>
public sealed class ShipQueries(TenantDbContext db, IShipOrders orders)
{
    public async Task<Page<ParcelRow>> ParcelsAsync(string? search, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<Parcel>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim();
            query = query.Where(p => p.OrderNo == text || p.TrackingNo == text);
        }
        if (page.AfterKey() is { } after)
        {
            if (!Guid.TryParse(after, out var last)) throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            query = query.Where(p => p.Id.CompareTo(last) < 0);
        }
        var rows = await query.OrderByDescending(p => p.Id).Take(page.Limit + 1)
            .Select(p => new ParcelRow(p.Id, p.OrderId, p.OrderNo, p.WarehouseId, p.CarrierCode, p.TrackingNo, p.Mode, p.WeightGrams, p.ShippedAt, p.ShippedBy, p.WriteBack,
                p.WriteBackProblem))
            .ToListAsync(ct);
        return Page.From(rows, page.Limit, r => r.Id.ToString());
    }

    /// <summary>Virtually shipped parcels not yet completed, oldest first (the platform's clock is running on them), of a warehouse or all.</summary>
    public async Task<Page<VirtualRow>> VirtualOpenAsync(Guid? warehouseId, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<Parcel>().AsNoTracking().Where(p => p.Mode == ShipMode.Virtual && p.CompletedAt == null);
        if (warehouseId is { } w) query = query.Where(p => p.WarehouseId == w);
        if (page.AfterKey() is { } after)
        {
            if (!Guid.TryParse(after, out var last)) throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            query = query.Where(p => p.Id.CompareTo(last) > 0);
        }
        // Ids are time-ordered (v7), so the oldest first is the id order.
        var rows = await query.OrderBy(p => p.Id).Take(page.Limit + 1)
            .Select(p => new { p.Id, Row = new VirtualRow(p.OrderId, p.OrderNo, p.WarehouseId, p.CarrierCode, p.TrackingNo, p.ShippedAt, p.ShippedBy, p.WriteBack) })
            .ToListAsync(ct);
        var page1 = Page.From(rows, page.Limit, r => r.Id.ToString());
        return new Page<VirtualRow>(page1.Items.Select(r => r.Row).ToList(), page1.Next);
    }

    public async Task<IReadOnlyList<WarehouseOption>> WarehousesAsync(CancellationToken ct) =>
        await Inventory.Contracts.WarehouseQueries.Summaries(db).Where(w => w.Active).OrderBy(w => w.Code).Select(w => new WarehouseOption(w.Id, w.Code, w.Name)).ToListAsync(ct);

    public async Task<Page<WaitingRow>> WaitingAsync(Guid? warehouseId, PageRequest page, CancellationToken ct)
    {
        var query = orders.Waiting(warehouseId);
        if (page.AfterKey() is { } after) query = query.Where(o => o.OrderNo.CompareTo(after) > 0);
        var rows = await query.OrderBy(o => o.OrderNo).Take(page.Limit + 1)
            .Select(o => new WaitingRow(o.Id, o.OrderNo, o.WarehouseId, o.CarrierCode, o.ReceiverName, o.Province, o.City, o.Quantity, o.PaidAt)).ToListAsync(ct);
        return Page.From(rows, page.Limit, r => r.OrderNo);
    }
}
