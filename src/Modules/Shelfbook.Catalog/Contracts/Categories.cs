using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Catalog.Contracts;

/// <summary>A category (货品分类) as other modules show it: its name and the path of names from the top ("服装/T恤").</summary>
public sealed record CategoryChoice(Guid Id, string Path);

public static class CategoryQueries
{
    /// <summary>The tenant's categories with their paths, in path order, for pickers.</summary>
    public static async Task<IReadOnlyList<CategoryChoice>> ChoicesAsync(TenantDbContext db, CancellationToken ct)
    {
        var all = await db.Set<Category>().AsNoTracking().Select(c => new { c.Id, c.ParentId, c.Name }).ToListAsync(ct);
        var byId = all.ToDictionary(c => c.Id);
        string PathOf(Guid id)
        {
            var names = new List<string>();
            // Depth is capped by the catalog (Category.MaxDepth); the bound guards against a cycle all the same.
            for (Guid? at = id; at is { } current && byId.TryGetValue(current, out var c) && names.Count <= Category.MaxDepth; at = c.ParentId)
                names.Insert(0, c.Name);
            return string.Join("/", names);
        }
        return all.Select(c => new CategoryChoice(c.Id, PathOf(c.Id))).OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
    }
}
