using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Catalog.Domain;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Catalog.Features.ManageProducts;

internal static class ProductEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var products = catalog.MapGroup("/products").WithTags("Products 货品");
        products.MapGet("/{id:guid}", (Guid id, ManageProducts handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One product with its SKUs").RequirePermission(CatalogPermissions.View);
        products.MapPost("/", async (ProductInput input, ManageProducts handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/catalog/products/{created.Id}", created);
            })
            .WithSummary("Create a product with its SKUs").RequirePermission(CatalogPermissions.Edit);
        products.MapPut("/{id:guid}", (Guid id, ProductInput input, ManageProducts handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Edit a product's own fields (its SKUs are edited one by one)").RequirePermission(CatalogPermissions.Edit);
        products.MapPost("/{id:guid}/copy", async (Guid id, CopyProductInput input, ManageProducts handler, CancellationToken ct) =>
            {
                var created = await handler.CopyAsync(id, input, ct);
                return TypedResults.Created($"/api/v1/catalog/products/{created.Id}", created);
            })
            .WithSummary("Copy a product with new codes (codes: old → new, or find/replaceWith in every code); barcodes are not copied")
            .RequirePermission(CatalogPermissions.Edit);
        products.MapPost("/{id:guid}/skus", (Guid id, SkuInput input, ManageProducts handler, CancellationToken ct) => handler.AddSkuAsync(id, input, ct))
            .WithSummary("Add a SKU to a product").RequirePermission(CatalogPermissions.Edit);

        var skus = catalog.MapGroup("/skus").WithTags("SKUs 商品规格");
        skus.MapGet("/", (string? search, string? code, bool? active, string? brand, Guid? categoryId, SkuKind? kind, string? after, int? limit,
                    ManageProducts handler, CancellationToken ct) =>
                handler.SearchSkusAsync(new SkuFilter(search, code, active, brand, categoryId, kind), PageRequest.From(after, limit), ct))
            .WithSummary("Find SKUs: `code` is a code, alias or barcode prefix; `search` also matches the product name or spec; `kind` Plain or Combo. Keyset pages by code")
            .RequirePermission(CatalogPermissions.View);
        skus.MapGet("/{id:guid}", (Guid id, ManageProducts handler, CancellationToken ct) => handler.GetSkuAsync(id, ct))
            .WithSummary("One SKU").RequirePermission(CatalogPermissions.View);
        skus.MapGet("/{id:guid}/aliases", (Guid id, ManageProducts handler, CancellationToken ct) => handler.AliasesAsync(id, ct))
            .WithSummary("The SKU's aliases (SKU别名)").RequirePermission(CatalogPermissions.View);
        skus.MapPost("/{id:guid}/aliases", async (Guid id, AliasInput input, ManageProducts handler, CancellationToken ct) =>
            {
                var created = await handler.AddAliasAsync(id, input, ct);
                return TypedResults.Created($"/api/v1/catalog/skus/{id}/aliases", created);
            })
            .WithSummary("Add an alias: another code that means this SKU").RequirePermission(CatalogPermissions.Edit);
        skus.MapDelete("/{id:guid}/aliases/{code}", async (Guid id, string code, ManageProducts handler, CancellationToken ct) =>
            {
                // A code may hold '/', which arrives still escaped in the route value.
                await handler.RemoveAliasAsync(id, Uri.UnescapeDataString(code), ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Remove an alias").RequirePermission(CatalogPermissions.Edit);
        skus.MapPut("/{id:guid}", (Guid id, SkuInput input, ManageProducts handler, CancellationToken ct) => handler.UpdateSkuAsync(id, input, ct))
            .WithSummary("Edit a SKU").RequirePermission(CatalogPermissions.Edit);
        skus.MapPost("/{id:guid}/deactivate", (Guid id, ManageProducts handler, CancellationToken ct) => handler.SetSkuActiveAsync(id, false, ct))
            .WithSummary("Deactivate a SKU (it stays in history)").RequirePermission(CatalogPermissions.Edit);
        skus.MapPost("/{id:guid}/activate", (Guid id, ManageProducts handler, CancellationToken ct) => handler.SetSkuActiveAsync(id, true, ct))
            .WithSummary("Activate a SKU again").RequirePermission(CatalogPermissions.Edit);
    }
}
