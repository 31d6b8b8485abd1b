using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Inventory.Features.ManageWarehouses;

internal static class WarehouseEndpoints
{
    public static void Map(IEndpointRouteBuilder inventory)
    {
        var group = inventory.MapGroup("/warehouses").WithTags("Warehouses 仓库");

        group.MapGet("/", (string? search, bool? active, string? type, string? after, int? limit, ManageWarehouses handler, CancellationToken ct) =>
                handler.ListAsync(new WarehouseFilter(search, active, type), PageRequest.From(after, limit), ct))
            .WithSummary("List warehouses by code, a keyset page at a time")
            .RequirePermission(InventoryPermissions.ViewWarehouses);

        group.MapGet("/{id:guid}", (Guid id, ManageWarehouses handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("Get one warehouse")
            .RequirePermission(InventoryPermissions.ViewWarehouses);

        group.MapPost("/", async (WarehouseInput input, ManageWarehouses handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/inventory/warehouses/{created.Id}", created);
            })
            .WithSummary("Create a warehouse")
            .RequirePermission(InventoryPermissions.ManageWarehouses);

        group.MapPut("/{id:guid}", (Guid id, WarehouseInput input, ManageWarehouses handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Update a warehouse")
            .RequirePermission(InventoryPermissions.ManageWarehouses);

        group.MapPost("/{id:guid}/deactivate", (Guid id, ManageWarehouses handler, CancellationToken ct) => handler.SetActiveAsync(id, false, ct))
            .WithSummary("Deactivate a warehouse (it stays in history)")
            .RequirePermission(InventoryPermissions.ManageWarehouses);

        group.MapPost("/{id:guid}/activate", (Guid id, ManageWarehouses handler, CancellationToken ct) => handler.SetActiveAsync(id, true, ct))
            .WithSummary("Activate a warehouse again")
            .RequirePermission(InventoryPermissions.ManageWarehouses);
    }
}
