using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics.Features.CarrierRules;

public sealed record CarrierRuleInput(string? Name, int? Priority, bool? Active, List<Guid>? WarehouseIds, List<Guid>? ShopIds, List<string>? Destinations,
    int? WeightMin, int? WeightMax, long? PaidMin, long? PaidMax, List<Guid>? ServiceIds, string? Strategy);

public sealed record CarrierRuleView(Guid Id, int Priority, string Name, bool Active, IReadOnlyList<Guid> WarehouseIds, IReadOnlyList<Guid> ShopIds,
    IReadOnlyList<string> Destinations, int? WeightMin, int? WeightMax, long? PaidMin, long? PaidMax, IReadOnlyList<Guid> ServiceIds, CarrierStrategy Strategy,
    DateTime UpdatedAt);

/// <summary>Something a carrier rule may name.</summary>
public sealed record LogisticsChoice(Guid Id, string Code, string Name, bool Active);

public sealed record CarrierRuleChoices(IReadOnlyList<LogisticsChoice> Warehouses, IReadOnlyList<LogisticsChoice> Shops, IReadOnlyList<LogisticsChoice> Services);

/// <summary>物流规则: the rules that choose an audited order's service, by priority.</summary>
public sealed class ManageCarrierRules(TenantDbContext db)
{
    public async Task<IReadOnlyList<CarrierRuleView>> ListAsync(CancellationToken ct) =>
        (await db.Set<CarrierRule>().AsNoTracking().OrderBy(r => r.Priority).ThenBy(r => r.Name).ToListAsync(ct)).Select(View).ToList();

    public async Task<CarrierRuleChoices> ChoicesAsync(CancellationToken ct) => new(
        await WarehouseQueries.Summaries(db).OrderBy(w => w.Code).Select(w => new LogisticsChoice(w.Id, w.Code, w.Name, w.Active)).ToListAsync(ct),
        await ShopQueries.Summaries(db).OrderBy(s => s.Name).Select(s => new LogisticsChoice(s.Id, s.Code, s.Name, s.Active)).ToListAsync(ct),
        (await CarrierQueries.Services(db).ToListAsync(ct)).OrderBy(s => s.CarrierCode, StringComparer.Ordinal).ThenBy(s => s.Code, StringComparer.Ordinal)
            .Select(s => new LogisticsChoice(s.Id, s.CarrierCode + "/" + s.Code, s.CarrierName + " " + s.Name, s.Active)).ToList());

    public async Task<CarrierRuleView> CreateAsync(CarrierRuleInput input, CancellationToken ct)
    {
        var rule = new CarrierRule();
        await ApplyAsync(rule, input, ct);
        db.Add(rule);
        await db.SaveChangesAsync(ct);
        return View(rule);
    }

    public async Task<CarrierRuleView> UpdateAsync(Guid id, CarrierRuleInput input, CancellationToken ct)
    {
        var rule = await db.Set<CarrierRule>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("carrier rule", id);
        await ApplyAsync(rule, input, ct);
        await db.SaveChangesAsync(ct);
        return View(rule);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var rule = await db.Set<CarrierRule>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("carrier rule", id);
        db.Remove(rule);
        await db.SaveChangesAsync(ct);
    }

    private async Task ApplyAsync(CarrierRule rule, CarrierRuleInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var name = check.Required("name", input.Name, CarrierRule.NameMax);
        if (input.Priority is < 0 or > 9999) check.Add("priority", "out_of_range", "priority must be 0–9999.", 0, 9999);
        var warehouses = input.WarehouseIds?.Distinct().ToList() ?? [];
        var knownWarehouses = await WarehouseQueries.Summaries(db).Where(w => warehouses.Contains(w.Id)).Select(w => w.Id).ToListAsync(ct);
        foreach (var missing in warehouses.Except(knownWarehouses)) check.Add("warehouseIds", "unknown", $"No warehouse {missing}.", missing);
        var shops = input.ShopIds?.Distinct().ToList() ?? [];
        var knownShops = await ShopQueries.Summaries(db).Where(s => shops.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        foreach (var missing in shops.Except(knownShops)) check.Add("shopIds", "unknown", $"No shop {missing}.", missing);
        var services = input.ServiceIds?.Distinct().ToList() ?? [];
        var knownServices = await db.Set<CarrierService>().Where(s => services.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        foreach (var missing in services.Except(knownServices)) check.Add("serviceIds", "unknown", $"No service {missing}.", missing);
        var destinations = (input.Destinations ?? []).Select(d => d.Trim()).Where(d => d.Length > 0)
            .Select(d => Destination.IsCountryCode(d) ? d.ToUpperInvariant() : d).Distinct().ToList();
        if (destinations.Any(d => d.Length > 50)) check.Add("destinations", "too_long", "A destination is longer than 50 characters.", 50);
        if (input.WeightMin is < 0) check.Add("weightMin", "negative_weight", "A weight cannot be negative.");
        if (input.WeightMin is { } wmin && input.WeightMax is { } wmax && wmax < wmin) check.Add("weightMax", "empty_range", "The weight range is empty (most below least).");
        if (input.PaidMin is < 0) check.Add("paidMin", "negative_amount", "An amount cannot be negative.");
        if (input.PaidMin is { } pmin && input.PaidMax is { } pmax && pmax < pmin) check.Add("paidMax", "empty_range", "The amount range is empty (most below least).");
        var strategy = input.Strategy is null ? CarrierStrategy.Cheapest : check.OneOf<CarrierStrategy>("strategy", input.Strategy) ?? CarrierStrategy.Cheapest;
        check.ThrowIfAny();
        (rule.Name, rule.Priority, rule.Active) = (name, input.Priority ?? rule.Priority, input.Active ?? rule.Active);
        (rule.WarehouseIds, rule.ShopIds, rule.Destinations, rule.ServiceIds, rule.Strategy) = (warehouses, shops, destinations, services, strategy);
        (rule.WeightMin, rule.WeightMax, rule.PaidMin, rule.PaidMax, rule.UpdatedAt) = (input.WeightMin, input.WeightMax, input.PaidMin, input.PaidMax, db.Time.StoredUtcNow());
    }

    private static CarrierRuleView View(CarrierRule r) => new(r.Id, r.Priority, r.Name, r.Active, r.WarehouseIds, r.ShopIds, r.Destinations, r.WeightMin, r.WeightMax,
        r.PaidMin, r.PaidMax, r.ServiceIds, r.Strategy, r.UpdatedAt);
}
