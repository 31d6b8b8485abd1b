using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Features.ManageAllocationRules;

public sealed record AllocationRuleInput(string? Name, int? Priority, bool? Active, List<Guid>? ShopIds, List<string>? Provinces, List<Guid>? WarehouseIds,
    List<string>? SkuCodes = null, List<Guid>? CategoryIds = null);

public sealed record AllocationRuleView(Guid Id, int Priority, string Name, bool Active, IReadOnlyList<Guid> ShopIds, IReadOnlyList<string> Provinces,
    IReadOnlyList<Guid> WarehouseIds, DateTime UpdatedAt, IReadOnlyList<string> SkuCodes, IReadOnlyList<Guid> CategoryIds);

/// <summary>A warehouse or shop a rule may name.</summary>
public sealed record RuleChoice(Guid Id, string Code, string Name, bool Active);

/// <summary>What the rule editors offer: the tenant's warehouses (by code), shops and categories (by path).</summary>
public sealed record RuleChoices(IReadOnlyList<RuleChoice> Warehouses, IReadOnlyList<RuleChoice> Shops, IReadOnlyList<CategoryChoice>? Categories = null);

/// <summary>
/// 分配规则: the tenant's allocation rules, tried by priority; each names the shops, provinces, SKUs and categories it
/// applies to and the warehouses to try in order.
/// </summary>
public sealed class ManageAllocationRules(TenantDbContext db)
{
    public async Task<IReadOnlyList<AllocationRuleView>> ListAsync(CancellationToken ct) =>
        (await db.Set<AllocationRule>().AsNoTracking().OrderBy(r => r.Priority).ThenBy(r => r.Name).ToListAsync(ct)).Select(View).ToList();

    public async Task<RuleChoices> ChoicesAsync(CancellationToken ct) => new(
        await WarehouseQueries.Summaries(db).OrderBy(w => w.Code).Select(w => new RuleChoice(w.Id, w.Code, w.Name, w.Active)).ToListAsync(ct),
        await ShopQueries.Summaries(db).OrderBy(s => s.Name).Select(s => new RuleChoice(s.Id, s.Code, s.Name, s.Active)).ToListAsync(ct),
        await CategoryQueries.ChoicesAsync(db, ct));

    public async Task<AllocationRuleView> CreateAsync(AllocationRuleInput input, CancellationToken ct)
    {
        var rule = new AllocationRule();
        await ApplyAsync(rule, input, ct);
        db.Add(rule);
        await db.SaveChangesAsync(ct);
        return View(rule);
    }

    public async Task<AllocationRuleView> UpdateAsync(Guid id, AllocationRuleInput input, CancellationToken ct)
    {
        var rule = await db.Set<AllocationRule>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("allocation rule", id);
        await ApplyAsync(rule, input, ct);
        await db.SaveChangesAsync(ct);
        return View(rule);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var rule = await db.Set<AllocationRule>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("allocation rule", id);
        db.Remove(rule);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Checks every field, naming each one at fault, before anything changes.</summary>
    private async Task ApplyAsync(AllocationRule rule, AllocationRuleInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var name = check.Required("name", input.Name, AllocationRule.NameMax);
        if (input.Priority is < 0 or > 9999) check.Add("priority", "out_of_range", "priority must be 0–9999.", 0, 9999);
        var warehouses = input.WarehouseIds?.Distinct().ToList() ?? [];
        if (warehouses.Count == 0) check.Add("warehouseIds", "required", "Choose at least one warehouse.");
        var known = await WarehouseQueries.Summaries(db).Where(w => warehouses.Contains(w.Id)).Select(w => w.Id).ToListAsync(ct);
        foreach (var missing in warehouses.Except(known)) check.Add("warehouseIds", "unknown", $"No warehouse {missing}.", missing);
        var shops = input.ShopIds?.Distinct().ToList() ?? [];
        var knownShops = await ShopQueries.Summaries(db).Where(s => shops.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        foreach (var missing in shops.Except(knownShops)) check.Add("shopIds", "unknown", $"No shop {missing}.", missing);
        var provinces = input.Provinces?.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct().ToList() ?? [];
        if (provinces.Any(p => p.Length > 50)) check.Add("provinces", "too_long", "A province is longer than 50 characters.", 50);
        var codes = AuditRules.ManageAuditRules.Texts(check, "skuCodes", input.SkuCodes, 64);
        var categories = input.CategoryIds?.Distinct().ToList() ?? [];
        if (categories.Count > 0)
        {
            var knownCategories = (await CategoryQueries.ChoicesAsync(db, ct)).Select(c => c.Id).ToHashSet();
            foreach (var missing in categories.Where(c => !knownCategories.Contains(c))) check.Add("categoryIds", "unknown", $"No category {missing}.", missing);
        }
        check.ThrowIfAny();
        (rule.Name, rule.Priority, rule.Active) = (name, input.Priority ?? rule.Priority, input.Active ?? rule.Active);
        (rule.ShopIds, rule.Provinces, rule.WarehouseIds, rule.UpdatedAt) = (shops, provinces, warehouses, db.Time.StoredUtcNow());
        (rule.SkuCodes, rule.CategoryIds) = (codes, categories);
    }

    private static AllocationRuleView View(AllocationRule r) =>
        new(r.Id, r.Priority, r.Name, r.Active, r.ShopIds, r.Provinces, r.WarehouseIds, r.UpdatedAt, r.SkuCodes, r.CategoryIds);
}
