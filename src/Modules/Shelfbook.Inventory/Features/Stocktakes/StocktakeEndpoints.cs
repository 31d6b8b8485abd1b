using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Inventory.Features.QuickOutbound;
using Shelfbook.Inventory.Features.Transfers;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Inventory.Features.Stocktakes;

/// <summary>The API of the warehouse documents that count and move stock: stocktakes, transfers and quick outbound.</summary>
internal static class StocktakeEndpoints
{
    public static void Map(IEndpointRouteBuilder inventory)
    {
        var stocktakes = inventory.MapGroup("/stocktakes").WithTags("Stocktakes 盘点");
        stocktakes.MapGet("/", (Guid? warehouseId, string? status, string? after, int? limit, ManageStocktakes handler, CancellationToken ct) =>
                handler.ListAsync(warehouseId, status, PageRequest.From(after, limit), ct))
            .WithSummary("Count sheets, newest first").RequirePermission(InventoryPermissions.View);
        stocktakes.MapPost("/", async (StartStocktakeInput input, ManageStocktakes handler, CancellationToken ct) =>
            {
                var started = await handler.StartAsync(input, ct);
                return TypedResults.Created($"/api/v1/inventory/stocktakes/{started.Id}", started);
            })
            .WithSummary("Start counting a warehouse (all SKUs with stock, some categories, or listed SKU codes): the book is snapshotted now")
            .RequirePermission(InventoryPermissions.Stocktake);
        stocktakes.MapGet("/{id:guid}", (Guid id, ManageStocktakes handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One count sheet with its totals (differences and their value)").RequirePermission(InventoryPermissions.View);
        stocktakes.MapGet("/{id:guid}/lines", (Guid id, string? search, bool? differencesOnly, bool? uncountedOnly, string? after, int? limit, ManageStocktakes handler, CancellationToken ct) =>
                handler.LinesAsync(id, new StocktakeLineFilter(search, differencesOnly ?? false, uncountedOnly ?? false), PageRequest.From(after, limit), ct))
            .WithSummary("The sheet's lines in SKU code order; blind sheets hide the book while counting").RequirePermission(InventoryPermissions.View);
        stocktakes.MapPost("/{id:guid}/counts", (Guid id, CountInput input, ManageStocktakes handler, CancellationToken ct) => handler.CountAsync(id, input, ct))
            .WithSummary("Save one count: a scan (mode Add, one unit unless quantity says more) or a typed number (mode Set)")
            .RequirePermission(InventoryPermissions.Stocktake);
        stocktakes.MapPost("/{id:guid}/post", (Guid id, PostStocktakeInput input, ManageStocktakes handler, CancellationToken ct) => handler.PostAsync(id, input, ct))
            .WithSummary("Post the differences as gains and losses (uncountedAsZero: lines not counted count as zero)").RequirePermission(InventoryPermissions.Stocktake);
        stocktakes.MapPost("/{id:guid}/cancel", (Guid id, ManageStocktakes handler, CancellationToken ct) => handler.CancelAsync(id, ct))
            .WithSummary("Cancel a count sheet").RequirePermission(InventoryPermissions.Stocktake);

        var transfers = inventory.MapGroup("/transfers").WithTags("Transfers 调拨");
        transfers.MapGet("/", (Guid? warehouseId, string? status, string? after, int? limit, ManageTransfers handler, CancellationToken ct) =>
                handler.ListAsync(warehouseId, status, PageRequest.From(after, limit), ct))
            .WithSummary("Transfers from or to a warehouse, newest first").RequirePermission(InventoryPermissions.View);
        transfers.MapGet("/{id:guid}", (Guid id, ManageTransfers handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One transfer with shipped, received and in-transit quantities per line").RequirePermission(InventoryPermissions.View);
        transfers.MapPost("/", async (TransferInput input, ManageTransfers handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/inventory/transfers/{created.Id}", created);
            })
            .WithSummary("Create a draft transfer").RequirePermission(InventoryPermissions.Transfer);
        transfers.MapPut("/{id:guid}", (Guid id, TransferInput input, ManageTransfers handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Edit a draft transfer").RequirePermission(InventoryPermissions.Transfer);
        transfers.MapPost("/{id:guid}/ship", (Guid id, ManageTransfers handler, CancellationToken ct) => handler.ShipAsync(id, ct))
            .WithSummary("Ship: stock leaves the source and is in transit to the destination").RequirePermission(InventoryPermissions.Transfer);
        transfers.MapPost("/{id:guid}/receive", (Guid id, ReceiveTransferInput input, ManageTransfers handler, CancellationToken ct) => handler.ReceiveAsync(id, input, ct))
            .WithSummary("Receive what arrived (as often as parts arrive); more than shipped needs a reason").RequirePermission(InventoryPermissions.Transfer);
        transfers.MapPost("/{id:guid}/close", (Guid id, CloseTransferInput input, ManageTransfers handler, CancellationToken ct) => handler.CloseAsync(id, input, ct))
            .WithSummary("Close: what never arrived is written off with the reason").RequirePermission(InventoryPermissions.Transfer);
        transfers.MapPost("/{id:guid}/cancel", (Guid id, ManageTransfers handler, CancellationToken ct) => handler.CancelAsync(id, ct))
            .WithSummary("Cancel a draft transfer").RequirePermission(InventoryPermissions.Transfer);

        var quick = inventory.MapGroup("/quick-outbound").WithTags("Quick outbound 快速出库");
        quick.MapPost("/", (QuickOutboundInput input, PostQuickOutbound handler, CancellationToken ct) => handler.FromApiAsync(input, ct))
            .WithSummary("Post the shipments a third-party warehouse reported against the orders' reservations; unmatched lines are listed")
            .RequirePermission(InventoryPermissions.Adjust);
        quick.MapPost("/upload", async (Guid? warehouseId, IFormFile? file, PostQuickOutbound handler, CancellationToken ct) =>
            {
                await using var stream = await Workbooks.OpenUploadAsync(file, ct);
                return await handler.FromWorkbookAsync(warehouseId, stream, ct);
            })
            .WithSummary("The same from an xlsx (form field `file`; columns 订单号, 商家编码, 数量, 物流单号)")
            .DisableAntiforgery().RequirePermission(InventoryPermissions.Adjust);
        quick.MapGet("/template", () => TypedResults.File(Workbooks.Sheet(PostQuickOutbound.Columns, []), Workbooks.ContentType, "快速出库模板.xlsx"))
            .WithSummary("An empty quick outbound sheet").RequirePermission(InventoryPermissions.View);
    }
}
