using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ManageProducts;

public sealed record SkuView(
    Guid Id, Guid ProductId, string Code, string? Spec, IReadOnlyList<string> Barcodes, int WeightGrams, int LengthMm, int WidthMm,
    int HeightMm, long CostPrice, long RetailPrice, string Currency, int SafetyStock, bool Active);

public sealed record ProductView(
    Guid Id, string Name, string? Brand, string Unit, string? Notes, IReadOnlyList<string> Images, bool Active,
    DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<SkuView> Skus);

public sealed record AliasInput(string? Code, string? Note);

public sealed record AliasView(string Code, string? Note, DateTime CreatedAt);

/// <summary>A row of the SKU search: the SKU with the product it belongs to.</summary>
public sealed record SkuRow(Guid Id, string Code, string? Spec, Guid ProductId, string ProductName, string? Brand, long RetailPrice, bool Active);

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
        await EnsureCodesFreeAsync(product.Skus, ct);
        db.Set<Product>().Add(product);
        await db.SaveOrExplainAsync(() => EnsureCodesFreeAsync(product.Skus, ct), ct);
        return View(product);
    }

    public async Task<ProductView> UpdateAsync(Guid id, ProductInput input, CancellationToken ct)
    {
        var product = await FindAsync(id, ct);
        product.Update(input, Now);
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
    public async Task<Page<SkuRow>> SearchSkusAsync(string? search, bool? active, string? brand, PageRequest page, CancellationToken ct)
    {
        var skus = db.Set<Sku>().AsNoTracking();
        var products = db.Set<Product>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(brand)) products = products.Where(p => p.Brand == brand.Trim());
        var query = skus.Join(products, s => s.ProductId, p => p.Id, (s, p) => new { Sku = s, Product = p });
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var upper = term.ToUpperInvariant();
            query = query.Where(x => x.Sku.NormalizedCode.StartsWith(upper)
                                     || db.Set<SkuBarcode>().Any(b => b.SkuId == x.Sku.Id && b.Code.StartsWith(term))
                                     || x.Product.Name.Contains(term)
                                     || (x.Sku.Spec != null && x.Sku.Spec.Contains(term)));
        }
        if (active is { } a) query = query.Where(x => x.Sku.Active == a);
        if (page.AfterKey() is { } after) query = query.Where(x => x.Sku.NormalizedCode.CompareTo(after) > 0);
        var rows = await query.OrderBy(x => x.Sku.NormalizedCode).Take(page.Limit + 1)
            .Select(x => new SkuRow(x.Sku.Id, x.Sku.Code, x.Sku.Spec, x.Product.Id, x.Product.Name, x.Product.Brand, x.Sku.RetailPrice, x.Sku.Active))
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
        var alias = SkuAlias.Create(sku.Id, input.Code, input.Note, Now);
        await EnsureAliasFreeAsync(alias, ct);
        db.Set<SkuAlias>().Add(alias);
        await db.SaveOrExplainAsync(() => EnsureAliasFreeAsync(alias, ct), ct);
        return new AliasView(alias.Code, alias.Note, alias.CreatedAt);
    }

    /// <summary>Removes an alias: orders imported later no longer resolve it (earlier orders keep their SKU).</summary>
    public async Task RemoveAliasAsync(Guid skuId, string code, CancellationToken ct)
    {
        var normalized = Sku.Normalize(code);
        var alias = await db.Set<SkuAlias>().SingleOrDefaultAsync(a => a.SkuId == skuId && a.NormalizedCode == normalized, ct)
                    ?? throw new NotFoundException("sku_alias", code);
        db.Set<SkuAlias>().Remove(alias);
        await db.SaveChangesAsync(ct);
    }

    private async Task EnsureAliasFreeAsync(SkuAlias alias, CancellationToken ct)
    {
        if (await db.Set<Sku>().AnyAsync(s => s.NormalizedCode == alias.NormalizedCode, ct))
            throw new InputRejectedException("code", "alias_is_sku_code", $"'{alias.Code}' is already a SKU code.", alias.Code);
        if (await db.Set<SkuAlias>().AnyAsync(a => a.NormalizedCode == alias.NormalizedCode, ct))
            throw new InputRejectedException("code", "duplicate", $"The alias '{alias.Code}' already exists.", alias.Code);
    }

    /// <summary>
    /// One query per kind for the whole batch (not one per SKU): codes taken by other SKUs, barcodes taken by other
    /// SKUs. <paramref name="single"/> names fields without the <c>skus[i]</c> prefix (a single SKU was sent).
    /// </summary>
    private async Task EnsureCodesFreeAsync(IReadOnlyList<Sku> skus, CancellationToken ct, bool single = false)
    {
        var ids = skus.Select(s => s.Id).ToList();
        var codes = skus.Select(s => s.NormalizedCode).ToList();
        var barcodes = skus.SelectMany(s => s.Barcodes.Select(b => b.Code)).ToList();
        var takenCodes = await db.Set<Sku>().Where(s => codes.Contains(s.NormalizedCode) && !ids.Contains(s.Id)).Select(s => s.NormalizedCode).ToListAsync(ct);
        // A SKU code may not be an alias of any SKU either: a code must always resolve to one SKU.
        var aliases = await db.Set<SkuAlias>().Where(a => codes.Contains(a.NormalizedCode)).Select(a => a.NormalizedCode).ToListAsync(ct);
        var takenBarcodes = await db.Set<SkuBarcode>().Where(b => barcodes.Contains(b.Code) && !ids.Contains(b.SkuId)).Select(b => b.Code).ToListAsync(ct);
        var check = new InputCheck();
        for (var i = 0; i < skus.Count; i++)
        {
            var prefix = single ? "" : $"skus[{i}].";
            if (takenCodes.Contains(skus[i].NormalizedCode))
                check.Add(prefix + "code", "duplicate", $"SKU code '{skus[i].Code}' already exists.", skus[i].Code);
            else if (aliases.Contains(skus[i].NormalizedCode))
                check.Add(prefix + "code", "code_is_alias", $"'{skus[i].Code}' is already an alias of a SKU.", skus[i].Code);
            foreach (var (barcode, j) in skus[i].Barcodes.Select((b, j) => (b.Code, j)).Where(x => takenBarcodes.Contains(x.Code)))
                check.Add($"{prefix}barcodes[{j}]", "duplicate", $"Barcode '{barcode}' already belongs to another SKU.", barcode);
        }
        check.ThrowIfAny();
    }

    private async Task<Product> FindAsync(Guid id, CancellationToken ct) =>
        await db.Set<Product>().Include(p => p.Skus).ThenInclude(s => s.Barcodes).AsSplitQuery().SingleOrDefaultAsync(p => p.Id == id, ct)
        ?? throw new NotFoundException("product", id);

    private async Task<Sku> FindSkuAsync(Guid id, CancellationToken ct) =>
        await db.Set<Sku>().Include(s => s.Barcodes).SingleOrDefaultAsync(s => s.Id == id, ct)
        ?? throw new NotFoundException("sku", id);

    private static ProductView View(Product p) => new(
        p.Id, p.Name, p.Brand, p.Unit, p.Notes, p.Images, p.Active, p.CreatedAt, p.UpdatedAt,
        p.Skus.OrderBy(s => s.NormalizedCode, StringComparer.Ordinal).Select(View).ToList());

    private static SkuView View(Sku s) => new(
        s.Id, s.ProductId, s.Code, s.Spec, s.Barcodes.Select(b => b.Code).Order(StringComparer.Ordinal).ToList(), s.WeightGrams, s.LengthMm,
        s.WidthMm, s.HeightMm, s.CostPrice, s.RetailPrice, s.Currency, s.SafetyStock, s.Active);
}
