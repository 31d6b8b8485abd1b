using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Alerts;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.StockDocuments;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Inventory.Features.StockViews;

internal static class StockEndpoints
{
    public static void Map(IEndpointRouteBuilder inventory)
    {
        var stock = inventory.MapGroup("/stock").WithTags("Stock 库存");
        stock.MapGet("/", (string? search, Guid? warehouseId, Guid? categoryId, bool? inStockOnly, bool? includeCombos, DateTime? asOf, string? after, int? limit,
                    StockQueries handler, CancellationToken ct) =>
                handler.ListAsync(new StockFilter(search, warehouseId, categoryId, inStockOnly ?? false, includeCombos ?? true), PageRequest.From(after, limit),
                    asOf is { } at ? TenantTime.FromApi(at) : null, ct))
            .WithSummary("Stock by SKU (code order, keyset pages): on hand, reserved, available, non-sellable and in transit per warehouse; combos from their parts; "
                         + "`asOf` gives on hand at a past time")
            .RequirePermission(InventoryPermissions.View);
        stock.MapGet("/export", async (string? search, Guid? warehouseId, Guid? categoryId, DateTime? asOf, StockQueries handler, HttpContext http, CancellationToken ct) =>
            {
                var file = await handler.ExportAsync(new StockFilter(search, warehouseId, categoryId), asOf is { } at ? TenantTime.FromApi(at) : null, ct);
                http.Response.RegisterForDisposeAsync(file);
                return TypedResults.File(file, Workbooks.ContentType, $"库存-{DateTime.UtcNow:yyyyMMdd}.xlsx");
            })
            .WithSummary("Stock per SKU and warehouse as xlsx (optionally as of a past time)")
            .RequirePermission(InventoryPermissions.View);
        stock.MapGet("/ledger/{skuId:guid}", (Guid skuId, Guid? warehouseId, DateTime? from, DateTime? to, string? after, int? limit, StockQueries handler, CancellationToken ct) =>
                handler.LedgerAsync(skuId, warehouseId, from is { } f ? TenantTime.FromApi(f) : null, to is { } t ? TenantTime.FromApi(t) : null, PageRequest.From(after, limit), ct))
            .WithSummary("A SKU's movements, newest first, each with the balance it left")
            .RequirePermission(InventoryPermissions.View);

        var movements = inventory.MapGroup("/movements").WithTags("Stock 库存");
        movements.MapPost("/", (MovementsInput input, RecordMovements handler, CancellationToken ct) => handler.RecordAsync(input, ct))
            .WithSummary("Post receipts, issues and returns from another system. Each movement carries an idempotency key: a request sent again "
                         + "answers the first result with `replayed: true` and changes nothing. All or nothing; errors name movements[i]")
            .RequirePermission(InventoryPermissions.Adjust);

        var documents = inventory.MapGroup("/documents").WithTags("Stock documents 出入库单");
        documents.MapGet("/", (string? kind, string? status, Guid? warehouseId, string? search, string? after, int? limit, ManageStockDocuments handler, CancellationToken ct) =>
                handler.ListAsync(new StockDocumentFilter(kind, status, warehouseId, search), PageRequest.From(after, limit), ct))
            .WithSummary("Manual in/out and condition change documents, newest first").RequirePermission(InventoryPermissions.View);
        documents.MapGet("/{id:guid}", (Guid id, ManageStockDocuments handler, CancellationToken ct) => handler.GetAsync(id, ct))
            .WithSummary("One document with its lines").RequirePermission(InventoryPermissions.View);
        documents.MapPost("/", async (StockDocumentInput input, ManageStockDocuments handler, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(input, ct);
                return TypedResults.Created($"/api/v1/inventory/documents/{created.Id}", created);
            })
            .WithSummary("Create a draft (kind ManualIn, ManualOut or ConditionChange; lines name SKUs by id or code)").RequirePermission(InventoryPermissions.Adjust);
        documents.MapPut("/{id:guid}", (Guid id, StockDocumentInput input, ManageStockDocuments handler, CancellationToken ct) => handler.UpdateAsync(id, input, ct))
            .WithSummary("Edit a draft").RequirePermission(InventoryPermissions.Adjust);
        documents.MapPost("/{id:guid}/post", (Guid id, ManageStockDocuments handler, CancellationToken ct) => handler.PostAsync(id, ct))
            .WithSummary("Post a draft: its movements are written; a posted document cannot change").RequirePermission(InventoryPermissions.Adjust);
        documents.MapPost("/{id:guid}/cancel", (Guid id, ManageStockDocuments handler, CancellationToken ct) => handler.CancelAsync(id, ct))
            .WithSummary("Cancel a draft").RequirePermission(InventoryPermissions.Adjust);

        var reasons = inventory.MapGroup("/reasons").WithTags("Stock documents 出入库单");
        reasons.MapGet("/", (bool? activeOnly, ManageStockReasons handler, CancellationToken ct) => handler.ListAsync(activeOnly ?? false, ct))
            .WithSummary("Reason codes for manual in/out and differences").RequirePermission(InventoryPermissions.View);
        reasons.MapPost("/", async (StockReasonInput input, ManageStockReasons handler, CancellationToken ct) =>
                TypedResults.Created($"/api/v1/inventory/reasons/{input.Code}", await handler.CreateAsync(input, ct)))
            .WithSummary("Add a reason code (direction In, Out or Both)").RequirePermission(InventoryPermissions.Adjust);
        reasons.MapPut("/{code}", (string code, StockReasonInput input, ManageStockReasons handler, CancellationToken ct) => handler.UpdateAsync(code, input, ct))
            .WithSummary("Rename, re-sort or switch off a reason code").RequirePermission(InventoryPermissions.Adjust);

        var alerts = inventory.MapGroup("/alerts").WithTags("Stock alerts 库存预警");
        alerts.MapGet("/low-stock", (Guid? warehouseId, string? after, int? limit, StockAlerts handler, CancellationToken ct) =>
                handler.LowAsync(warehouseId, PageRequest.From(after, limit), ct))
            .WithSummary("SKUs whose available stock is below their safety stock (over all warehouses, or in one)").RequirePermission(InventoryPermissions.View);
        alerts.MapGet("/stagnant", (Guid? warehouseId, string? after, int? limit, StockAlerts handler, CancellationToken ct) =>
                handler.StagnantAsync(warehouseId, PageRequest.From(after, limit), ct))
            .WithSummary("Stock on hand with no outbound for the tenant's stagnant days").RequirePermission(InventoryPermissions.View);
        inventory.MapGet("/settings", async (StockAlerts handler, CancellationToken ct) => new InventorySettingsInput(await handler.StagnantDaysAsync(ct)))
            .WithTags("Stock alerts 库存预警").WithSummary("The tenant's inventory settings").RequirePermission(InventoryPermissions.View);
        inventory.MapPut("/settings", async (InventorySettingsInput input, StockAlerts handler, CancellationToken ct) => new InventorySettingsInput(await handler.SetStagnantDaysAsync(input, ct)))
            .WithTags("Stock alerts 库存预警").WithSummary("Set after how many days without outbound stock is stagnant").RequirePermission(InventoryPermissions.Adjust);
    }
}
