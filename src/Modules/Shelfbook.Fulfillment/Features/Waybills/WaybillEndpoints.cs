using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Fulfillment.Features.Waybills;

public sealed record CancelWaybillRequest(string? TrackingNo);

internal static class WaybillEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var waybills = group.MapGroup("/waybills").WithTags("Waybills 电子面单");
        waybills.MapPost("/", (FetchWaybillsRequest request, ParcelWaybills handler, CancellationToken ct) => handler.FetchAsync(request, ct))
            .WithSummary("取号: tracking numbers from the carriers for a wave's orders (waveId) or chosen ones (orderIds, up to 10,000); an order numbered before "
                         + "keeps its number; a result per order with the carrier's reason when refused")
            .RequirePermission(FulfillmentPermissions.Print);
        waybills.MapPost("/cancel", (CancelWaybillRequest request, ParcelWaybills handler, CancellationToken ct) =>
                handler.CancelAsync(request.TrackingNo, ct))
            .WithSummary("Cancel a number with its carrier (not once its parcel shipped); the order may be numbered again")
            .RequirePermission(FulfillmentPermissions.Print);
        waybills.MapGet("/", (Guid? waveId, string? search, int? limit, ParcelWaybills handler, CancellationToken ct) => handler.ListAsync(waveId, search, limit ?? 200, ct))
            .WithSummary("The numbers, newest first: of a wave, or by order or tracking number").RequirePermission(FulfillmentPermissions.Print);
    }
}
