using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Catalog.Domain;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Catalog.Features.ManageSuppliers;

internal static class SupplierEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var suppliers = catalog.MapGroup("/suppliers").WithTags("Suppliers 供应商");
        suppliers.MapGet("/", (ManageSuppliers handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("Every supplier with the number of products it supplies by default").RequirePermission(CatalogPermissions.View);
        suppliers.MapPost("/", async (SupplierInput input, ManageSuppliers handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/catalog/suppliers/{created.Id}", created);
            })
            .WithSummary("Add a supplier").RequirePermission(CatalogPermissions.Edit);
        suppliers.MapPut("/{id:guid}", (Guid id, SupplierInput input, ManageSuppliers handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Edit a supplier (active: false switches it off)").RequirePermission(CatalogPermissions.Edit);
    }
}
