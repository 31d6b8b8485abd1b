using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Settings;

/// <summary>A warehouse with the mode its orders ship by (none: any).</summary>
public sealed record WarehouseModeView(Guid WarehouseId, string Code, string Name, bool ShipsOrdersItself, ShipMode? Mode);

public sealed record WarehouseModeInput(string? Mode);

/// <summary>Orders (by id, or by order number as typed on the page) and the mode they must ship by; none clears their own and their warehouse's applies again.</summary>
public sealed record OrderModeInput(IReadOnlyList<Guid>? OrderIds, string? Mode, IReadOnlyList<string>? OrderNos = null);

/// <summary>An order's own 发货方式, who set it and when.</summary>
public sealed record OrderModeView(Guid OrderId, string OrderNo, ShipMode Mode, DateTime SetAt, string? SetBy);

public sealed record OrderModeRun(int Set, IReadOnlyList<string> NotFound);

/// <summary>
/// 发货方式 per warehouse, overridable per order. A mode set is the only one its orders ship by (shipping in another is
/// refused per row, <c>parcel.mode</c>); with none set any mode serves. 即买即售 is not offered: it is the fixed mode of a
/// supplier's dropship warehouse (and only there), whose orders ship by it unless an order says otherwise.
/// </summary>
public sealed class ShipModes(TenantDbContext db, IShipOrders orders, CurrentUser user)
{
    public const int MaxOrders = 10_000;
    public static readonly ShipMode[] Offered = [ShipMode.WeighShip, ShipMode.Simple, ShipMode.OneClick, ShipMode.Virtual];

    public async Task<IReadOnlyList<WarehouseModeView>> WarehousesAsync(CancellationToken ct)
    {
        var modes = await db.Set<WarehouseShipMode>().AsNoTracking().ToDictionaryAsync(m => m.WarehouseId, m => m.Mode, ct);
        return (await WarehouseQueries.Summaries(db).OrderBy(w => w.Code).ToListAsync(ct))
            .Select(w => new WarehouseModeView(w.Id, w.Code, w.Name, w.ShipsOrdersItself,
                w.Type == Inventory.Domain.WarehouseType.SupplierDropship ? ShipMode.Dropship : modes.TryGetValue(w.Id, out var m) ? m : null)).ToList();
    }

    public async Task<WarehouseModeView> SetWarehouseAsync(Guid warehouseId, WarehouseModeInput input, CancellationToken ct)
    {
        var warehouse = await WarehouseQueries.Summaries(db).SingleOrDefaultAsync(w => w.Id == warehouseId, ct) ?? throw new NotFoundException("warehouse", warehouseId);
        var mode = Checked(input.Mode);
        if (warehouse.Type == Inventory.Domain.WarehouseType.SupplierDropship)
            throw new InputRejectedException("mode", "dropship_fixed", $"{warehouse.Code} is a supplier's dropship warehouse: its orders ship by 即买即售.", warehouse.Code);
        var held = await db.Set<WarehouseShipMode>().SingleOrDefaultAsync(m => m.WarehouseId == warehouseId, ct);
        if (mode is null && held is not null) db.Remove(held);
        else if (mode is { } m)
        {
            if (held is null) db.Add(held = new WarehouseShipMode { WarehouseId = warehouseId });
            (held.Mode, held.UpdatedAt) = (m, db.Time.StoredUtcNow());
        }
        await db.SaveChangesAsync(ct);
        return (await WarehousesAsync(ct)).Single(w => w.WarehouseId == warehouseId);
    }

    public async Task<OrderModeRun> SetOrdersAsync(OrderModeInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var ids = input.OrderIds?.Distinct().ToList() ?? [];
        var numbers = (input.OrderNos ?? []).Select(n => n?.Trim() ?? "").Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0 && numbers.Count == 0) check.Add("orderIds", "required", "Choose the orders.");
        if (ids.Count + numbers.Count > MaxOrders) check.Add("orderIds", "too_many", $"At most {MaxOrders} orders at a time.", MaxOrders);
        ShipMode? mode = null;
        try
        {
            mode = Checked(input.Mode);
        }
        catch (InputRejectedException e)
        {
            foreach (var error in e.Errors) check.Add(error.Field, error.Code, error.Message, [.. error.Arguments]);
        }
        check.ThrowIfAny();
        var known = new Dictionary<Guid, string>();
        foreach (var chunk in ids.Chunk(5_000))
            foreach (var o in await orders.Labels.Where(o => EF.Parameter(chunk).Contains(o.Id)).Select(o => new { o.Id, o.OrderNo }).ToListAsync(ct))
                known[o.Id] = o.OrderNo;
        foreach (var chunk in numbers.Chunk(5_000))
            foreach (var o in await orders.Labels.Where(o => EF.Parameter(chunk).Contains(o.OrderNo)).Select(o => new { o.Id, o.OrderNo }).ToListAsync(ct))
                known[o.Id] = o.OrderNo;
        ids = [.. ids.Union(known.Keys)];
        var held = new Dictionary<Guid, OrderShipMode>();
        foreach (var chunk in ids.Chunk(5_000))
            foreach (var m in await db.Set<OrderShipMode>().Where(m => EF.Parameter(chunk).Contains(m.OrderId)).ToListAsync(ct))
                held[m.OrderId] = m;
        var now = db.Time.StoredUtcNow();
        foreach (var (id, no) in known)
        {
            var row = held.GetValueOrDefault(id);
            if (mode is null)
            {
                if (row is not null) db.Remove(row);
                continue;
            }
            if (row is null) db.Add(row = new OrderShipMode { OrderId = id, OrderNo = no });
            (row.Mode, row.SetAt, row.SetBy) = (mode.Value, now, user.UserName);
        }
        await db.SaveChangesAsync(ct);
        var knownNos = known.Values.ToHashSet(StringComparer.Ordinal);
        return new OrderModeRun(known.Count,
            [.. ids.Where(id => !known.ContainsKey(id)).Select(id => id.ToString()), .. numbers.Where(n => !knownNos.Contains(n))]);
    }

    /// <summary>The orders that have a mode of their own, newest first (a person set each; at most 1,000 listed).</summary>
    public async Task<IReadOnlyList<OrderModeView>> OrdersAsync(CancellationToken ct) =>
        await db.Set<OrderShipMode>().AsNoTracking().OrderByDescending(m => m.SetAt).ThenBy(m => m.OrderNo).Take(1_000)
            .Select(m => new OrderModeView(m.OrderId, m.OrderNo, m.Mode, m.SetAt, m.SetBy)).ToListAsync(ct);

    private static ShipMode? Checked(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var check = new InputCheck();
        var mode = check.OneOf<ShipMode>("mode", text);
        if (mode is { } m && !Offered.Contains(m)) check.Add("mode", "not_offered", $"{m} is not offered yet.", m.ToString());
        check.ThrowIfAny();
        return mode;
    }

    /// <summary>The mode each order must ship by (its own, else its warehouse's), for those that have one.</summary>
    internal static async Task<Dictionary<Guid, ShipMode>> RequiredAsync(TenantDbContext db, IReadOnlyList<(Guid OrderId, Guid? WarehouseId)> wanted, CancellationToken ct)
    {
        var byWarehouse = await db.Set<WarehouseShipMode>().AsNoTracking().ToDictionaryAsync(m => m.WarehouseId, m => m.Mode, ct);
        // A supplier's dropship warehouse ships by 即买即售 only: the supplier ships, its number comes back.
        foreach (var id in await WarehouseQueries.Summaries(db).Where(w => w.Type == Inventory.Domain.WarehouseType.SupplierDropship).Select(w => w.Id).ToListAsync(ct))
            byWarehouse[id] = ShipMode.Dropship;
        var required = new Dictionary<Guid, ShipMode>();
        foreach (var (order, warehouse) in wanted)
            if (warehouse is { } w && byWarehouse.TryGetValue(w, out var mode)) required[order] = mode;
        // Overrides are few (a person set them): one query per chunk only when any exist.
        if (await db.Set<OrderShipMode>().AnyAsync(ct))
            foreach (var chunk in wanted.Select(w => w.OrderId).Chunk(10_000))
                foreach (var m in await db.Set<OrderShipMode>().AsNoTracking().Where(m => EF.Parameter(chunk).Contains(m.OrderId)).ToListAsync(ct))
                    required[m.OrderId] = m.Mode;
        return required;
    }
}
