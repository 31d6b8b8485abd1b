using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Catalog.Domain;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Catalog.Features.ManageReplacements;

internal static class ReplacementEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var rules = catalog.MapGroup("/replacements").WithTags("Replacement rules SKU替换");
        rules.MapGet("/", (ManageReplacements handler, CancellationToken ct) => handler.ListAsync(ct))
            .WithSummary("Every replacement rule").RequirePermission(CatalogPermissions.View);
        rules.MapPost("/", async (ReplacementInput input, ManageReplacements handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/catalog/replacements/{created.Id}", created);
            })
            .WithSummary("Add a rule: fill fromCode with factor × toCode (shopId null: every shop; times are UTC unless they carry an offset)")
            .RequirePermission(CatalogPermissions.Edit);
        rules.MapPut("/{id:guid}", (Guid id, ReplacementInput input, ManageReplacements handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Change a rule (active: false pauses it)").RequirePermission(CatalogPermissions.Edit);
        rules.MapDelete("/{id:guid}", async (Guid id, ManageReplacements handler, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete a rule").RequirePermission(CatalogPermissions.Edit);
    }
}
