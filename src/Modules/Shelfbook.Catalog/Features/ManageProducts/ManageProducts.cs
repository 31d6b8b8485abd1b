using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ManageProducts;

public sealed record SkuView(
    Guid Id, Guid ProductId, string Code, SkuKind Kind, string? Spec, IReadOnlyList<string> Barcodes, int WeightGrams, int LengthMm, int WidthMm,
    int HeightMm, long CostPrice, long RetailPrice, string Currency, int SafetyStock, bool Active);

public sealed record ProductView(
    Guid Id, string Name, string? Brand, Guid? CategoryId, Guid? DefaultSupplierId, string Unit, string? Notes, IReadOnlyList<string> Images, bool Active,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<SkuView> Skus);

public sealed record AliasInput(string? Code, string? Note);

/// <summary>
/// Copy a product (同类货品信息复制): the new name, and for each source SKU code its new code — given in
/// <see cref="Codes"/>, or made from the old one by replacing <see cref="Find"/> with <see cref="ReplaceWith"/>.
/// </summary>
public sealed record CopyProductInput(string? Name, IReadOnlyDictionary<string, string?>? Codes = null, string? Find = null, string? ReplaceWith = null);

/// <summary>
/// What the SKU list filters by: <see cref="Code"/> is a code, alias or barcode prefix only (the scanner's path, one
/// index range); <see cref="Search"/> also matches text inside the product name or the spec.
/// </summary>
public sealed record SkuFilter(
    string? Search = null, string? Code = null, bool? Active = null, string? Brand = null, Guid? CategoryId = null, SkuKind? Kind = null);

public sealed record AliasView(string Code, string? Note, DateTime CreatedAt);

/// <summary>A row of the SKU search: the SKU with the product it belongs to.</summary>
public sealed record SkuRow(Guid Id, string Code, SkuKind Kind, string? Spec, Guid ProductId, string ProductName, string? Brand, long RetailPrice, bool Active);

/// <summary>
/// Products and their SKUs: create (with SKUs), edit, add a SKU, (de)activate a SKU, find by code, barcode or name.
/// SKU codes (case-insensitive) and barcodes are unique per tenant; every clash names the SKU row and field.
/// SKUs are never deleted: orders and stock movements refer to them.
/// </summary>
public sealed class ManageProducts(TenantDbContext db)
{
    private DateTime Now => db.Time.StoredUtcNow();

    public async Task<ProductView> CreateAsync(ProductInput input, CancellationToken ct)
    {
        var product = Product.Create(input, Now);
        await AddNewAsync(product, ct);
        return View(product);
    }

    /// <summary>Saves a product built by the caller (a product, a combo, a copy) after the checks every new product passes.</summary>
    internal async Task AddNewAsync(Product product, CancellationToken ct)
    {
        await EnsureCategoryAsync(product.CategoryId, ct);
        await EnsureSupplierAsync(product.DefaultSupplierId, ct);
        await EnsureCodesFreeAsync(product.Skus, ct);
        db.Set<Product>().Add(product);
        await db.SaveOrExplainAsync(() => EnsureCodesFreeAsync(product.Skus, ct), ct);
    }

    /// <summary>
    /// A new product like an existing one — brand, unit, category, images, notes and every variant's spec, weight,
    /// size, prices and safety stock — with new codes. Barcodes are not copied (a barcode names one SKU).
    /// </summary>
    public async Task<ProductView> CopyAsync(Guid id, CopyProductInput input, CancellationToken ct)
    {
        var source = await FindAsync(id, ct);
        if (source.Skus.Any(s => s.Kind == SkuKind.Combo))
            throw new RuleViolatedException("catalog.copy_combo", $"{source.Name} is a combo; create a new combo instead of copying it.", source.Name);
        var check = new InputCheck();
        var skus = new List<SkuInput>();
        foreach (var (sku, i) in source.Skus.OrderBy(s => s.NormalizedCode, StringComparer.Ordinal).Select((s, i) => (s, i)))
        {
            var given = input.Codes?.FirstOrDefault(c => Sku.Normalize(c.Key) == sku.NormalizedCode).Value;
            var code = !string.IsNullOrWhiteSpace(given) ? given.Trim()
                : !string.IsNullOrEmpty(input.Find) && sku.Code.Contains(input.Find, StringComparison.OrdinalIgnoreCase)
                    ? sku.Code.Replace(input.Find, input.ReplaceWith ?? "", StringComparison.OrdinalIgnoreCase)
                    : null;
            if (code is null) check.Add($"codes[{sku.Code}]", "required", $"Give {sku.Code} a new code.", sku.Code);
            else if (Sku.Normalize(code) == sku.NormalizedCode) check.Add($"codes[{sku.Code}]", "same_code", $"The copy of {sku.Code} needs a different code.", sku.Code);
            skus.Add(new SkuInput(code, sku.Spec, [], sku.WeightGrams, sku.LengthMm, sku.WidthMm, sku.HeightMm, sku.CostPrice, sku.RetailPrice, sku.SafetyStock));
        }
        check.ThrowIfAny();
        var copy = Product.Create(new ProductInput(string.IsNullOrWhiteSpace(input.Name) ? source.Name : input.Name, source.Brand, source.Unit, source.Notes,
            source.Images, skus, source.CategoryId, source.DefaultSupplierId), Now);
        await AddNewAsync(copy, ct);
        return View(copy);
    }

    public async Task<SkuView> GetSkuAsync(Guid id, CancellationToken ct) => View(await FindSkuAsync(id, ct));

    public async Task<ProductView> UpdateAsync(Guid id, ProductInput input, CancellationToken ct)
    {
        var product = await FindAsync(id, ct);
        product.Update(input, Now);
        await EnsureCategoryAsync(input.CategoryId, ct);
        await EnsureSupplierAsync(input.DefaultSupplierId, ct);
        await db.SaveChangesAsync(ct);
        return View(product);
    }

    public async Task<ProductView> AddSkuAsync(Guid productId, SkuInput input, CancellationToken ct)
    {
        var product = await FindAsync(productId, ct);
        var sku = product.AddSku(input, Now);
        await EnsureCodesFreeAsync([sku], ct, single: true);
        // Explicitly new: its id is set by the code, and EF would otherwise take a found entity with a key for an existing row.
        db.Set<Sku>().Add(sku);
        await db.SaveOrExplainAsync(() => EnsureCodesFreeAsync([sku], ct, single: true), ct);
        return View(product);
    }

    public async Task<SkuView> UpdateSkuAsync(Guid skuId, SkuInput input, CancellationToken ct)
    {
        var sku = await FindSkuAsync(skuId, ct);
        sku.Update(input, Now);
        await EnsureCodesFreeAsync([sku], ct, single: true);
        await db.SaveOrExplainAsync(() => EnsureCodesFreeAsync([sku], ct, single: true), ct);
        return View(sku);
    }

    public async Task<SkuView> SetSkuActiveAsync(Guid skuId, bool active, CancellationToken ct)
    {
        var sku = await FindSkuAsync(skuId, ct);
        if (!active)
        {
            // An active combo with an inactive part could be sold but never picked.
            var combos = await db.Set<ComboComponent>().Where(c => c.ComponentSkuId == skuId)
                .Join(db.Set<Sku>().Where(s => s.Active), c => c.ComboSkuId, s => s.Id, (_, s) => s.Code).OrderBy(c => c).Take(10).ToListAsync(ct);
            if (combos.Count > 0)
                throw new RuleViolatedException("catalog.sku_in_active_combos", $"{sku.Code} is part of the active combos {string.Join(", ", combos)}; deactivate them first.",
                    sku.Code, string.Join(", ", combos));
        }
        if (active && sku.Kind == SkuKind.Combo)
        {
            // The mirror image: a combo comes back only when every part it is made of is active.
            var inactive = await db.Set<ComboComponent>().Where(c => c.ComboSkuId == skuId)
                .Join(db.Set<Sku>().Where(s => !s.Active), c => c.ComponentSkuId, s => s.Id, (_, s) => s.Code).OrderBy(c => c).Take(10).ToListAsync(ct);
            if (inactive.Count > 0)
                throw new RuleViolatedException("catalog.combo_has_inactive_parts", $"{sku.Code} contains the inactive SKUs {string.Join(", ", inactive)}; activate them first.",
                    sku.Code, string.Join(", ", inactive));
        }
        sku.SetActive(active, Now);
        AuditRecorder.Describe(sku, active ? "activate" : "deactivate");
        await db.SaveChangesAsync(ct);
        return View(sku);
    }

    public async Task<ProductView> GetAsync(Guid id, CancellationToken ct) => View(await FindAsync(id, ct));

    /// <summary>
    /// SKUs by code, a keyset page at a time. The search term matches the start of a SKU code or barcode (what a
    /// scanner or a seller types) or any part of the product name or SKU spec.
    /// </summary>
    public async Task<Page<SkuRow>> SearchSkusAsync(SkuFilter filter, PageRequest page, CancellationToken ct)
    {
        var skus = db.Set<Sku>().AsNoTracking();
        var products = db.Set<Product>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Brand)) products = products.Where(p => p.Brand == filter.Brand.Trim());
        if (filter.CategoryId is { } categoryId)
        {
            var tree = await TreeAsync(ct);
            if (!tree.Contains(categoryId)) throw new InputRejectedException("categoryId", "not_found", "The category does not exist.");
            var ids = tree.SelfAndDescendants(categoryId);
            products = products.Where(p => p.CategoryId != null && ids.Contains(p.CategoryId.Value));
        }
        var query = skus.Join(products, s => s.ProductId, p => p.Id, (s, p) => new { Sku = s, Product = p });
        if (!string.IsNullOrWhiteSpace(filter.Code))
        {
            // Code, alias or barcode prefix through the registry's index: what a scanner or a seller types.
            var matching = CodesStartingWith(Sku.Normalize(filter.Code));
            query = query.Where(x => matching.Contains(x.Sku.Id));
        }
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            var matching = CodesStartingWith(Sku.Normalize(term));
            query = query.Where(x => matching.Contains(x.Sku.Id)
                                     || x.Product.Name.Contains(term)
                                     || (x.Sku.Spec != null && x.Sku.Spec.Contains(term)));
        }
        if (filter.Active is { } a) query = query.Where(x => x.Sku.Active == a);
        if (filter.Kind is { } kind) query = query.Where(x => x.Sku.Kind == kind);
        if (page.AfterKey() is { } after) query = query.Where(x => x.Sku.NormalizedCode.CompareTo(after) > 0);
        var rows = await query.OrderBy(x => x.Sku.NormalizedCode).Take(page.Limit + 1)
            .Select(x => new SkuRow(x.Sku.Id, x.Sku.Code, x.Sku.Kind, x.Sku.Spec, x.Product.Id, x.Product.Name, x.Product.Brand, x.Sku.RetailPrice, x.Sku.Active))
            .ToListAsync(ct);
        return Page.From(rows, page.Limit, r => Sku.Normalize(r.Code));
    }

    /// <summary>The aliases of every SKU of a product, in one query, for the product page.</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<AliasView>>> AliasesOfProductAsync(Guid productId, CancellationToken ct)
    {
        var rows = await db.Set<SkuAlias>().AsNoTracking()
            .Join(db.Set<Sku>().Where(s => s.ProductId == productId), a => a.SkuId, s => s.Id, (a, _) => a)
            .OrderBy(a => a.NormalizedCode)
            .Select(a => new { a.SkuId, View = new AliasView(a.Code, a.Note, a.CreatedAt) })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.SkuId).ToDictionary(g => g.Key, g => (IReadOnlyList<AliasView>)g.Select(r => r.View).ToList());
    }

    public async Task<IReadOnlyList<AliasView>> AliasesAsync(Guid skuId, CancellationToken ct)
    {
        await FindSkuAsync(skuId, ct);
        return await db.Set<SkuAlias>().AsNoTracking().Where(a => a.SkuId == skuId).OrderBy(a => a.NormalizedCode)
            .Select(a => new AliasView(a.Code, a.Note, a.CreatedAt)).ToListAsync(ct);
    }

    /// <summary>Adds an alias; it must not be any SKU's code nor another alias (of this SKU or another).</summary>
    public async Task<AliasView> AddAliasAsync(Guid skuId, AliasInput input, CancellationToken ct)
    {
        var sku = await FindSkuAsync(skuId, ct);
        var alias = sku.AddAlias(input.Code, input.Note, Now);
        await EnsureCodesFreeAsync([sku], ct, single: true);
        // Lost a race: whoever won (this SKU in a parallel request, or another SKU) now holds the value.
        await db.SaveOrExplainAsync(async () =>
        {
            if (await db.Set<CatalogCode>().AsNoTracking().FirstOrDefaultAsync(c => c.Value == alias.NormalizedCode, ct) is { } holder)
                throw new InputRejectedException("code", holder.Kind switch
                {
                    CodeKind.Alias => "duplicate", CodeKind.Code => "alias_is_sku_code", _ => "alias_is_barcode",
                }, $"'{alias.Code}' is already taken.", alias.Code);
        }, ct);
        return new AliasView(alias.Code, alias.Note, alias.CreatedAt);
    }

    /// <summary>Removes an alias: orders imported later no longer resolve it (earlier orders keep their SKU).</summary>
    public async Task RemoveAliasAsync(Guid skuId, string code, CancellationToken ct)
    {
        var sku = await FindSkuAsync(skuId, ct);
        sku.RemoveAlias(code, Now);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// One query for the whole batch (not one per SKU): which of these SKUs' codes, aliases and barcodes the registry
    /// already gives to another SKU, each clash named by its field and by what the value already is.
    /// <paramref name="single"/> names fields without the <c>skus[i]</c> prefix (a single SKU was sent).
    /// </summary>
    private async Task EnsureCodesFreeAsync(IReadOnlyList<Sku> skus, CancellationToken ct, bool single = false)
    {
        var ids = skus.Select(s => s.Id).ToList();
        var values = skus.SelectMany(s => s.Codes.Select(c => c.Value)).Distinct().ToList();
        var taken = new Dictionary<string, CodeKind>(StringComparer.Ordinal);
        foreach (var chunk in values.Chunk(500))
            foreach (var row in await db.Set<CatalogCode>().AsNoTracking().Where(c => chunk.Contains(c.Value) && !ids.Contains(c.SkuId))
                         .Select(c => new { c.Value, c.Kind }).ToListAsync(ct))
                taken[row.Value] = row.Kind;
        if (taken.Count == 0) return;
        var check = new InputCheck();
        for (var i = 0; i < skus.Count; i++)
        {
            var sku = skus[i];
            var prefix = single ? "" : $"skus[{i}].";
            if (taken.TryGetValue(sku.NormalizedCode, out var kind))
                check.Add(prefix + "code", kind switch { CodeKind.Code => "duplicate", CodeKind.Alias => "code_is_alias", _ => "code_is_barcode" },
                    $"'{sku.Code}' is already the {kind.ToString().ToLowerInvariant()} of another SKU.", sku.Code);
            foreach (var alias in sku.Aliases.Where(a => taken.ContainsKey(a.NormalizedCode)))
                check.Add(prefix + "code", taken[alias.NormalizedCode] switch { CodeKind.Code => "alias_is_sku_code", CodeKind.Alias => "duplicate", _ => "alias_is_barcode" },
                    $"'{alias.Code}' is already the {taken[alias.NormalizedCode].ToString().ToLowerInvariant()} of another SKU.", alias.Code);
            for (var j = 0; j < sku.Barcodes.Count; j++)
                if (taken.TryGetValue(Sku.Normalize(sku.Barcodes[j].Code), out var barcodeKind))
                    check.Add($"{prefix}barcodes[{j}]", barcodeKind == CodeKind.Barcode ? "duplicate" : "barcode_is_code",
                        $"Barcode '{sku.Barcodes[j].Code}' already belongs to another SKU.", sku.Barcodes[j].Code);
        }
        check.ThrowIfAny();
    }

    /// <summary>SKU ids having a code, alias or barcode that starts with <paramref name="upper"/>: an index range on the registry.</summary>
    private IQueryable<Guid> CodesStartingWith(string upper)
    {
        var codes = db.Set<CatalogCode>().AsNoTracking();
        codes = OrdinalText.Prefix(upper) is var (low, high)
            ? codes.Where(c => c.Value.CompareTo(low) >= 0 && c.Value.CompareTo(high) < 0)
            : codes.Where(c => c.Value.StartsWith(upper));
        return codes.Select(c => c.SkuId);
    }

    private async Task EnsureCategoryAsync(Guid? categoryId, CancellationToken ct)
    {
        if (categoryId is { } id && !await db.Set<Category>().AnyAsync(c => c.Id == id, ct))
            throw new InputRejectedException("categoryId", "not_found", "The category does not exist.");
    }

    private async Task EnsureSupplierAsync(Guid? supplierId, CancellationToken ct)
    {
        if (supplierId is { } id && !await db.Set<Supplier>().AnyAsync(s => s.Id == id, ct))
            throw new InputRejectedException("defaultSupplierId", "not_found", "The supplier does not exist.");
    }

    private async Task<CategoryTree> TreeAsync(CancellationToken ct) =>
        new((await db.Set<Category>().AsNoTracking().Select(c => new { c.Id, c.ParentId, c.Name }).ToListAsync(ct))
            .Select(c => (c.Id, c.ParentId, c.Name)));

    private async Task<Product> FindAsync(Guid id, CancellationToken ct) =>
        await db.Set<Product>().Include(p => p.Skus).ThenInclude(s => s.Barcodes)
            .Include(p => p.Skus).ThenInclude(s => s.Aliases)
            .Include(p => p.Skus).ThenInclude(s => s.Codes)
            .AsSplitQuery().SingleOrDefaultAsync(p => p.Id == id, ct)
        ?? throw new NotFoundException("product", id);

    private async Task<Sku> FindSkuAsync(Guid id, CancellationToken ct) =>
        await db.Set<Sku>().Include(s => s.Barcodes).Include(s => s.Aliases).Include(s => s.Codes).AsSplitQuery()
            .SingleOrDefaultAsync(s => s.Id == id, ct)
        ?? throw new NotFoundException("sku", id);

    private static ProductView View(Product p) => new(
        p.Id, p.Name, p.Brand, p.CategoryId, p.DefaultSupplierId, p.Unit, p.Notes, p.Images, p.Active, p.CreatedAt, p.UpdatedAt,
        p.Skus.OrderBy(s => s.NormalizedCode, StringComparer.Ordinal).Select(View).ToList());

    private static SkuView View(Sku s) => new(
        s.Id, s.ProductId, s.Code, s.Kind, s.Spec, s.Barcodes.Select(b => b.Code).Order(StringComparer.Ordinal).ToList(), s.WeightGrams, s.LengthMm,
        s.WidthMm, s.HeightMm, s.CostPrice, s.RetailPrice, s.Currency, s.SafetyStock, s.Active);
}
