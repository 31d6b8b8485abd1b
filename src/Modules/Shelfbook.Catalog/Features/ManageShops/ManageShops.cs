using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ManageShops;

public sealed record ShopView(Guid Id, ShopPlatform Platform, string Code, string Name, bool Active, int Listings, int Unmatched);

/// <summary>The minimal shop record (platform, code, name) that listings and replacement rules refer to.</summary>
public sealed class ManageShops(TenantDbContext db)
{
    public async Task<IReadOnlyList<ShopView>> ListAsync(CancellationToken ct)
    {
        var counts = await db.Set<ShopListing>().AsNoTracking().GroupBy(l => l.ShopId)
            .Select(g => new { g.Key, All = g.Count(), Unmatched = g.Count(l => l.Match == ListingMatch.Unmatched) })
            .ToDictionaryAsync(g => g.Key, ct);
        var shops = await db.Set<Shop>().AsNoTracking().OrderBy(s => s.NormalizedCode).ToListAsync(ct);
        return shops.Select(s => new ShopView(s.Id, s.Platform, s.Code, s.Name, s.Active,
            counts.GetValueOrDefault(s.Id)?.All ?? 0, counts.GetValueOrDefault(s.Id)?.Unmatched ?? 0)).ToList();
    }

    public async Task<ShopView> CreateAsync(ShopInput input, CancellationToken ct)
    {
        var shop = Shop.Create(input, db.Time.StoredUtcNow());
        await EnsureCodeFreeAsync(shop, ct);
        db.Set<Shop>().Add(shop);
        await db.SaveOrExplainAsync(() => EnsureCodeFreeAsync(shop, ct), ct);
        return new ShopView(shop.Id, shop.Platform, shop.Code, shop.Name, shop.Active, 0, 0);
    }

    public async Task<ShopView> UpdateAsync(Guid id, ShopInput input, bool? active, CancellationToken ct)
    {
        var shop = await db.Set<Shop>().SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("shop", id);
        shop.Update(input);
        if (active is { } a) shop.SetActive(a);
        await EnsureCodeFreeAsync(shop, ct);
        await db.SaveOrExplainAsync(() => EnsureCodeFreeAsync(shop, ct), ct);
        return (await ListAsync(ct)).Single(s => s.Id == id);
    }

    private async Task EnsureCodeFreeAsync(Shop shop, CancellationToken ct)
    {
        if (await db.Set<Shop>().AnyAsync(s => s.NormalizedCode == shop.NormalizedCode && s.Id != shop.Id, ct))
            throw new InputRejectedException("code", "duplicate", $"'{shop.Code}' already exists.", shop.Code);
    }
}
