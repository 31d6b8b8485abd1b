using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Features.AuditRules;

/// <summary>An audit rule as entered: conditions (all optional) and actions (at least one). Amounts in minor units.</summary>
public sealed record AuditRuleInput(
    string? Name, int? Priority, bool? Active,
    List<Guid>? ShopIds = null, List<string>? Platforms = null, long? PaidMin = null, long? PaidMax = null, List<string>? SkuCodes = null,
    List<Guid>? CategoryIds = null, List<string>? Brands = null, List<string>? Provinces = null, bool? HasRemark = null, int? LinesMin = null,
    int? LinesMax = null, int? WeightMin = null, int? WeightMax = null, bool? Presale = null, List<string>? Tags = null,
    string? HoldReason = null, bool Flag = false, Guid? WarehouseId = null, string? CarrierCode = null, string? AddTag = null, bool AutoAudit = false,
    bool Stop = false);

/// <summary>审核规则: the tenant's rules, by priority; each change is checked field by field and audited.</summary>
public sealed class ManageAuditRules(TenantDbContext db)
{
    public async Task<IReadOnlyList<AuditRule>> ListAsync(CancellationToken ct) =>
        await db.Set<AuditRule>().AsNoTracking().OrderBy(r => r.Priority).ThenBy(r => r.Name).ToListAsync(ct);

    public async Task<AuditRule> CreateAsync(AuditRuleInput input, CancellationToken ct)
    {
        var rule = new AuditRule();
        await ApplyAsync(rule, input, ct);
        db.Add(rule);
        await db.SaveChangesAsync(ct);
        return rule;
    }

    public async Task<AuditRule> UpdateAsync(Guid id, AuditRuleInput input, CancellationToken ct)
    {
        var rule = await db.Set<AuditRule>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("audit_rule", id);
        await ApplyAsync(rule, input, ct);
        await db.SaveChangesAsync(ct);
        return rule;
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var rule = await db.Set<AuditRule>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("audit_rule", id);
        db.Remove(rule);
        await db.SaveChangesAsync(ct);
    }

    internal static List<string> Texts(InputCheck check, string field, List<string>? values, int max)
    {
        var list = values?.Select(v => v?.Trim() ?? "").Where(v => v.Length > 0).Distinct().ToList() ?? [];
        if (list.Any(v => v.Length > max)) check.Add(field, "too_long", $"An entry of {field} is longer than {max} characters.", max);
        if (list.Count > 500) check.Add(field, "too_many", $"At most 500 entries in {field}.", 500);
        return list;
    }

    /// <summary>Checks every field, naming each one at fault, before anything changes.</summary>
    private async Task ApplyAsync(AuditRule rule, AuditRuleInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var name = check.Required("name", input.Name, AuditRule.NameMax);
        if (input.Priority is < 0 or > 9999) check.Add("priority", "out_of_range", "priority must be 0–9999.", 0, 9999);
        var shops = input.ShopIds?.Distinct().ToList() ?? [];
        var knownShops = await ShopQueries.Summaries(db).Where(s => shops.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        foreach (var missing in shops.Except(knownShops)) check.Add("shopIds", "unknown", $"No shop {missing}.", missing);
        var platforms = Texts(check, "platforms", input.Platforms, 20);
        foreach (var p in platforms.Where(p => !Enum.TryParse<ShopPlatform>(p, true, out _))) check.Add("platforms", "unknown_value", $"No platform {p}.", p, string.Join(", ", Enum.GetNames<ShopPlatform>()));
        platforms = platforms.Select(p => Enum.TryParse<ShopPlatform>(p, true, out var known) ? known.ToString() : p).ToList();
        foreach (var (field, value) in new[] { ("paidMin", input.PaidMin), ("paidMax", input.PaidMax), ("linesMin", input.LinesMin), ("linesMax", input.LinesMax),
                     ("weightMin", input.WeightMin), ("weightMax", input.WeightMax) })
            if (value is < 0) check.Add(field, "negative", $"{field} cannot be negative.");
        if (input.PaidMin > input.PaidMax) check.Add("paidMax", "below_min", "paidMax is below paidMin.");
        if (input.LinesMin > input.LinesMax) check.Add("linesMax", "below_min", "linesMax is below linesMin.");
        if (input.WeightMin > input.WeightMax) check.Add("weightMax", "below_min", "weightMax is below weightMin.");
        var codes = Texts(check, "skuCodes", input.SkuCodes, 64);
        var categories = input.CategoryIds?.Distinct().ToList() ?? [];
        var brands = Texts(check, "brands", input.Brands, 50);
        var provinces = Texts(check, "provinces", input.Provinces, 50);
        var tags = Texts(check, "tags", input.Tags, AuditRule.TagMax);
        var hold = check.Optional("holdReason", input.HoldReason, 200);
        var carrier = check.Optional("carrierCode", input.CarrierCode, 32);
        var addTag = check.Optional("addTag", input.AddTag, AuditRule.TagMax);
        if (input.WarehouseId is { } warehouse && !await WarehouseQueries.Summaries(db).AnyAsync(w => w.Id == warehouse, ct))
            check.Add("warehouseId", "unknown", $"No warehouse {warehouse}.", warehouse);
        if (hold is null && !input.Flag && input.WarehouseId is null && carrier is null && addTag is null && !input.AutoAudit)
            check.Add("actions", "required", "Choose at least one thing for the rule to do.");
        if (input.AutoAudit && (hold is not null || input.Flag))
            check.Add("autoAudit", "conflict", "A rule that holds or flags an order cannot also audit it.");
        check.ThrowIfAny();
        (rule.Name, rule.Priority, rule.Active) = (name, input.Priority ?? rule.Priority, input.Active ?? rule.Active);
        (rule.ShopIds, rule.Platforms, rule.PaidMin, rule.PaidMax, rule.SkuCodes, rule.CategoryIds, rule.Brands, rule.Provinces) =
            (shops, platforms, input.PaidMin, input.PaidMax, codes, categories, brands, provinces);
        (rule.HasRemark, rule.LinesMin, rule.LinesMax, rule.WeightMin, rule.WeightMax, rule.Presale, rule.Tags) =
            (input.HasRemark, input.LinesMin, input.LinesMax, input.WeightMin, input.WeightMax, input.Presale, tags);
        (rule.HoldReason, rule.Flag, rule.WarehouseId, rule.CarrierCode, rule.AddTag, rule.AutoAudit, rule.Stop) =
            (hold, input.Flag, input.WarehouseId, carrier, addTag, input.AutoAudit, input.Stop);
        rule.UpdatedAt = db.Time.StoredUtcNow();
    }
}
