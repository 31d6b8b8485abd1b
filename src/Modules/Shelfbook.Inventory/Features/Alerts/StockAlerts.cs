using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Features.Alerts;

public sealed record LowStockRow(Guid SkuId, string Code, string Name, string? Spec, int SafetyStock, long Available, long Shortfall);

public sealed record StagnantRow(Guid SkuId, string Code, string Name, string? Spec, Guid WarehouseId, string WarehouseCode, string Condition, long OnHand, DateTime? LastOutboundAt, int IdleDays);

public sealed record InventorySettingsInput(int? StagnantDays);

/// <summary>
/// 库存预警: SKUs whose available stock is below their safety stock (over all warehouses, or in one), and stock that has
/// not gone out for the tenant's number of days (呆滞库存). Both are queries over the balances, so they are always current.
/// </summary>
public sealed class StockAlerts(TenantDbContext db, ISkuDirectory skus)
{
    public async Task<Page<LowStockRow>> LowAsync(Guid? warehouseId, PageRequest page, CancellationToken ct)
    {
        var query = LowQuery(db, skus.Skus, warehouseId);
        if (page.AfterKey() is { } after) query = query.Where(r => r.Key.CompareTo(after) > 0);
        var rows = await query.OrderBy(r => r.Key).Take(page.Limit + 1).ToListAsync(ct);
        return Page.From(rows.Select(r => new LowStockRow(r.Id, r.Code, r.Name, r.Spec, r.SafetyStock, r.Available, r.SafetyStock - r.Available)).ToList(),
            page.Limit, r => r.Code.Trim().ToUpperInvariant());
    }

    public async Task<Page<StagnantRow>> StagnantAsync(Guid? warehouseId, PageRequest page, CancellationToken ct)
    {
        var days = await StagnantDaysAsync(ct);
        var now = db.Time.StoredUtcNow();
        var query = StagnantQuery(db, skus.Skus, warehouseId, now.AddDays(-days));
        if (page.AfterKey() is { } after && after.Split('|') is [var code, var warehouse] && Guid.TryParse(warehouse, out var w))
            query = query.Where(r => r.Key.CompareTo(code) > 0 || (r.Key == code && r.WarehouseId.CompareTo(w) > 0));
        var rows = await query.OrderBy(r => r.Key).ThenBy(r => r.WarehouseId).Take(page.Limit + 1).ToListAsync(ct);
        var ids = rows.Select(r => r.WarehouseId).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Code, ct);
        return Page.From(rows.Select(r => new StagnantRow(r.SkuId, r.Code, r.Name, r.Spec, r.WarehouseId, codes.GetValueOrDefault(r.WarehouseId, "?"), r.Condition.ToString(),
                r.OnHand, r.LastOutboundAt, (int)(now - (r.LastOutboundAt ?? r.Since ?? now)).TotalDays)).ToList(),
            page.Limit, r => r.Code.Trim().ToUpperInvariant() + "|" + r.WarehouseId);
    }

    public async Task<int> StagnantDaysAsync(CancellationToken ct) =>
        await db.Set<InventorySettings>().AsNoTracking().Select(s => (int?)s.StagnantDays).FirstOrDefaultAsync(ct) ?? 90;

    public async Task<int> SetStagnantDaysAsync(InventorySettingsInput input, CancellationToken ct)
    {
        if (input.StagnantDays is not { } days || days < 1 || days > InventorySettings.MaxStagnantDays)
            throw new InputRejectedException("stagnantDays", "out_of_range", $"stagnantDays is between 1 and {InventorySettings.MaxStagnantDays}.", 1, InventorySettings.MaxStagnantDays);
        var settings = await db.Set<InventorySettings>().SingleOrDefaultAsync(ct);
        if (settings is null) db.Set<InventorySettings>().Add(settings = new InventorySettings());
        settings.StagnantDays = days;
        await db.SaveChangesAsync(ct);
        return days;
    }

    /// <summary>The dashboard's counts (it has the database only).</summary>
    public static Task<long> CountLowAsync(TenantDbContext db, CancellationToken ct) => LowQuery(db, SkuQueries.Summaries(db), null).LongCountAsync(ct);

    public static async Task<long> CountStagnantAsync(TenantDbContext db, CancellationToken ct)
    {
        var days = await db.Set<InventorySettings>().AsNoTracking().Select(s => (int?)s.StagnantDays).FirstOrDefaultAsync(ct) ?? 90;
        return await StagnantQuery(db, SkuQueries.Summaries(db), null, db.Time.StoredUtcNow().AddDays(-days)).LongCountAsync(ct);
    }

    private sealed class LowRow
    {
        public Guid Id { get; init; }
        public string Key { get; init; } = "";
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Spec { get; init; }
        public int SafetyStock { get; init; }
        public long Available { get; init; }
    }

    private static IQueryable<LowRow> LowQuery(TenantDbContext db, IQueryable<SkuSummary> summaries, Guid? warehouseId)
    {
        var balances = db.Set<StockBalance>().Where(b => b.Condition == StockCondition.Sellable);
        if (warehouseId is { } w) balances = balances.Where(b => b.WarehouseId == w);
        return from s in summaries
            where !s.IsCombo && s.Active && s.SafetyStock > 0
            let available = balances.Where(b => b.SkuId == s.Id).Sum(b => (long?)(b.OnHand - b.Reserved)) ?? 0
            where available < s.SafetyStock
            select new LowRow { Id = s.Id, Key = s.NormalizedCode, Code = s.Code, Name = s.ProductName, Spec = s.Spec, SafetyStock = s.SafetyStock, Available = available };
    }

    private sealed class StagnantQueryRow
    {
        public Guid SkuId { get; init; }
        public string Key { get; init; } = "";
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Spec { get; init; }
        public Guid WarehouseId { get; init; }
        public StockCondition Condition { get; init; }
        public long OnHand { get; init; }
        public DateTime? LastOutboundAt { get; init; }
        public DateTime? Since { get; init; }
    }

    /// <summary>On hand, and nothing out since the cut-off; stock that never went out counts from its first movement.</summary>
    private static IQueryable<StagnantQueryRow> StagnantQuery(TenantDbContext db, IQueryable<SkuSummary> summaries, Guid? warehouseId, DateTime cutoff)
    {
        var balances = db.Set<StockBalance>().Where(b => b.OnHand > 0 && b.Condition != StockCondition.InTransit);
        if (warehouseId is { } w) balances = balances.Where(b => b.WarehouseId == w);
        return from b in balances
            join s in summaries on b.SkuId equals s.Id
            let since = b.FirstMovementAt ?? b.LastMovementAt
            where b.LastOutboundAt != null ? b.LastOutboundAt < cutoff : since < cutoff
            select new StagnantQueryRow
            {
                SkuId = s.Id, Key = s.NormalizedCode, Code = s.Code, Name = s.ProductName, Spec = s.Spec, WarehouseId = b.WarehouseId,
                Condition = b.Condition, OnHand = b.OnHand, LastOutboundAt = b.LastOutboundAt, Since = since,
            };
    }
}
