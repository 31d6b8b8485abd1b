using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Catalog.Data;

internal static class ComboGraphs
{
    /// <summary>
    /// The combos reachable from <paramref name="roots"/>: one query per nesting level (chunked for big batches),
    /// never one per SKU. Stops after <see cref="ComboGraph.MaxDepth"/> + 2 levels, so a cycle in old data ends.
    /// </summary>
    public static async Task<ComboGraph> LoadAsync(TenantDbContext db, IEnumerable<Guid> roots, CancellationToken ct)
    {
        var edges = new Dictionary<Guid, IReadOnlyList<(Guid, int)>>();
        var frontier = roots.Distinct().ToList();
        var seen = new HashSet<Guid>(frontier);
        for (var level = 0; frontier.Count > 0 && level <= ComboGraph.MaxDepth + 1; level++)
        {
            var next = new List<Guid>();
            foreach (var chunk in frontier.Chunk(10_000))
            {
                var rows = await db.Set<ComboComponent>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.ComboSkuId))
                    .OrderBy(c => c.ComboSkuId).ThenBy(c => c.Line).Select(c => new { c.ComboSkuId, c.ComponentSkuId, c.Quantity }).ToListAsync(ct);
                foreach (var combo in rows.GroupBy(r => r.ComboSkuId))
                {
                    edges[combo.Key] = combo.Select(r => (r.ComponentSkuId, r.Quantity)).ToList();
                    next.AddRange(combo.Select(r => r.ComponentSkuId).Where(seen.Add));
                }
            }
            frontier = next;
        }
        return new ComboGraph(edges);
    }

    /// <summary>
    /// How many levels of combos sit above <paramref name="combo"/> (0 when no combo contains it): walked upwards one
    /// query per level, so that a change deep inside a nest cannot push the top past the limit.
    /// </summary>
    public static async Task<int> LevelsAboveAsync(TenantDbContext db, Guid combo, CancellationToken ct)
    {
        var frontier = new List<Guid> { combo };
        var levels = 0;
        while (levels <= ComboGraph.MaxDepth + 1)
        {
            var parents = await db.Set<ComboComponent>().AsNoTracking().Where(c => EF.Parameter(frontier).Contains(c.ComponentSkuId))
                .Select(c => c.ComboSkuId).Distinct().ToListAsync(ct);
            if (parents.Count == 0) break;
            levels++;
            frontier = parents;
        }
        return levels;
    }
}
