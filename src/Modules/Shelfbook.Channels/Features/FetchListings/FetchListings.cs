using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.FetchListings;

/// <summary>What fetching a shop's listings did: read from the platform, new and updated in the catalog, matched automatically, left unmatched.</summary>
public sealed record ListingsFetched(Guid ShopId, int Fetched, int Created, int Updated, int MatchedAutomatically, int Unmatched);

/// <summary>
/// 一键抓取平台货品: reads every listing of a shop from its platform, a page at a time, into the catalog's shop listings
/// (the catalog matches each by seller code or barcode; the rest land in its unmatched queue), and keeps the quantity
/// each listing showed for the stock drift page. A variant listed twice on one page is taken once.
/// </summary>
public sealed class FetchListings(TenantDbContext db, ShopLinks links, IShopListings listings)
{
    public async Task<ListingsFetched> RunAsync(Guid shopId, CancellationToken ct)
    {
        if (!await ShopQueries.Summaries(db).AnyAsync(s => s.Id == shopId, ct)) throw new NotFoundException("shop", shopId);
        try
        {
            return await FetchAsync(shopId, ct);
        }
        catch (PlatformCallException e)
        {
            // What the platform said, as a rule the caller can show; refused credentials also mark the shop.
            if (e.Failure == PlatformFailure.Authorization)
            {
                var (at, text) = (db.Time.StoredUtcNow(), PlatformValues.Cut(e.Message, 1000));
                await db.Set<ShopConnection>().Where(c => c.ShopId == shopId).ExecuteUpdateAsync(u => u
                    .SetProperty(c => c.Health, ConnectionHealth.AuthorizationNeeded).SetProperty(c => c.LastError, text).SetProperty(c => c.LastErrorAt, at)
                    .SetProperty(c => c.NextSyncAt, (DateTime?)null), CancellationToken.None);
            }
            throw new RuleViolatedException("connection.platform_refused", $"The platform refused to list the shop's items: {e.Message}", e.Message);
        }
    }

    private async Task<ListingsFetched> FetchAsync(Guid shopId, CancellationToken ct)
    {
        var link = await links.OpenAsync(shopId, ct);
        var (fetched, created, updated, matched) = (0, 0, 0, 0);
        await foreach (var page in link.Connector.FetchListingsAsync(link.Context, ct))
        {
            var distinct = page.DistinctBy(l => (l.PlatformItemId, l.PlatformSkuId)).ToList();
            fetched += distinct.Count;
            var stored = await listings.StoreAsync(shopId,
                distinct.Select(l => new ListingInput(l.PlatformItemId, l.PlatformSkuId, l.SellerCode, l.Title, l.Spec, l.Price, l.Barcode)).ToList(), ct);
            (created, updated, matched) = (created + stored.Created, updated + stored.Updated, matched + stored.MatchedAutomatically);
            await RecordQuantitiesAsync(shopId, distinct, ct);
        }
        var unmatched = await listings.Listings.CountAsync(l => l.ShopId == shopId && l.SkuId == null, ct);
        return new ListingsFetched(shopId, fetched, created, updated, matched, unmatched);
    }

    private Task RecordQuantitiesAsync(Guid shopId, List<PlatformListing> page, CancellationToken ct) =>
        PushStock.PushStock.OnceMoreIfRacedAsync(db, () => RecordOnceAsync(shopId, page, ct));

    private async Task RecordOnceAsync(Guid shopId, List<PlatformListing> page, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var itemIds = page.Select(l => l.PlatformItemId).Distinct().ToList();
        var ids = (await listings.Listings.Where(l => l.ShopId == shopId && itemIds.Contains(l.PlatformItemId))
                .Select(l => new { l.Id, l.PlatformItemId, l.PlatformSkuId }).ToListAsync(ct))
            .ToDictionary(l => (l.PlatformItemId, l.PlatformSkuId), l => l.Id);
        var listingIds = ids.Values.ToList();
        var rows = await db.Set<ListingStock>().Where(l => listingIds.Contains(l.ListingId)).ToDictionaryAsync(l => l.ListingId, ct);
        foreach (var listing in page)
        {
            if (listing.Quantity is not { } quantity || !ids.TryGetValue((listing.PlatformItemId, listing.PlatformSkuId), out var id)) continue;
            if (!rows.TryGetValue(id, out var row)) db.Set<ListingStock>().Add(row = ListingStock.Create(id, shopId, now));
            row.Saw(quantity, now);
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }
}
