using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Kernel;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Inventory.Features.StockViews;

/// <summary>Stock of one SKU in one warehouse. Available = sellable on hand − reserved.</summary>
public sealed record WarehouseStock(Guid WarehouseId, string WarehouseCode, long OnHand, long Reserved, long Available, long NonSellable, long InTransit);

/// <summary>
/// A SKU's stock over the warehouses in view. For a combo (<see cref="IsCombo"/>) the figures are what its parts make:
/// per warehouse the fewest complete sets the parts' available stock allows (a combo ships from one warehouse).
/// </summary>
public sealed record SkuStock(
    Guid SkuId, string Code, string Name, string? Spec, bool IsCombo, int SafetyStock, long OnHand, long Reserved, long Available,
    long NonSellable, long InTransit, long AverageCost, IReadOnlyList<WarehouseStock> Warehouses);

public sealed record StockFilter(string? Search = null, Guid? WarehouseId = null, Guid? CategoryId = null, bool InStockOnly = false, bool IncludeCombos = true);

public sealed record LedgerRow(
    long Id, DateTime At, Guid WarehouseId, string WarehouseCode, string Condition, string Type, int Quantity, long OnHandAfter, long UnitCost,
    string? Reason, string? SourceType, string? SourceId, string? SourceNo, string OperatorName);

/// <summary>The stock pages' reads: by SKU over warehouses, per warehouse, the ledger, and stock as of a past time.</summary>
public sealed class StockQueries(TenantDbContext db, ISkuDirectory skus)
{
    public async Task<Page<SkuStock>> ListAsync(StockFilter filter, PageRequest page, DateTime? asOf, CancellationToken ct, Guid? only = null)
    {
        var query = skus.Skus;
        if (only is { } one) query = query.Where(s => s.Id == one);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // Codes are typed in Latin letters and digits and searched by prefix (indexed); a term with Chinese in it is a name.
            var term = filter.Search.Trim();
            if (term.Any(c => c > 127)) query = query.Where(s => s.ProductName.Contains(term));
            else
            {
                var upper = term.ToUpperInvariant();
                query = query.Where(s => s.NormalizedCode.StartsWith(upper));
            }
        }
        if (filter.CategoryId is { } category)
        {
            var categories = await skus.CategoriesWithDescendantsAsync([category], ct);
            query = query.Where(s => s.CategoryId != null && categories.Contains(s.CategoryId.Value));
        }
        if (!filter.IncludeCombos || filter.InStockOnly || asOf is not null) query = query.Where(s => !s.IsCombo);
        if (filter.InStockOnly)
        {
            var balances = db.Set<StockBalance>().Where(b => b.OnHand != 0);
            if (filter.WarehouseId is { } w) balances = balances.Where(b => b.WarehouseId == w);
            query = query.Where(s => balances.Any(b => b.SkuId == s.Id));
        }
        if (page.AfterKey() is { } after) query = query.Where(s => s.NormalizedCode.CompareTo(after) > 0);
        var rows = await query.OrderBy(s => s.NormalizedCode).Take(page.Limit + 1).ToListAsync(ct);
        var stock = await StockOfAsync(rows, filter.WarehouseId, asOf, ct);
        return Page.From(stock, page.Limit, s => s.Code.Trim().ToUpperInvariant());
    }

    /// <summary>The figures for the given SKUs (combos from their parts), in the given order.</summary>
    public async Task<List<SkuStock>> StockOfAsync(IReadOnlyList<SkuSummary> rows, Guid? warehouseId, DateTime? asOf, CancellationToken ct)
    {
        var comboIds = rows.Where(r => r.IsCombo).Select(r => r.Id).ToList();
        var parts = comboIds.Count == 0 ? [] : await skus.ComboParts.Where(p => comboIds.Contains(p.ComboSkuId)).ToListAsync(ct);
        var ids = rows.Where(r => !r.IsCombo).Select(r => r.Id).Concat(parts.Select(p => p.ComponentSkuId)).Distinct().ToList();
        var balanceQuery = db.Set<StockBalance>().AsNoTracking().Where(b => ids.Contains(b.SkuId));
        if (warehouseId is { } only) balanceQuery = balanceQuery.Where(b => b.WarehouseId == only);
        var balances = await balanceQuery.ToListAsync(ct);
        if (asOf is { } at)
        {
            // Stock as of a time: today's balance less every movement after it. Reservations are not history; they are zero then.
            var laterQuery = db.Set<StockMovement>().AsNoTracking().Where(m => ids.Contains(m.SkuId) && m.At > at);
            if (warehouseId is { } w) laterQuery = laterQuery.Where(m => m.WarehouseId == w);
            var later = await laterQuery.GroupBy(m => new { m.WarehouseId, m.SkuId, m.Condition })
                .Select(g => new { g.Key.WarehouseId, g.Key.SkuId, g.Key.Condition, Quantity = g.Sum(m => (long)m.Quantity) }).ToListAsync(ct);
            var byKey = balances.ToDictionary(b => (b.WarehouseId, b.SkuId, b.Condition));
            foreach (var l in later)
            {
                if (!byKey.TryGetValue((l.WarehouseId, l.SkuId, l.Condition), out var b))
                    balances.Add(byKey[(l.WarehouseId, l.SkuId, l.Condition)] = b = new StockBalance { WarehouseId = l.WarehouseId, SkuId = l.SkuId, Condition = l.Condition });
                b.OnHand -= l.Quantity;
            }
            foreach (var b in balances) b.Reserved = 0;
        }
        var warehouseIds = balances.Select(b => b.WarehouseId).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var costs = await db.Set<SkuCost>().AsNoTracking().Where(c => ids.Contains(c.SkuId)).ToDictionaryAsync(c => c.SkuId, c => c.AverageCost, ct);
        var perSku = balances.ToLookup(b => b.SkuId);

        List<WarehouseStock> Plain(Guid sku) => perSku[sku].GroupBy(b => b.WarehouseId).Select(g =>
        {
            var sellable = g.FirstOrDefault(b => b.Condition == StockCondition.Sellable);
            return new WarehouseStock(g.Key, codes.GetValueOrDefault(g.Key, "?"), sellable?.OnHand ?? 0, sellable?.Reserved ?? 0,
                (sellable?.OnHand ?? 0) - (sellable?.Reserved ?? 0), g.Where(b => b.Condition == StockCondition.NonSellable).Sum(b => b.OnHand),
                g.Where(b => b.Condition == StockCondition.InTransit).Sum(b => b.OnHand));
        }).OrderBy(w => w.WarehouseCode, StringComparer.Ordinal).ToList();

        var partsOf = parts.ToLookup(p => p.ComboSkuId);
        var result = new List<SkuStock>(rows.Count);
        foreach (var row in rows)
        {
            List<WarehouseStock> warehouses;
            if (row.IsCombo)
            {
                var components = partsOf[row.Id].ToList();
                var perPart = components.Select(c => (Part: c, Stock: Plain(c.ComponentSkuId).ToDictionary(w => w.WarehouseId))).ToList();
                warehouses = components.Count == 0 ? [] : perPart.SelectMany(p => p.Stock.Keys).Distinct().Select(w =>
                {
                    long Sets(Func<WarehouseStock, long> figure) => perPart.Min(p => p.Stock.TryGetValue(w, out var s) ? Math.Max(0, figure(s)) / p.Part.Quantity : 0);
                    return new WarehouseStock(w, codes.GetValueOrDefault(w, "?"), Sets(s => s.OnHand), 0, Sets(s => s.Available), 0, 0);
                }).Where(w => w.OnHand > 0 || w.Available > 0).OrderBy(w => w.WarehouseCode, StringComparer.Ordinal).ToList();
            }
            else warehouses = Plain(row.Id);
            result.Add(new SkuStock(row.Id, row.Code, row.ProductName, row.Spec, row.IsCombo, row.SafetyStock,
                warehouses.Sum(w => w.OnHand), warehouses.Sum(w => w.Reserved), warehouses.Sum(w => w.Available), warehouses.Sum(w => w.NonSellable),
                warehouses.Sum(w => w.InTransit), row.IsCombo ? 0 : costs.GetValueOrDefault(row.Id, row.CostPrice), warehouses));
        }
        return result;
    }

    /// <summary>One SKU's movements, newest first, each with the balance it left (the running balance of its warehouse and condition).</summary>
    public async Task<Page<LedgerRow>> LedgerAsync(Guid skuId, Guid? warehouseId, DateTime? from, DateTime? to, PageRequest page, CancellationToken ct)
    {
        if (!await skus.Skus.AnyAsync(s => s.Id == skuId, ct)) throw new NotFoundException("sku", skuId);
        var query = db.Set<StockMovement>().AsNoTracking().Where(m => m.SkuId == skuId);
        if (warehouseId is { } w) query = query.Where(m => m.WarehouseId == w);
        if (from is { } f) query = query.Where(m => m.At >= f);
        if (to is { } t) query = query.Where(m => m.At < t);
        if (page.AfterKey() is { } after && long.TryParse(after, out var afterId)) query = query.Where(m => m.Id < afterId);
        var rows = await query.OrderByDescending(m => m.Id).Take(page.Limit + 1).ToListAsync(ct);
        var ids = rows.Select(r => r.WarehouseId).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(x => ids.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Code, ct);
        return Page.From(rows.Select(m => new LedgerRow(m.Id, m.At, m.WarehouseId, codes.GetValueOrDefault(m.WarehouseId, "?"), m.Condition.ToString(), m.Type.ToString(),
            m.Quantity, m.OnHandAfter, m.UnitCost, m.Reason, m.SourceType, m.SourceId, m.SourceNo, m.OperatorName)).ToList(), page.Limit, r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static readonly IReadOnlyList<SheetColumn> ExportColumns =
    [
        new("code", "商家编码", "SKU code"), new("name", "货品名称", "Name"), new("spec", "规格", "Spec"), new("warehouse", "仓库", "Warehouse"),
        new("onHand", "实际库存", "On hand"), new("reserved", "占用", "Reserved"), new("available", "可用", "Available"),
        new("nonSellable", "次品", "Non-sellable"), new("inTransit", "在途", "In transit"), new("averageCost", "平均成本", "Average cost"),
        new("value", "库存金额", "Stock value"),
    ];

    /// <summary>Every plain SKU with stock, one row per warehouse, as xlsx (or as of a past time).</summary>
    public async Task<Stream> ExportAsync(StockFilter filter, DateTime? asOf, CancellationToken ct)
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        string? after = null;
        do
        {
            var page = await ListAsync(filter with { InStockOnly = true, IncludeCombos = false }, new PageRequest(after, PageRequest.MaxLimit), asOf, ct);
            foreach (var sku in page.Items)
                foreach (var w in sku.Warehouses)
                    rows.Add(new Dictionary<string, object?>
                    {
                        ["code"] = sku.Code, ["name"] = sku.Name, ["spec"] = sku.Spec, ["warehouse"] = w.WarehouseCode, ["onHand"] = w.OnHand,
                        ["reserved"] = w.Reserved, ["available"] = w.Available, ["nonSellable"] = w.NonSellable, ["inTransit"] = w.InTransit,
                        ["averageCost"] = MinorUnits.ToMajor(sku.AverageCost), ["value"] = MinorUnits.ToMajor(sku.AverageCost * (w.OnHand + w.NonSellable + w.InTransit)),
                    });
            after = page.Next;
        }
        while (after is not null);
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        Workbooks.Write(file, ExportColumns, rows);
        file.Position = 0;
        return file;
    }
}
