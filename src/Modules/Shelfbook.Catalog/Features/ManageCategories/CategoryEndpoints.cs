using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Catalog.Domain;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Catalog.Features.ManageCategories;

internal static class CategoryEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var categories = catalog.MapGroup("/categories").WithTags("Categories 货品分类");
        categories.MapGet("/", (ManageCategories handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("The whole category tree, parents before children").RequirePermission(CatalogPermissions.View);
        categories.MapPost("/", async (CategoryInput input, ManageCategories handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/catalog/categories/{created.Id}", created);
            })
            .WithSummary("Add a category (parentId: under which)").RequirePermission(CatalogPermissions.Edit);
        categories.MapPut("/{id:guid}", (Guid id, CategoryInput input, ManageCategories handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Rename, move or reorder a category").RequirePermission(CatalogPermissions.Edit);
        categories.MapDelete("/{id:guid}", async (Guid id, ManageCategories handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete an empty category").RequirePermission(CatalogPermissions.Edit);
    }
}
