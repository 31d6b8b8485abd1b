using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Catalog.Features.MapListings;

public sealed record ResolveRequest(IReadOnlyList<LineToResolve>? Lines);

internal static class ListingEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var listings = catalog.MapGroup("/listings").WithTags("Shop listings 店铺商品");
        listings.MapGet("/", (Guid? shopId, ListingMatch? match, string? search, string? after, int? limit, MapListings handler, CancellationToken ct) =>
                handler.ListAsync(new ListingFilter(shopId, match, search), PageRequest.From(after, limit), ct))
            .WithSummary("Listings of one shop or all; match=Unmatched is the queue to work through").RequirePermission(CatalogPermissions.View);
        listings.MapPost("/suggestions", (IReadOnlyList<Guid> ids, MapListings handler, CancellationToken ct) => handler.SuggestAsync(ids, ct))
            .WithSummary("Suggested SKUs for up to 100 listings").RequirePermission(CatalogPermissions.View);
        listings.MapPost("/map", (MapRequest request, MapListings handler, CancellationToken ct) => handler.MapAsync(request, ct))
            .WithSummary("Map listings to SKUs with multipliers, all or nothing (applies to orders imported from now on)")
            .RequirePermission(CatalogPermissions.Edit);
        listings.MapPost("/{id:guid}/unmap", (Guid id, MapListings handler, CancellationToken ct) => handler.UnmapAsync(id, ct))
            .WithSummary("Take a listing's mapping away (it returns to the unmatched queue)").RequirePermission(CatalogPermissions.Edit);
        catalog.MapPost("/shops/{id:guid}/listings", (Guid id, ListingsBatch batch, MapListings handler, CancellationToken ct) => handler.StoreAsync(id, batch, ct))
            .WithTags("Shop listings 店铺商品")
            .WithSummary("Store what the platform lists for a shop (upsert by item and SKU id); matches seller codes and barcodes automatically")
            .RequirePermission(CatalogPermissions.Edit);
        catalog.MapPost("/resolve", (ResolveRequest request, IResolveLines resolver, CancellationToken ct) => resolver.ResolveAsync(request.Lines ?? [], null, ct))
            .WithTags("Shop listings 店铺商品")
            .WithSummary("Resolve order lines to the SKUs to stock and pick (what order intake does), to check a mapping")
            .RequirePermission(CatalogPermissions.View);
    }
}
