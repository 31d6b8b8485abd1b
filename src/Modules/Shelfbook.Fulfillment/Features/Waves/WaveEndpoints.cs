using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Fulfillment.Features.Bins;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;

namespace Shelfbook.Fulfillment.Features.Waves;

internal static class WaveEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var waves = group.MapGroup("/waves").WithTags("Waves 波次");
        waves.MapPost("/", async (WaveRequest request, Waves handler, CancellationToken ct) => Results.Created((string?)null, await handler.BuildAsync(request, ct)))
            .WithSummary("Build a wave: warehouseId, strategy (SingleItem, MultiItem, SameSku, ByCarrier with carrierCode, ByShop with shopId), maxOrders (1–10,000, "
                         + "200 by default); its audited orders, oldest payment first, move into fulfillment")
            .RequirePermission(FulfillmentPermissions.Pick);
        waves.MapGet("/", (Guid? warehouseId, string? after, int? limit, Waves handler, CancellationToken ct) => handler.ListAsync(warehouseId, PageRequest.From(after, limit), ct))
            .WithSummary("Waves, newest first").RequirePermission(FulfillmentPermissions.Pick);
        waves.MapGet("/{id:guid}", (Guid id, Waves handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("A wave: its orders with their slots and where they stand (intercepted ones flagged), and its pick list by bin")
            .RequirePermission(FulfillmentPermissions.Pick);
        waves.MapPost("/{id:guid}/remove", (Guid id, RemoveFromWave request, Waves handler, CancellationToken ct) => handler.RemoveAsync(id, request, ct))
            .WithSummary("Take orders out of a wave before they ship (back to audited, stock kept)").RequirePermission(FulfillmentPermissions.Pick);
        group.MapGet("/overview", (Overview.FulfillmentOverview handler, CancellationToken ct) => handler.GetAsync(ct)).WithTags("Warehouse board 发货看板")
            .WithSummary("Per warehouse that ships orders itself: orders waiting for a wave, in waves, held, intercepted; waves being picked; today's parcels "
                         + "(tenant's clock) by carrier, weighed grams and failed write-backs")
            .RequirePermission(FulfillmentPermissions.Pick);
        var bins = group.MapGroup("/bins").WithTags("Bins 库位");
        bins.MapGet("/", (Guid warehouseId, string? sku, SkuBins handler, CancellationToken ct) => handler.ListAsync(warehouseId, sku, ct))
            .WithSummary("A warehouse's default bin per SKU, in bin order").RequirePermission(FulfillmentPermissions.Pick);
        bins.MapPut("/", (BinsRequest request, SkuBins handler, CancellationToken ct) => handler.SetAsync(request, ct))
            .WithSummary("Set SKUs' default bins in a warehouse (rows of skuCode, binCode; an empty binCode removes it)").RequirePermission(FulfillmentPermissions.Pick);
        bins.MapPost("/import", async (Guid warehouseId, bool? validOnly, HttpRequest http, SkuBins handler, CancellationToken ct) =>
            {
                var file = http.HasFormContentType ? (await http.ReadFormAsync(ct)).Files.GetFile("file") : null;
                await using var stream = await Shelfbook.Platform.Spreadsheets.Workbooks.OpenUploadAsync(file, ct);
                return await handler.ImportAsync(warehouseId, stream, validOnly ?? false, ct);
            })
            .WithSummary("Bins from an xlsx (form field `file`; columns 商家编码, 库位): every row at fault is named; nothing is written unless validOnly")
            .DisableAntiforgery().RequirePermission(FulfillmentPermissions.Pick);
        bins.MapGet("/export", async (Guid warehouseId, SkuBins handler, CancellationToken ct) =>
                TypedResults.File(await handler.ExportAsync(warehouseId, ct), Shelfbook.Platform.Spreadsheets.Workbooks.ContentType, "库位.xlsx"))
            .WithSummary("A warehouse's bins as xlsx in the import's columns (an example row when it has none)").RequirePermission(FulfillmentPermissions.Pick);
    }
}
