using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Catalog.Domain;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Catalog.Features.ManageShops;

public sealed record ShopUpdate(string? Platform, string? Code, string? Name, bool? Active);

internal static class ShopEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var shops = catalog.MapGroup("/shops").WithTags("Shops 店铺");
        shops.MapGet("/", (ManageShops handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("Every shop with its listing counts").RequirePermission(CatalogPermissions.View);
        shops.MapPost("/", async (ShopInput input, ManageShops handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/catalog/shops/{created.Id}", created);
            })
            .WithSummary("Add a shop (platform, code, name)").RequirePermission(CatalogPermissions.Edit);
        shops.MapPut("/{id:guid}", (Guid id, ShopUpdate input, ManageShops handler, CancellationToken ct) =>
                handler.UpdateAsync(id, new ShopInput(input.Platform, input.Code, input.Name), input.Active, ct))
            .WithSummary("Edit a shop, or switch it off (active: false)").RequirePermission(CatalogPermissions.Edit);
    }
}
