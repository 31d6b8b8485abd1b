using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Data;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ManageCombos;

/// <summary>
/// A new combo: a product of its own with one SKU made of <see cref="Components"/>. Cost and weight default to the
/// sum of the components'.
/// </summary>
public sealed record ComboInput(
    string? Name, string? Code, IReadOnlyList<ComponentInput>? Components, string? Spec = null, IReadOnlyList<string>? Barcodes = null,
    long? RetailPrice = null, long? CostPrice = null, int? WeightGrams = null, string? Brand = null, Guid? CategoryId = null);

public sealed record ComponentsInput(IReadOnlyList<ComponentInput>? Components);

public sealed record ComponentView(Guid SkuId, string Code, string? Spec, string ProductName, int Quantity, long CostPrice, long RetailPrice, bool Active, bool IsCombo);

/// <summary>A combo with its direct components and what one unit takes from the shelf (<see cref="Takes"/>: the plain SKUs, flattened).</summary>
public sealed record ComboView(SkuView Sku, string Name, IReadOnlyList<ComponentView> Components, IReadOnlyList<ComponentView> Takes);

public sealed record CatalogSettingsView(ComboPriceBasis ComboPriceBasis);

public sealed record CatalogSettingsInput(string? ComboPriceBasis);

/// <summary>Combos (组合装): create, change components, read; and the tenant's price-split setting.</summary>
public sealed class ManageCombos(TenantDbContext db, ManageProducts.ManageProducts products)
{
    private DateTime Now => db.Time.StoredUtcNow();

    public async Task<ComboView> CreateAsync(ComboInput input, CancellationToken ct)
    {
        var (parts, check) = await ComponentsAsync(input.Components, ct);
        Product product;
        try
        {
            product = Product.Create(new ProductInput(input.Name, input.Brand, "套", CategoryId: input.CategoryId, Skus:
            [
                new SkuInput(input.Code, input.Spec, input.Barcodes,
                    input.WeightGrams ?? parts.Sum(p => p.Component.WeightGrams * Math.Max(p.Quantity, 0)),
                    CostPrice: input.CostPrice ?? parts.Sum(p => p.Component.CostPrice * Math.Max(p.Quantity, 0)), RetailPrice: input.RetailPrice),
            ]), Now);
        }
        catch (InputRejectedException e)
        {
            // The combo is one SKU: its fields are named without the skus[0] of a product with variants.
            foreach (var error in e.Errors) check.Add(error.Field.Replace("skus[0].", "", StringComparison.Ordinal), error.Code, error.Message, error.Arguments);
            check.ThrowIfAny();
            throw;
        }
        var combo = product.Skus[0];
        combo.SetComponents(parts, await ComboGraphs.LoadAsync(db, parts.Select(p => p.Component.Id), ct), Now, newCombo: true, check);
        await products.AddNewAsync(product, ct);
        return await GetAsync(combo.Id, ct);
    }

    public async Task<ComboView> SetComponentsAsync(Guid comboId, ComponentsInput input, CancellationToken ct)
    {
        var combo = await db.Set<Sku>().Include(s => s.Components).SingleOrDefaultAsync(s => s.Id == comboId, ct) ?? throw new NotFoundException("sku", comboId);
        var (parts, check) = await ComponentsAsync(input.Components, ct);
        combo.SetComponents(parts, await ComboGraphs.LoadAsync(db, parts.Select(p => p.Component.Id), ct), Now, check: check,
            levelsAbove: await ComboGraphs.LevelsAboveAsync(db, comboId, ct));
        await db.SaveChangesAsync(ct);
        return await GetAsync(comboId, ct);
    }

    public async Task<ComboView> GetAsync(Guid comboId, CancellationToken ct)
    {
        var combo = await products.GetSkuAsync(comboId, ct);
        if (combo.Kind != SkuKind.Combo) throw new NotFoundException("combo", comboId);
        var graph = await ComboGraphs.LoadAsync(db, [comboId], ct);
        var flat = graph.Flatten(comboId);
        var ids = graph.ComponentsOf(comboId).Select(c => c.Component).Concat(flat.Select(f => f.Sku)).Append(comboId).Distinct().ToList();
        var skus = await db.Set<Sku>().AsNoTracking().Where(s => ids.Contains(s.Id))
            .Join(db.Set<Product>(), s => s.ProductId, p => p.Id, (s, p) => new { s.Id, s.Code, s.Spec, ProductName = p.Name, s.CostPrice, s.RetailPrice, s.Active, s.Kind })
            .ToDictionaryAsync(s => s.Id, ct);
        ComponentView View(Guid id, long quantity)
        {
            var s = skus[id];
            return new(id, s.Code, s.Spec, s.ProductName, (int)quantity, s.CostPrice, s.RetailPrice, s.Active, s.Kind == SkuKind.Combo);
        }
        return new ComboView(combo, skus[comboId].ProductName, graph.ComponentsOf(comboId).Select(c => View(c.Component, c.Quantity)).ToList(),
            flat.Select(f => View(f.Sku, f.Quantity)).ToList());
    }

    /// <summary>"TEE-M ×2 + BAG ×1" for each of a page of combos, in one query.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> SummariesAsync(IReadOnlyList<Guid> comboIds, CancellationToken ct)
    {
        var rows = await db.Set<ComboComponent>().AsNoTracking().Where(c => comboIds.Contains(c.ComboSkuId))
            .Join(db.Set<Sku>(), c => c.ComponentSkuId, s => s.Id, (c, s) => new { c.ComboSkuId, c.Line, s.Code, c.Quantity })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.ComboSkuId)
            .ToDictionary(g => g.Key, g => string.Join(" + ", g.OrderBy(r => r.Line).Select(r => $"{r.Code} ×{r.Quantity}")));
    }

    public async Task<CatalogSettingsView> SettingsAsync(CancellationToken ct) =>
        new((await db.Set<CatalogSettings>().AsNoTracking().SingleOrDefaultAsync(ct) ?? new CatalogSettings()).ComboPriceBasis);

    public async Task<CatalogSettingsView> UpdateSettingsAsync(CatalogSettingsInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var basis = check.OneOf<ComboPriceBasis>("comboPriceBasis", input.ComboPriceBasis);
        if (basis is null && !check.HasErrors) check.Add("comboPriceBasis", "required", "comboPriceBasis is required.");
        check.ThrowIfAny();
        var settings = await db.Set<CatalogSettings>().SingleOrDefaultAsync(ct);
        if (settings is null) db.Set<CatalogSettings>().Add(settings = new CatalogSettings());
        settings.ComboPriceBasis = basis!.Value;
        await db.SaveChangesAsync(ct);
        return new(settings.ComboPriceBasis);
    }

    /// <summary>
    /// The component lines named by code (a SKU code, alias or barcode), in one query. Unknown codes are errors
    /// naming their line, returned (not thrown) so that they are reported together with the combo's own checks.
    /// </summary>
    private async Task<(List<(Sku Component, int Quantity, string Field)> Parts, InputCheck Check)> ComponentsAsync(IReadOnlyList<ComponentInput>? lines, CancellationToken ct)
    {
        lines ??= [];
        var check = new InputCheck();
        var codes = lines.Select(l => Sku.Normalize(l?.Code ?? "")).Where(c => c.Length > 0).Distinct().ToList();
        var found = await db.Set<CatalogCode>().AsNoTracking().Where(c => codes.Contains(c.Value))
            .Join(db.Set<Sku>(), c => c.SkuId, s => s.Id, (c, s) => new { c.Value, Sku = s }).ToDictionaryAsync(x => x.Value, x => x.Sku, ct);
        var parts = new List<(Sku, int, string)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var field = $"components[{i}]";
            var code = Sku.Normalize(lines[i]?.Code ?? "");
            if (code.Length == 0) check.Add($"{field}.code", "required", $"{field}.code is required.");
            else if (!found.TryGetValue(code, out var sku)) check.Add($"{field}.code", "unknown_sku", $"No SKU has the code '{lines[i]!.Code}'.", lines[i]!.Code!);
            else parts.Add((sku, lines[i]!.Quantity, field));
        }
        return (parts, check);
    }
}
