using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Fulfillment.Features.Ship;

internal static class ShipEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var ship = group.MapGroup("/").WithTags("Shipping 发货");
        ship.MapPost("/ship", (ShipRequest request, ShipParcels handler, CancellationToken ct) => handler.ShipAsync(request, ct))
            .WithSummary("Ship orders: mode Simple (简易发货: rows of orderNo, trackingNo, optional carrierCode; written back to the platforms), WeighShip "
                         + "(称重发货: the same for parcels packed and weighed at the station), OneClick (一键发货: rows or orderIds; nothing written back) or "
                         + "Virtual (虚拟发货: written back now, stock and order left until the parcel completes in any other mode). A result per row")
            .RequirePermission(FulfillmentPermissions.Ship);
        var jobs = group.MapGroup("/ship-jobs").WithTags("Shipping 发货");
        jobs.MapPost("/", async (ShipRequest request, ShipJobs handler, CancellationToken ct) =>
            {
                var job = await handler.CreateAsync(request, ct);
                return TypedResults.Accepted($"/api/v1/fulfillment/ship-jobs/{job.Id}", job);
            })
            .WithSummary("批量发货任务: Simple or OneClick for up to 500,000 orders (rows checked as POST /ship checks them), shipped in the background chunk by "
                         + "chunk; resumable, a result per row").RequirePermission(FulfillmentPermissions.Ship);
        jobs.MapGet("/", (ShipJobs handler, CancellationToken ct) => handler.RecentAsync(ct)).WithSummary("The latest ship jobs, newest first")
            .RequirePermission(FulfillmentPermissions.Ship);
        jobs.MapGet("/{id:guid}", (Guid id, ShipJobs handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("A ship job's progress: total, shipped, skipped, failed, state").RequirePermission(FulfillmentPermissions.Ship);
        jobs.MapGet("/{id:guid}/rows", (Guid id, ShipRowOutcome? outcome, string? after, int? limit, ShipJobs handler, CancellationToken ct) =>
                handler.RowsAsync(id, outcome, PageRequest.From(after, limit), ct))
            .WithSummary("A ship job's rows with their outcome (Pending, Shipped, Skipped, Failed) and reason").RequirePermission(FulfillmentPermissions.Ship);
        jobs.MapPost("/{id:guid}/cancel", (Guid id, ShipJobs handler, CancellationToken ct) => handler.CancelAsync(id, ct))
            .WithSummary("Stop a ship job between chunks (what shipped stays shipped)").RequirePermission(FulfillmentPermissions.Ship);
        ship.MapGet("/parcels", (string? search, string? after, int? limit, ShipQueries handler, CancellationToken ct) =>
                handler.ParcelsAsync(search, PageRequest.From(after, limit), ct))
            .WithSummary("Parcels shipped, newest first; search by order or tracking number").RequirePermission(FulfillmentPermissions.Ship);
        ship.MapGet("/virtual", (Guid? warehouseId, string? after, int? limit, ShipQueries handler, CancellationToken ct) =>
                handler.VirtualOpenAsync(warehouseId, PageRequest.From(after, limit), ct))
            .WithSummary("虚拟发货 not yet completed, oldest first: written back, still to pack and leave (ship them in any mode to complete)")
            .RequirePermission(FulfillmentPermissions.Ship);
        ship.MapGet("/waiting", (Guid? warehouseId, string? after, int? limit, ShipQueries handler, CancellationToken ct) =>
                handler.WaitingAsync(warehouseId, PageRequest.From(after, limit), ct))
            .WithSummary("Audited orders waiting to ship, of one warehouse or all, by order number").RequirePermission(FulfillmentPermissions.Ship);
    }
}
