using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Waves;

/// <summary>A wave to build: the warehouse, the strategy, how many orders at most, and the carrier or shop it is for.</summary>
public sealed record WaveRequest(Guid? WarehouseId, string? Strategy, int? MaxOrders = null, string? CarrierCode = null, Guid? ShopId = null, DateOnly? ShipBy = null);

public sealed record WaveView(Guid Id, string WaveNo, Guid WarehouseId, WaveStrategy Strategy, string? Criterion, WaveStatus Status, int OrderCount, int Units,
    DateTime CreatedAt, string? CreatedBy);

/// <summary>A line of the pick list: a SKU, its bin, how many units over how many orders, and the combos they are parts of.</summary>
public sealed record PickLine(string? BinCode, Guid SkuId, string SkuCode, string? Name, string? Spec, int Quantity, int Orders, IReadOnlyList<string> Combos);

/// <summary>An order of a wave as the warehouse sees it: its slot, where it stands, and whether it was stopped (拦截) or taken out.</summary>
public sealed record WaveOrderRow(Guid OrderId, string OrderNo, int Slot, string Status, bool Intercepted, bool Shipped, DateTime? RemovedAt, string? RemovedReason,
    string? TrackingNo);

public sealed record WaveDetail(WaveView Wave, IReadOnlyList<WaveOrderRow> Orders, IReadOnlyList<PickLine> PickList);

public sealed record RemoveFromWave(IReadOnlyList<Guid>? OrderIds, string? Reason);

public sealed record WaveOption(Guid Id, string Code, string Name);

/// <summary>What the wave page offers to choose: the warehouses that ship orders themselves, and the shops.</summary>
public sealed record WaveOptions(IReadOnlyList<WaveOption> Warehouses, IReadOnlyList<WaveOption> Shops);

/// <summary>
/// 波次与拣货单: a wave takes the audited orders of one warehouse that its strategy chooses (oldest payment first, at most
/// <see cref="Wave.MaxOrders"/>), moves them into fulfillment in the same transaction (an order changed meanwhile refuses
/// the build), and gives each a sorting slot when they are picked together and sorted after. Its pick list adds up the
/// units per SKU — a combo's parts as the parts, the combo named — sorted by bin so the picker walks the shelves once.
/// </summary>
public sealed class Waves(TenantDbContext db, IShipOrders orders, ISkuDirectory skus, CurrentUser user)
{
    public const int DefaultMax = 200;

    public async Task<WaveView> BuildAsync(WaveRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var strategy = check.OneOf<WaveStrategy>("strategy", request.Strategy);
        if (request.Strategy is null) check.Add("strategy", "required", "Choose how the wave picks its orders.");
        var max = request.MaxOrders ?? DefaultMax;
        if (max is < 1 or > Wave.MaxOrders) check.Add("maxOrders", "out_of_range", $"maxOrders must be 1–{Wave.MaxOrders}.", 1, Wave.MaxOrders);
        WarehouseSummary? warehouse = null;
        if (request.WarehouseId is not { } warehouseId) check.Add("warehouseId", "required", "Choose the warehouse.");
        else if ((warehouse = await WarehouseQueries.Summaries(db).SingleOrDefaultAsync(w => w.Id == warehouseId, ct)) is null)
            check.Add("warehouseId", "unknown_warehouse", $"No warehouse {warehouseId}.", warehouseId);
        else if (!warehouse.ShipsOrdersItself) check.Add("warehouseId", "not_own", $"{warehouse.Code} does not ship orders itself: its orders go out by quick outbound.", warehouse.Code);
        var carrier = request.CarrierCode?.Trim().ToUpperInvariant();
        if (strategy == WaveStrategy.ByCarrier && string.IsNullOrEmpty(carrier)) check.Add("carrierCode", "required", "Name the carrier the wave is for.");
        if (strategy == WaveStrategy.ByShop && request.ShopId is null) check.Add("shopId", "required", "Choose the shop the wave is for.");
        check.ThrowIfAny();

        var waiting = orders.Waiting(warehouse!.Id);
        var items = orders.Items;
        var waitingIds = waiting.Select(o => o.Id);
        string? criterion = null;
        switch (strategy)
        {
            case WaveStrategy.SingleItem:
                waiting = waiting.Where(o => items.Where(i => i.OrderId == o.Id).Sum(i => i.Quantity) == 1);
                break;
            case WaveStrategy.MultiItem:
                waiting = waiting.Where(o => items.Where(i => i.OrderId == o.Id).Sum(i => i.Quantity) > 1);
                break;
            case WaveStrategy.ByCarrier:
                waiting = waiting.Where(o => o.CarrierCode == carrier);
                criterion = carrier;
                break;
            case WaveStrategy.ByShop:
                waiting = waiting.Where(o => o.ShopId == request.ShopId);
                criterion = await ShopQueries.Summaries(db).Where(s => s.Id == request.ShopId).Select(s => s.Code).SingleOrDefaultAsync(ct) ?? request.ShopId.ToString();
                break;
            case WaveStrategy.ByPresale:
            {
                // A presale batch is a ship-by day on the tenant's calendar: the one asked, or the earliest waiting.
                var presale = waiting.Where(o => o.Presale && o.ShipBy != null);
                var batch = request.ShipBy;
                if (batch is null && await presale.MinAsync(o => o.ShipBy, ct) is { } first)
                    batch = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(first, DateTimeKind.Utc), user.TimeZone));
                if (batch is { } d)
                {
                    var from = TimeZoneInfo.ConvertTimeToUtc(d.ToDateTime(TimeOnly.MinValue), user.TimeZone);
                    var to = TimeZoneInfo.ConvertTimeToUtc(d.AddDays(1).ToDateTime(TimeOnly.MinValue), user.TimeZone);
                    waiting = presale.Where(o => o.ShipBy >= from && o.ShipBy < to);
                    criterion = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                }
                else waiting = presale;
                break;
            }
            case WaveStrategy.SameSku:
            {
                // The SKU the most single-SKU orders wait for, then those orders.
                var pairs = await items.Where(i => waitingIds.Contains(i.OrderId)).Select(i => new { i.OrderId, i.SkuId, i.SkuCode }).ToListAsync(ct);
                var single = pairs.GroupBy(p => p.OrderId).Where(g => g.Select(p => p.SkuId).Distinct().Count() == 1).Select(g => g.First()).ToList();
                var top = single.GroupBy(p => (p.SkuId, p.SkuCode)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key.SkuCode, StringComparer.Ordinal).FirstOrDefault();
                var chosen = top?.Select(p => p.OrderId).ToList() ?? [];
                waiting = waiting.Where(o => EF.Parameter(chosen).Contains(o.Id));
                criterion = top?.Key.SkuCode;
                break;
            }
        }
        var picked = await waiting.OrderBy(o => o.PaidAt == null).ThenBy(o => o.PaidAt).ThenBy(o => o.OrderNo).Take(max).Select(o => new { o.Id, o.OrderNo }).ToListAsync(ct);
        if (picked.Count == 0) throw new InputRejectedException("strategy", "none_waiting", $"No audited order of {warehouse.Code} waits for a {strategy} wave.", warehouse.Code, strategy!.Value.ToString());

        var ids = picked.Select(p => p.Id).ToList();
        var units = new Dictionary<Guid, int>();
        foreach (var chunk in ids.Chunk(10_000))
            foreach (var u in await items.Where(i => EF.Parameter(chunk).Contains(i.OrderId)).GroupBy(i => i.OrderId).Select(g => new { g.Key, Units = g.Sum(i => i.Quantity) }).ToListAsync(ct))
                units[u.Key] = u.Units;
        // Sorted after picking (分拣) when any order has more than one unit: each order a slot, in the order picked.
        var sorted = strategy == WaveStrategy.MultiItem || units.Values.Any(u => u > 1);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = db.Time.StoredUtcNow();
        var day = TimeZoneInfo.ConvertTimeFromUtc(now, user.TimeZone).ToString("yyMMdd", CultureInfo.InvariantCulture);
        var today = await db.Set<Wave>().CountAsync(w => w.WaveNo.StartsWith("W" + day), ct);
        var wave = new Wave
        {
            WaveNo = $"W{day}{today + 1:D4}", WarehouseId = warehouse.Id, Strategy = strategy!.Value, Criterion = criterion, Status = WaveStatus.Picking,
            OrderCount = picked.Count, Units = units.Values.Sum(), CreatedAt = now, CreatedBy = user.UserName,
        };
        db.Add(wave);
        await db.SaveChangesAsync(ct);
        // An order back in a wave after it left another (intercepted, released, audited again) is no longer the old wave's.
        foreach (var chunk in ids.Chunk(10_000))
            await db.Set<WaveOrder>().Where(o => o.RemovedAt == null && EF.Parameter(chunk).Contains(o.OrderId))
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.RemovedAt, now).SetProperty(o => o.RemovedReason, "→ " + wave.WaveNo), ct);
        await db.BulkInsertAsync(picked.Select((p, n) => new WaveOrder { WaveId = wave.Id, OrderId = p.Id, OrderNo = p.OrderNo, Slot = sorted ? n + 1 : 0 }), ct);
        await orders.StartFulfillmentAsync(ids, wave.WaveNo, ct);
        await tx.CommitAsync(ct);
        return View(wave);
    }

    public async Task<WaveOptions> OptionsAsync(CancellationToken ct) => new(
        await WarehouseQueries.Summaries(db).Where(w => w.Active && w.ShipsOrdersItself).OrderBy(w => w.Code).Select(w => new WaveOption(w.Id, w.Code, w.Name)).ToListAsync(ct),
        await ShopQueries.Summaries(db).OrderBy(s => s.Code).Select(s => new WaveOption(s.Id, s.Code, s.Name)).ToListAsync(ct));

    public async Task<Page<WaveView>> ListAsync(Guid? warehouseId, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<Wave>().AsNoTracking();
        if (warehouseId is { } w) query = query.Where(x => x.WarehouseId == w);
        if (page.AfterKey() is { } after) query = query.Where(x => x.WaveNo.CompareTo(after) < 0);
        var rows = await query.OrderByDescending(x => x.WaveNo).Take(page.Limit + 1).ToListAsync(ct);
        return Page.From(rows.Select(View).ToList(), page.Limit, v => v.WaveNo);
    }

    /// <summary>The wave, its orders as they stand now (an intercepted one flagged), and its pick list of the orders still in it.</summary>
    public async Task<WaveDetail> GetAsync(Guid id, CancellationToken ct)
    {
        var wave = await db.Set<Wave>().SingleOrDefaultAsync(w => w.Id == id, ct) ?? throw new NotFoundException("wave", id);
        var members = await db.Set<WaveOrder>().AsNoTracking().Where(o => o.WaveId == id).OrderBy(o => o.Slot).ThenBy(o => o.OrderNo).ToListAsync(ct);
        var states = (await orders.FindAsync(members.Select(m => m.OrderId).ToList(), null, ct)).ToDictionary(o => o.OrderId);
        var rows = members.Select(m =>
        {
            var o = states.GetValueOrDefault(m.OrderId);
            return new WaveOrderRow(m.OrderId, m.OrderNo, m.Slot, o?.Status ?? "Gone", o?.Status == "Intercepted", o?.Shipped == true, m.RemovedAt, m.RemovedReason, o?.TrackingNo);
        }).ToList();
        // Done once nothing is left to pick: every order shipped, taken out or stopped.
        if (wave.Status == WaveStatus.Picking && rows.All(r => r.Shipped || r.RemovedAt is not null || r.Status != "InFulfillment"))
        {
            wave.Status = WaveStatus.Done;
            await db.SaveChangesAsync(ct);
        }
        var open = rows.Where(r => r.RemovedAt is null && r.Status == "InFulfillment").Select(r => r.OrderId).ToList();
        return new WaveDetail(View(wave), rows, await PickListAsync(wave.WarehouseId, open, ct));
    }

    private async Task<IReadOnlyList<PickLine>> PickListAsync(Guid warehouseId, List<Guid> orderIds, CancellationToken ct)
    {
        var items = new List<OrderItemRow>();
        foreach (var chunk in orderIds.Chunk(10_000))
            items.AddRange(await orders.Items.Where(i => EF.Parameter(chunk).Contains(i.OrderId)).ToListAsync(ct));
        var skuIds = items.Select(i => i.SkuId).Concat(items.Select(i => i.ComboSkuId).OfType<Guid>()).Distinct().ToList();
        var known = await skus.ByIdsAsync(skuIds, ct);
        var bins = new Dictionary<Guid, string>();
        foreach (var chunk in items.Select(i => i.SkuId).Distinct().Chunk(10_000))
            foreach (var b in await db.Set<SkuBin>().AsNoTracking().Where(b => b.WarehouseId == warehouseId && EF.Parameter(chunk).Contains(b.SkuId)).ToListAsync(ct))
                bins[b.SkuId] = b.BinCode;
        return items.GroupBy(i => i.SkuId).Select(g =>
            {
                var sku = known.GetValueOrDefault(g.Key);
                return new PickLine(bins.GetValueOrDefault(g.Key), g.Key, sku?.Code ?? g.First().SkuCode, sku?.ProductName, sku?.Spec, g.Sum(i => i.Quantity),
                    g.Select(i => i.OrderId).Distinct().Count(),
                    g.Select(i => i.ComboSkuId).OfType<Guid>().Distinct().Select(c => known.GetValueOrDefault(c)?.Code ?? "").Where(c => c.Length > 0).Order(StringComparer.Ordinal).ToList());
            })
            .OrderBy(l => l.BinCode is null).ThenBy(l => l.BinCode, StringComparer.Ordinal).ThenBy(l => l.SkuCode, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Takes orders out of the wave before they ship (held back, a problem at the shelf): those still in fulfillment go
    /// back to 已审核 with their stock; an intercepted one is only marked out. Answers the wave as it is then.
    /// </summary>
    public async Task<WaveDetail> RemoveAsync(Guid id, RemoveFromWave request, CancellationToken ct)
    {
        var wave = await db.Set<Wave>().AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, ct) ?? throw new NotFoundException("wave", id);
        var check = new InputCheck();
        var reason = check.Optional("reason", request.Reason, 200);
        if (request.OrderIds is not { Count: > 0 }) check.Add("orderIds", "required", "Choose the orders to take out.");
        check.ThrowIfAny();
        var wanted = request.OrderIds!.Distinct().ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var members = await db.Set<WaveOrder>().Where(o => o.WaveId == id && o.RemovedAt == null && EF.Parameter(wanted).Contains(o.OrderId)).ToListAsync(ct);
        foreach (var missing in wanted.Except(members.Select(m => m.OrderId)))
            throw new InputRejectedException("orderIds", "not_in_wave", $"Order {missing} is not in wave {wave.WaveNo} (or was taken out already).", missing, wave.WaveNo);
        var states = (await orders.FindAsync(wanted, null, ct)).ToDictionary(o => o.OrderId);
        var shipped = members.Where(m => states.GetValueOrDefault(m.OrderId)?.Shipped == true).Select(m => m.OrderNo).ToList();
        if (shipped.Count > 0) throw new InputRejectedException("orderIds", "shipped", $"Order {shipped[0]} has shipped; it cannot leave the wave.", shipped[0]);
        await orders.LeaveFulfillmentAsync(wanted, reason is null ? $"{wave.WaveNo}" : $"{wave.WaveNo}: {reason}", ct);
        var now = db.Time.StoredUtcNow();
        foreach (var m in members) (m.RemovedAt, m.RemovedReason) = (now, reason);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    private static WaveView View(Wave w) => new(w.Id, w.WaveNo, w.WarehouseId, w.Strategy, w.Criterion, w.Status, w.OrderCount, w.Units, w.CreatedAt, w.CreatedBy);
}
