using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Fulfillment.Features.Dropship;

internal static class DropshipEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var dropship = group.MapGroup("/dropship").WithTags("Dropship 即买即售");
        dropship.MapGet("/suppliers", (DropshipOrders handler, CancellationToken ct) => handler.SuppliersAsync(ct))
            .WithSummary("Suppliers with dropship warehouses: their warehouses, the orders waiting for them and how many were never sent")
            .RequirePermission(FulfillmentPermissions.Ship);
        dropship.MapGet("/", (Guid? supplierId, string? state, DropshipOrders handler, CancellationToken ct) => handler.ListAsync(supplierId, state, ct))
            .WithSummary("Dropship orders of a supplier (or all), oldest payment first; state new (never sent), sent, or all (intercepted ones that were sent are flagged)")
            .RequirePermission(FulfillmentPermissions.Ship);
        dropship.MapGet("/export", async (Guid supplierId, bool? onlyNew, DropshipOrders handler, CancellationToken ct) =>
                TypedResults.File(await handler.ExportAsync(supplierId, onlyNew ?? true, ct), Workbooks.ContentType, $"代发单-{DateTime.UtcNow:yyyyMMdd-HHmm}.xlsx"))
            .WithSummary("The supplier's dropship orders as xlsx, a row per item, with 物流公司 and 快递单号 to fill in; marks them sent (onlyNew, default true: only those never sent)")
            .RequirePermission(FulfillmentPermissions.Ship);
        dropship.MapGet("/template", () => TypedResults.File(DropshipOrders.Template(), Workbooks.ContentType, "代发单模板.xlsx"))
            .WithSummary("The dropship sheet's columns without orders (marks nothing sent)").RequirePermission(FulfillmentPermissions.Ship);
        dropship.MapPost("/import", async (bool? validOnly, string? answer, HttpRequest http, DropshipOrders handler, CancellationToken ct) =>
            {
                var file = http.HasFormContentType ? (await http.ReadFormAsync(ct)).Files.GetFile("file") : null;
                await using var stream = await Workbooks.OpenUploadAsync(file, ct);
                var result = await handler.ImportAsync(stream, validOnly ?? false, ct);
                return answer == "workbook" && result.ErrorWorkbook is { } workbook
                    ? Results.File(workbook, Workbooks.ContentType, "代发回单错误.xlsx")
                    : Results.Ok(result);
            })
            .DisableAntiforgery()
            .WithSummary("The supplier's sheet back with carriers and tracking numbers: ships those orders (Dropship) and writes the numbers back. Rows at fault are named "
                         + "and nothing ships unless validOnly; answer=workbook returns the rows with their errors as xlsx")
            .RequirePermission(FulfillmentPermissions.Ship);
    }
}
