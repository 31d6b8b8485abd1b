using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ManageCategories;

/// <summary>A category with its place in the tree: <see cref="Path"/> is "服装 › 女装 › T恤", <see cref="Depth"/> 1 at the top.</summary>
public sealed record CategoryView(Guid Id, Guid? ParentId, string Name, int Sort, string Path, int Depth, int ProductCount);

/// <summary>
/// The category tree (货品分类): add, rename, move (never under itself), delete when empty. The whole tree is read
/// at once (hundreds of rows), in the order a tree is drawn: parents before children, siblings by sort then name.
/// </summary>
public sealed class ManageCategories(TenantDbContext db)
{
    public async Task<IReadOnlyList<CategoryView>> ListAsync(CancellationToken ct)
    {
        var rows = await db.Set<Category>().AsNoTracking().ToListAsync(ct);
        var counts = await db.Set<Product>().AsNoTracking().Where(p => p.CategoryId != null).GroupBy(p => p.CategoryId!.Value)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var tree = Tree(rows);
        var ordered = new List<CategoryView>();
        void Walk(Guid? parent)
        {
            foreach (var c in rows.Where(r => r.ParentId == parent).OrderBy(r => r.Sort).ThenBy(r => r.Name, StringComparer.CurrentCulture))
            {
                ordered.Add(new CategoryView(c.Id, c.ParentId, c.Name, c.Sort, tree.PathOf(c.Id), tree.Depth(c.Id), counts.GetValueOrDefault(c.Id)));
                Walk(c.Id);
            }
        }
        Walk(null);
        return ordered;
    }

    public async Task<CategoryView> CreateAsync(CategoryInput input, CancellationToken ct)
    {
        var tree = Tree(await db.Set<Category>().AsNoTracking().ToListAsync(ct));
        var category = Category.Create(input, tree);
        db.Set<Category>().Add(category);
        await db.SaveChangesAsync(ct);
        return (await ListAsync(ct)).Single(c => c.Id == category.Id);
    }

    public async Task<CategoryView> UpdateAsync(Guid id, CategoryInput input, CancellationToken ct)
    {
        var all = await db.Set<Category>().ToListAsync(ct);
        var category = all.SingleOrDefault(c => c.Id == id) ?? throw new NotFoundException("category", id);
        category.Update(input, Tree(all));
        await db.SaveChangesAsync(ct);
        return (await ListAsync(ct)).Single(c => c.Id == id);
    }

    /// <summary>Only an empty category goes: no children, no products (they would silently lose their category).</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var category = await db.Set<Category>().SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("category", id);
        if (await db.Set<Category>().AnyAsync(c => c.ParentId == id, ct))
            throw new RuleViolatedException("catalog.category_has_children", $"Category {category.Name} has sub-categories; delete or move them first.", category.Name);
        var products = await db.Set<Product>().CountAsync(p => p.CategoryId == id, ct);
        if (products > 0)
            throw new RuleViolatedException("catalog.category_has_products", $"Category {category.Name} holds {products} products; move them first.", category.Name, products);
        db.Set<Category>().Remove(category);
        await db.SaveChangesAsync(ct);
    }

    private static CategoryTree Tree(IEnumerable<Category> rows) => new(rows.Select(r => (r.Id, r.ParentId, r.Name)));
}
