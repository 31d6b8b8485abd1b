using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Catalog.Features.ManageCombos;

internal static class ComboEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var combos = catalog.MapGroup("/combos").WithTags("Combos 组合装");
        combos.MapPost("/", async (ComboInput input, ManageCombos handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/catalog/combos/{created.Sku.Id}", created);
            })
            .WithSummary("Create a combo: a SKU made of other SKUs (components by code, alias or barcode)").RequirePermission(CatalogPermissions.Edit);
        combos.MapGet("/{id:guid}", (Guid id, ManageCombos handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("A combo, its components and the plain SKUs one unit takes").RequirePermission(CatalogPermissions.View);
        combos.MapPut("/{id:guid}/components", (Guid id, ComponentsInput input, ManageCombos handler, CancellationToken ct) => handler.SetComponentsAsync(id, input, ct))
            .WithSummary("Replace a combo's components (orders imported later use the new list)").RequirePermission(CatalogPermissions.Edit);

        var settings = catalog.MapGroup("/settings").WithTags("Catalog settings 货品设置");
        settings.MapGet("/", (ManageCombos handler, CancellationToken ct) => handler.SettingsAsync(ct))
            .WithSummary("The catalog settings").RequirePermission(CatalogPermissions.View);
        settings.MapPut("/", (CatalogSettingsInput input, ManageCombos handler, CancellationToken ct) => handler.UpdateSettingsAsync(input, ct))
            .WithSummary("Change the catalog settings (comboPriceBasis: RetailPrice or CostPrice)").RequirePermission(CatalogPermissions.Edit);
    }
}
