using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shelfbook.Catalog.Domain;
using Shelfbook.Kernel;
using Shelfbook.Platform.Identity;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Catalog.Features.ImportCatalog;

internal static class ImportEndpoints
{
    public static void Map(IEndpointRouteBuilder catalog)
    {
        var import = catalog.MapGroup("/import").WithTags("Import and export 导入导出");
        import.MapGet("/products/template", () => TypedResults.File(ImportProducts.Template(), Workbooks.ContentType, "货品导入模板.xlsx"))
            .WithSummary("The products-and-SKUs template (xlsx)").RequirePermission(CatalogPermissions.Import);
        import.MapPost("/products", async (IFormFile? file, bool? validOnly, string? format, ImportProducts handler, CancellationToken ct) =>
            {
                await using var stream = await Workbooks.OpenUploadAsync(file, ct);
                var result = await handler.ImportAsync(stream, validOnly ?? false, null, ct);
                if (format == "workbook" && result.ErrorWorkbook is { } workbook)
                    return Results.File(workbook, Workbooks.ContentType, "货品导入错误.xlsx");
                return result is { Written: false } ? Results.UnprocessableEntity(result) : Results.Ok(result);
            })
            .WithSummary("Import products and SKUs from an xlsx (form field `file`), upserting by SKU code. Any bad row: nothing is written "
                         + "and the answer is 422 with every row's errors (`format=workbook`: the rows with an error column); `validOnly=true` writes the good rows")
            .DisableAntiforgery()
            .RequirePermission(CatalogPermissions.Import);
        catalog.MapGet("/export/products", async (string? search, string? code, bool? active, string? brand, Guid? categoryId, SkuKind? kind,
                    ExportProducts handler, HttpContext http, CancellationToken ct) =>
            {
                var file = await handler.ExportAsync(new ManageProducts.SkuFilter(search, code, active, brand, categoryId, kind), ct);
                http.Response.RegisterForDisposeAsync(file);
                return TypedResults.File(file, Workbooks.ContentType, $"货品-{DateTime.UtcNow:yyyyMMdd}.xlsx");
            })
            .WithTags("Import and export 导入导出")
            .WithSummary("The SKUs that match the filter, as an xlsx in the import format (re-importing it changes nothing)")
            .RequirePermission(CatalogPermissions.View);

        foreach (var kind in Enum.GetValues<SheetKind>())
        {
            var name = kind.ToString().ToLowerInvariant();
            import.MapGet($"/{name}/template", () => TypedResults.File(ImportMappings.Template(kind), Workbooks.ContentType, $"{name}-template.xlsx"))
                .WithSummary($"The {name} template (xlsx)").RequirePermission(CatalogPermissions.Import);
            import.MapPost($"/{name}", async (IFormFile? file, bool? validOnly, string? format, ImportMappings handler, CancellationToken ct) =>
                {
                    await using var stream = await Workbooks.OpenUploadAsync(file, ct);
                    var result = await handler.ImportAsync(kind, stream, validOnly ?? false, ct);
                    if (format == "workbook" && result.ErrorWorkbook is { } workbook) return Results.File(workbook, Workbooks.ContentType, $"{name}-errors.xlsx");
                    return result is { Written: false } ? Results.UnprocessableEntity(result) : Results.Ok(result);
                })
                .WithSummary($"Import {name} from an xlsx (form field `file`); any bad row: nothing is written (422), unless validOnly=true")
                .DisableAntiforgery()
                .RequirePermission(CatalogPermissions.Import);
            catalog.MapGet($"/export/{name}", async (ImportMappings handler, CancellationToken ct) =>
                    TypedResults.File(await handler.ExportAsync(kind, ct), Workbooks.ContentType, $"{name}-{DateTime.UtcNow:yyyyMMdd}.xlsx"))
                .WithTags("Import and export 导入导出")
                .WithSummary($"All {name} as an xlsx in the import format").RequirePermission(CatalogPermissions.View);
        }
    }

    /// <summary>The upload as a seekable stream, refused before reading when it is missing or too large.</summary>
}
