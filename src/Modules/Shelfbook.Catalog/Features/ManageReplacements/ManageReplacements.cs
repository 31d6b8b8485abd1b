using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ManageReplacements;

public sealed record ReplacementView(
    Guid Id, Guid FromSkuId, string FromCode, Guid ToSkuId, string ToCode, int Factor, Guid? ShopId, string? ShopName, DateTime? StartsAt, DateTime? EndsAt,
    bool OnlyWhenOutOfStock, string? Note, bool Active, DateTime CreatedAt);

/// <summary>Replacement rules (SKU替换): the rule store the resolution function reads. Rules are few; the list is not paged.</summary>
public sealed class ManageReplacements(TenantDbContext db)
{
    public async Task<IReadOnlyList<ReplacementView>> ListAsync(CancellationToken ct)
    {
        var rules = await db.Set<SkuReplacement>().AsNoTracking().ToListAsync(ct);
        var skuIds = rules.SelectMany(r => new[] { r.FromSkuId, r.ToSkuId }).Distinct().ToList();
        var codes = await db.Set<Sku>().AsNoTracking().Where(s => skuIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Code, ct);
        var shops = await db.Set<Shop>().AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        return rules
            .Select(r => new ReplacementView(r.Id, r.FromSkuId, codes[r.FromSkuId], r.ToSkuId, codes[r.ToSkuId], r.Factor, r.ShopId,
                r.ShopId is { } shop ? shops[shop] : null, r.StartsAt, r.EndsAt, r.OnlyWhenOutOfStock, r.Note, r.Active, r.CreatedAt))
            .OrderBy(v => v.FromCode, StringComparer.Ordinal).ThenBy(v => v.CreatedAt)
            .ToList();
    }

    public async Task<ReplacementView> CreateAsync(ReplacementInput input, CancellationToken ct)
    {
        var (from, to) = await SkusAsync(input, ct);
        await EnsureShopAsync(input.ShopId, ct);
        var rule = SkuReplacement.Create(input, from, to, db.Time.StoredUtcNow());
        db.Set<SkuReplacement>().Add(rule);
        await db.SaveChangesAsync(ct);
        return (await ListAsync(ct)).Single(r => r.Id == rule.Id);
    }

    public async Task<ReplacementView> UpdateAsync(Guid id, ReplacementInput input, CancellationToken ct)
    {
        var rule = await db.Set<SkuReplacement>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("sku_replacement", id);
        var (from, to) = await SkusAsync(input, ct);
        await EnsureShopAsync(input.ShopId, ct);
        rule.Update(input, from, to);
        await db.SaveChangesAsync(ct);
        return (await ListAsync(ct)).Single(r => r.Id == id);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var rule = await db.Set<SkuReplacement>().SingleOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("sku_replacement", id);
        db.Set<SkuReplacement>().Remove(rule);
        await db.SaveChangesAsync(ct);
    }

    private async Task<(Sku? From, Sku? To)> SkusAsync(ReplacementInput input, CancellationToken ct)
    {
        var codes = new[] { input.FromCode, input.ToCode }.OfType<string>().Select(Sku.Normalize).ToList();
        var found = await db.Set<CatalogCode>().Where(c => codes.Contains(c.Value)).Join(db.Set<Sku>(), c => c.SkuId, s => s.Id, (c, s) => new { c.Value, Sku = s })
            .ToDictionaryAsync(x => x.Value, x => x.Sku, ct);
        return (input.FromCode is null ? null : found.GetValueOrDefault(Sku.Normalize(input.FromCode)),
            input.ToCode is null ? null : found.GetValueOrDefault(Sku.Normalize(input.ToCode)));
    }

    private async Task EnsureShopAsync(Guid? shopId, CancellationToken ct)
    {
        if (shopId is { } id && !await db.Set<Shop>().AnyAsync(s => s.Id == id, ct))
            throw new InputRejectedException("shopId", "not_found", "The shop does not exist.");
    }
}
