using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Fulfillment.Features.Pack;

internal static class PackEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var pack = group.MapGroup("/pack").WithTags("Verify and pack 验货打包");
        pack.MapGet("/find", (string? code, Guid? warehouseId, Guid? waveId, PackStation handler, CancellationToken ct) => handler.FindAsync(code, warehouseId, waveId, ct))
            .WithSummary("The order a scan names (order number, tracking number, or a slot of waveId) with what it must hold; refused for another warehouse, "
                         + "an intercepted, shipped or unaudited order, or a cancelled number")
            .RequirePermission(FulfillmentPermissions.Pack);
        pack.MapPost("/check", async (PackRequest request, PackStation handler, CancellationToken ct) =>
                await handler.CheckAsync(request.OrderId ?? throw new InputRejectedException("orderId", "required", "Which order?"), request.Scans ?? [], ct))
            .WithSummary("The scans so far against the order: units counted per SKU, and the first scan refused (wrong item, extra item, unknown code)")
            .RequirePermission(FulfillmentPermissions.Pack);
        pack.MapPost("/", (PackRequest request, PackStation handler, CancellationToken ct) => handler.PackAsync(request, ct))
            .WithSummary("验货完成: every unit scanned (scans of code and quantity), nothing wrong or extra; the order is packed")
            .RequirePermission(FulfillmentPermissions.Pack);
        pack.MapPost("/weigh", (WeighRequest request, PackStation handler, CancellationToken ct) => handler.WeighAsync(request, ct))
            .WithSummary("称重: grams (1 g – 150 kg) against the estimate; out of the tenant's tolerance the parcel is held for a check; the freight is priced at the weight")
            .RequirePermission(FulfillmentPermissions.Pack);
        pack.MapPost("/{orderId:guid}/accept-weight", (Guid orderId, PackStation handler, CancellationToken ct) => handler.AcceptWeightAsync(orderId, ct))
            .WithSummary("Accept a weight out of tolerance after the check; the parcel may ship (audited)").RequirePermission(FulfillmentPermissions.Ship);
        pack.MapGet("/held", (Guid? warehouseId, PackStation handler, CancellationToken ct) => handler.HeldAsync(warehouseId, ct))
            .WithSummary("Parcels held for their weight, oldest first").RequirePermission(FulfillmentPermissions.Pack);
        group.MapGet("/settings", async (PackStation handler, CancellationToken ct) =>
            {
                var s = await handler.SettingsAsync(ct);
                return new FulfillmentSettingsView(s.WeightTolerancePercent, s.WeightToleranceGrams);
            })
            .WithTags("Verify and pack 验货打包").WithSummary("The weighing tolerance (percent of the estimate, or grams)").RequirePermission(FulfillmentPermissions.Pack);
        group.MapPut("/settings", (FulfillmentSettingsInput input, PackStation handler, CancellationToken ct) => handler.SetSettingsAsync(input, ct))
            .WithTags("Verify and pack 验货打包").WithSummary("Set the weighing tolerance").RequirePermission(FulfillmentPermissions.Ship);
    }
}
