using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Catalog.Features.SkuDirectory;

/// <summary>The catalog's read side for other modules (<see cref="ISkuDirectory"/>).</summary>
internal sealed class SkuDirectory(TenantDbContext db) : ISkuDirectory
{
    private const int Chunk = 500;

    public IQueryable<SkuSummary> Skus => SkuQueries.Summaries(db);

    public IQueryable<ComboPart> ComboParts =>
        db.Set<ComboComponent>().AsNoTracking().Select(c => new ComboPart { ComboSkuId = c.ComboSkuId, ComponentSkuId = c.ComponentSkuId, Quantity = c.Quantity });

    public async Task<IReadOnlyDictionary<Guid, SkuSummary>> ByIdsAsync(IEnumerable<Guid> ids, CancellationToken ct = default)
    {
        var summaries = new Dictionary<Guid, SkuSummary>();
        foreach (var chunk in ids.Distinct().Chunk(Chunk))
            foreach (var sku in await Skus.Where(s => EF.Parameter(chunk).Contains(s.Id)).ToListAsync(ct))
                summaries[sku.Id] = sku;
        return summaries;
    }

    public async Task<IReadOnlyDictionary<string, SkuSummary>> FindByCodesAsync(IEnumerable<string> codes, CancellationToken ct = default)
    {
        var given = codes.Where(c => !string.IsNullOrWhiteSpace(c)).Distinct().ToList();
        var skuOfValue = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in given.Select(Sku.Normalize).Distinct().Chunk(Chunk))
            foreach (var row in await db.Set<CatalogCode>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.Value)).Select(c => new { c.Value, c.SkuId }).ToListAsync(ct))
                skuOfValue[row.Value] = row.SkuId;
        var summaries = await ByIdsAsync(skuOfValue.Values, ct);
        var found = new Dictionary<string, SkuSummary>(StringComparer.Ordinal);
        foreach (var code in given)
            if (skuOfValue.TryGetValue(Sku.Normalize(code), out var id) && summaries.TryGetValue(id, out var sku))
                found[code] = sku;
        return found;
    }

    public async Task<IReadOnlyList<Guid>> CategoriesWithDescendantsAsync(IEnumerable<Guid> categoryIds, CancellationToken ct = default)
    {
        // Categories are few (hundreds) and at most five deep: read the tree once and walk it here.
        var parents = await db.Set<Category>().AsNoTracking().Select(c => new { c.Id, c.ParentId }).ToListAsync(ct);
        var children = parents.Where(c => c.ParentId is not null).ToLookup(c => c.ParentId!.Value, c => c.Id);
        var result = new HashSet<Guid>();
        var stack = new Stack<Guid>(categoryIds);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!result.Add(id)) continue;
            foreach (var child in children[id]) stack.Push(child);
        }
        return result.ToList();
    }
}
