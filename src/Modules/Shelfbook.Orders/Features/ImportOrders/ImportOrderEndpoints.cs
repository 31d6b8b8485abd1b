using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Orders.Features.ImportOrders;

internal static class ImportOrderEndpoints
{
    public static void Map(IEndpointRouteBuilder group)
    {
        var import = group.MapGroup("/import").WithTags("Orders 系统订单");
        import.MapGet("/template", (string? format) =>
                TypedResults.File(ImportOrders.Template(FormatOf(format)), Workbooks.ContentType, $"订单导入模板-{FormatOf(format).ToString().ToLowerInvariant()}.xlsx"))
            .WithSummary("The order import sheet (xlsx) of a format: generic (the default), taobao, pinduoduo, douyin or jd (the platforms' order exports)")
            .RequirePermission(OrdersPermissions.Edit);
        import.MapPost("/", async (IFormFile? file, string? format, bool? validOnly, string? answer, ImportOrders handler, CancellationToken ct) =>
            {
                var sheet = FormatOf(format);
                await using var stream = await Workbooks.OpenUploadAsync(file, ct);
                var result = await handler.ImportAsync(sheet, stream, validOnly ?? false, null, ct);
                if (answer == "workbook" && result.ErrorWorkbook is { } workbook) return Results.File(workbook, Workbooks.ContentType, "订单导入错误.xlsx");
                return result is { Written: false } ? Results.UnprocessableEntity(result) : Results.Ok(result);
            })
            .WithSummary("Import orders from an xlsx (form field `file`) in a format (generic, taobao, pinduoduo, douyin, jd), one row per line, the rows of "
                         + "an order sharing its order number. Any bad row: nothing is written and the answer is 422 with every row's errors "
                         + "(`answer=workbook`: the rows with an error column); `validOnly=true` writes the orders without a bad row. Order numbers already "
                         + "in Shelfbook for the shop are skipped")
            .DisableAntiforgery()
            .RequirePermission(OrdersPermissions.Edit);
    }

    private static OrderSheetFormat FormatOf(string? format) =>
        string.IsNullOrWhiteSpace(format) ? OrderSheetFormat.Generic
        : Enum.TryParse<OrderSheetFormat>(format, ignoreCase: true, out var f) && Enum.IsDefined(f) && !int.TryParse(format, out _) ? f
        : throw new InputRejectedException("format", "unknown_value", $"'{format}' is not a format: generic, taobao, pinduoduo, douyin or jd.", format,
            "generic, taobao, pinduoduo, douyin, jd");
}
