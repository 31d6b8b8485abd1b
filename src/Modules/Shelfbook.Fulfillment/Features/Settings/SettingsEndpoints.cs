using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Fulfillment.Features.Settings;

internal static class SettingsEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var modes = group.MapGroup("/ship-modes").WithTags("Settings 发货设置");
        modes.MapGet("/", (ShipModes handler, CancellationToken ct) => handler.WarehousesAsync(ct))
            .WithSummary("Every warehouse with the 发货方式 its orders ship by (none: any mode)").RequirePermission(FulfillmentPermissions.Ship);
        modes.MapPut("/{warehouseId:guid}", (Guid warehouseId, WarehouseModeInput input, ShipModes handler, CancellationToken ct) => handler.SetWarehouseAsync(warehouseId, input, ct))
            .WithSummary("Set a warehouse's 发货方式: WeighShip, Simple, OneClick, Virtual, or none for any").RequirePermission(FulfillmentPermissions.Ship);
        group.MapGet("/order-ship-modes", (ShipModes handler, CancellationToken ct) => handler.OrdersAsync(ct))
            .WithTags("Settings 发货设置").WithSummary("Orders with a 发货方式 of their own, newest first (at most 1,000)").RequirePermission(FulfillmentPermissions.Ship);
        group.MapPost("/order-ship-modes", (OrderModeInput input, ShipModes handler, CancellationToken ct) => handler.SetOrdersAsync(input, ct))
            .WithTags("Settings 发货设置").WithSummary("Orders' own 发货方式 over their warehouse's (none clears it), by orderIds or orderNos; up to 10,000 orders")
            .RequirePermission(FulfillmentPermissions.Ship);
    }
}
