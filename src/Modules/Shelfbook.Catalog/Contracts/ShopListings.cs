using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.MapListings;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Catalog.Contracts;

/// <summary>What a platform says about one of a shop's sellable variants (what the Channels module fetches).</summary>
public sealed record ListingInput(
    string? PlatformItemId, string? PlatformSkuId = null, string? SellerCode = null, string? Title = null, string? Spec = null,
    long? Price = null, string? Barcode = null);

/// <summary>What storing a batch of listings did: new, updated, matched automatically, and still unmatched (in the queue).</summary>
public sealed record ListingsStored(int Created, int Updated, int MatchedAutomatically, int Unmatched);

/// <summary>What other modules may know of a shop listing (店铺商品) and its mapping: the SKU it sells, times the multiplier.</summary>
public sealed class ListingSummary
{
    public Guid Id { get; init; }
    public Guid ShopId { get; init; }
    public string PlatformItemId { get; init; } = "";

    /// <summary>Empty for an item without variants.</summary>
    public string PlatformSkuId { get; init; } = "";

    public string? SellerCode { get; init; }
    public string? Title { get; init; }
    public string? Spec { get; init; }

    /// <summary>The SKU (plain or combo) one unit of the listing is; null while unmatched.</summary>
    public Guid? SkuId { get; init; }

    /// <summary>How many units of <see cref="SkuId"/> one unit of the listing is ("2-pack" → 2).</summary>
    public int Multiplier { get; init; }
}

/// <summary>
/// Shop listings for the Channels module: store what a platform lists (the catalog matches each one by seller code or
/// barcode on the way; the rest land in its unmatched queue), and read the listings with their mapping.
/// </summary>
public interface IShopListings
{
    IQueryable<ListingSummary> Listings { get; }

    /// <summary>Creates or updates the shop's listings by (item id, SKU id); bad rows are refused by name and nothing is stored.</summary>
    Task<ListingsStored> StoreAsync(Guid shopId, IReadOnlyList<ListingInput> listings, CancellationToken ct = default);
}

internal sealed class ShopListings(TenantDbContext db, MapListings map) : IShopListings
{
    public IQueryable<ListingSummary> Listings => db.Set<ShopListing>().AsNoTracking().Select(l => new ListingSummary
    {
        Id = l.Id, ShopId = l.ShopId, PlatformItemId = l.PlatformItemId, PlatformSkuId = l.PlatformSkuId, SellerCode = l.SellerCode, Title = l.Title,
        Spec = l.Spec, SkuId = l.SkuId, Multiplier = l.Multiplier,
    });

    public Task<ListingsStored> StoreAsync(Guid shopId, IReadOnlyList<ListingInput> listings, CancellationToken ct = default) =>
        map.StoreAsync(shopId, new ListingsBatch(listings), ct);
}
