using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using MiniExcelLibs;
using Shelfbook.Catalog.Features.ImportCatalog;
using Shelfbook.Catalog.Features.ManageCategories;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Kernel;
using Shelfbook.TestKit;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Catalog.Tests.Features.ImportCatalog;

public abstract class ImportTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Import = "/api/v1/catalog/import/products";

    private static Dictionary<string, object?> Row(string code, string name = "纯棉T恤", string? spec = null, string? barcodes = null, object? retail = null, object? weight = null, string? category = null) =>
        new Dictionary<string, object?>
        {
            ["商家编码"] = code, ["货品名称"] = name, ["规格"] = spec, ["条码"] = barcodes, ["零售价(元)"] = retail, ["重量(克)"] = weight, ["分类"] = category,
        };

    private static byte[] Sheet(IEnumerable<IDictionary<string, object?>> rows)
    {
        // MiniExcel takes the header from the first row, so every row gets every column.
        var list = rows.ToList();
        var keys = list.SelectMany(r => r.Keys).Distinct().ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(list.Select(r => keys.ToDictionary(k => k, k => r.TryGetValue(k, out var v) ? v : null)), excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private async Task<HttpResponseMessage> UploadAsync(byte[] file, string query = "", string path = Import)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(Workbooks.ContentType);
        form.Add(content, "file", "products.xlsx");
        return await Session.Api.PostAsync(new Uri(path + query, UriKind.Relative), form);
    }

    private async Task<ImportResult> ImportAsync(byte[] file, HttpStatusCode expected = HttpStatusCode.OK, string query = "", string path = Import)
    {
        using var response = await UploadAsync(file, query, path);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ImportResult>(TenantSession.Json))!;
    }

    [Fact]
    public async Task The_template_imports_and_importing_it_again_changes_nothing()
    {
        var template = await Session.Api.GetByteArrayAsync(new Uri(Import + "/template", UriKind.Relative));

        var first = await ImportAsync(template);
        var second = await ImportAsync(template);

        Assert.Equal((1, 1, 0, 0, true), (first.Rows, first.Created, first.Updated, first.Failed, first.Written));
        Assert.Equal((0, 0, 1), (second.Created, second.Updated, second.Unchanged));
        var sku = (await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?code=TEE-WHT-M")).Items.Single();
        Assert.Equal(5990, sku.RetailPrice);
        Assert.Equal(["服装", "T恤"], (await Session.GetAsync<List<CategoryView>>("/api/v1/catalog/categories")).Select(c => c.Name));
    }

    [Fact]
    public async Task Rows_group_into_products_update_by_code_and_export_round_trips()
    {
        var file = Sheet(new[] { Row("A-M", "A 衫", "M", "69001", 59.9, 180), Row("A-L", "A 衫", "L", "69002", 59.9, 190), Row("B-1", "B 包", retail: 99) });
        var created = await ImportAsync(file);
        var changed = await ImportAsync(Sheet(new[] { Row("a-m", "A 衫", "M", "69001", 49.9, 180), Row("A-XL", "A 衫", "XL") }));
        using var export = await Session.Api.GetAsync(new Uri("/api/v1/catalog/export/products", UriKind.Relative));
        var exported = await export.Content.ReadAsByteArrayAsync();
        var reimported = await ImportAsync(exported);

        Assert.Equal(3, created.Created);
        Assert.Equal((1, 1, 0), (changed.Created, changed.Updated, changed.Unchanged));
        var a = await Session.GetAsync<ProductView>($"/api/v1/catalog/products/{(await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?code=A-M")).Items[0].ProductId}");
        Assert.Equal(["A-L", "A-M", "A-XL"], a.Skus.Select(s => s.Code));
        Assert.Equal(4990, a.Skus.Single(s => s.Code == "A-M").RetailPrice);
        Assert.Equal(Workbooks.ContentType, export.Content.Headers.ContentType?.MediaType);
        Assert.Equal((4, 0, 0, 4), (reimported.Rows, reimported.Created, reimported.Updated, reimported.Unchanged));
    }

    [Fact]
    public async Task A_default_supplier_is_named_by_code_or_name_and_an_unknown_one_names_its_row()
    {
        var supplier = await Session.PostAsync<Catalog.Features.ManageSuppliers.SupplierView>("/api/v1/catalog/suppliers", new { code = "SUP-1", name = "义乌织造厂" }, HttpStatusCode.Created);
        Dictionary<string, object?> WithSupplier(string code, string name, string? named) => new(Row(code, name)) { ["默认供应商"] = named };

        var refused = await ImportAsync(Sheet([WithSupplier("S-1", "甲", "sup-1"), WithSupplier("S-2", "乙", "没有这家")]), HttpStatusCode.UnprocessableEntity);
        var written = await ImportAsync(Sheet([WithSupplier("S-1", "甲", "sup-1"), WithSupplier("S-2", "乙", "义乌织造厂"), WithSupplier("S-3", "丙", null)]));
        using var export = await Session.Api.GetAsync(new Uri("/api/v1/catalog/export/products", UriKind.Relative));
        var exported = await export.Content.ReadAsByteArrayAsync();
        var rows = new MemoryStream(exported).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();

        Assert.Equal([(3, "默认供应商", "unknown_supplier")], refused.Errors.Select(e => (e.Row, e.Column, e.Code)));
        Assert.Equal(3, written.Created);
        foreach (var code in new[] { "S-1", "S-2" })
        {
            var productId = (await Session.GetAsync<Page<SkuRow>>($"/api/v1/catalog/skus?code={code}")).Items[0].ProductId;
            Assert.Equal(supplier.Id, (await Session.GetAsync<ProductView>($"/api/v1/catalog/products/{productId}")).DefaultSupplierId);
        }
        Assert.Equal(["SUP-1", "SUP-1", null], rows.OrderBy(r => r["商家编码"]).Select(r => r["默认供应商"] as string));
    }

    [Fact]
    public async Task Bad_rows_are_named_nothing_is_written_and_the_error_workbook_marks_them()
    {
        await Session.PostAsync<ProductView>("/api/v1/catalog/products", new { name = "旧", skus = new[] { new { code = "OLD-1", barcodes = new[] { "BAR-OLD" } } } }, HttpStatusCode.Created);
        var file = Sheet(new[]
        {
            Row("GOOD-1"),
            Row("X-1", retail: "12.345"),
            Row("X-2", weight: -5),
            Row("good-1"),
            Row("bar-old"),
            Row("X-3", name: ""),
            Row("X-4", barcodes: "OLD-1"),
        });

        var result = await ImportAsync(file, HttpStatusCode.UnprocessableEntity);
        using var workbookResponse = await UploadAsync(file, "?format=workbook");
        var workbook = (await workbookResponse.Content.ReadAsStreamAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        var partial = await ImportAsync(file, HttpStatusCode.OK, "?validOnly=true");

        Assert.False(result.Written);
        Assert.Equal(6, result.Failed);
        Assert.Equal([(3, "零售价(元)"), (4, "重量(克)"), (5, "商家编码"), (6, "商家编码"), (7, "货品名称"), (8, "条码")], result.Errors.Select(e => (e.Row, e.Column)));
        Assert.Equal(["not_money", "negative", "duplicate_in_file", "code_is_barcode", "required", "barcode_taken"], result.Errors.Select(e => e.Code));
        Assert.Contains("第 2 行", result.Errors[2].Message);
        Assert.Equal(7, workbook.Count);
        Assert.Null(workbook[0]["错误 (error)"]);
        Assert.Contains("零售价(元)", workbook[1]["错误 (error)"]!.ToString());
        Assert.Equal((1, 6, true), (partial.Created, partial.Failed, partial.Written));
        Assert.Equal(2, (await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus")).Items.Count);
    }

    [Fact]
    public async Task Blank_cells_and_missing_columns_keep_what_a_sku_has()
    {
        await ImportAsync(Sheet([Row("K-1", "保留", "红色", "69K1,69K2", 59.9, 180, "服装/T恤")]));

        var result = await ImportAsync(Sheet([new Dictionary<string, object?> { ["商家编码"] = "K-1", ["货品名称"] = "保留", ["零售价(元)"] = 49.9 }]));

        Assert.Equal(1, result.Updated);
        var sku = (await Session.GetAsync<ProductView>($"/api/v1/catalog/products/{(await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?code=K-1")).Items[0].ProductId}")).Skus[0];
        Assert.Equal((4990L, 180, "红色"), (sku.RetailPrice, sku.WeightGrams, sku.Spec));
        Assert.Equal(["69K1", "69K2"], sku.Barcodes);
    }

    [Fact]
    public async Task A_bad_category_path_names_its_row()
    {
        var result = await ImportAsync(Sheet([Row("C-1", category: "/"), Row("C-2", category: "a/b/c/d/e/f")]), HttpStatusCode.UnprocessableEntity);

        Assert.Equal([(2, "invalid_category"), (3, "too_deep")], result.Errors.Select(e => (e.Row, e.Code)));
        Assert.Empty(await Session.GetAsync<List<CategoryView>>("/api/v1/catalog/categories"));
    }

    [Fact]
    public async Task Aliases_combos_and_listing_mappings_import_name_bad_rows_and_round_trip()
    {
        await ImportAsync(Sheet([Row("P-1", "甲"), Row("P-2", "甲"), Row("P-3", "乙")]));
        await Session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/shops", new { platform = "Jd", code = "JD-1", name = "京东店" }, HttpStatusCode.Created);
        var aliases = Sheet([new Dictionary<string, object?> { ["商家编码"] = "P-1", ["别名"] = "OLD-P1" }, new Dictionary<string, object?> { ["商家编码"] = "NOPE", ["别名"] = "X" }]);
        var combos = Sheet([
            new Dictionary<string, object?> { ["组合编码"] = "BOX-1", ["组合名称"] = "盒", ["子件编码"] = "P-2", ["数量"] = 2 },
            new Dictionary<string, object?> { ["组合编码"] = "BOX-1", ["组合名称"] = "盒", ["子件编码"] = "OLD-P1", ["数量"] = 1 },
            new Dictionary<string, object?> { ["组合编码"] = "BOX-2", ["组合名称"] = "坏盒", ["子件编码"] = "NOPE", ["数量"] = 1 }]);
        var listings = Sheet([
            new Dictionary<string, object?> { ["店铺编码"] = "jd-1", ["平台商品ID"] = "100", ["外部商家编码"] = "P-3" },
            new Dictionary<string, object?> { ["店铺编码"] = "JD-1", ["平台商品ID"] = "200", ["外部商家编码"] = "P2X2", ["系统商家编码"] = "P-2", ["数量倍数"] = 2 }]);

        var refusedAliases = await ImportAsync(aliases, HttpStatusCode.UnprocessableEntity, path: "/api/v1/catalog/import/aliases");
        var someAliases = await ImportAsync(aliases, query: "?validOnly=true", path: "/api/v1/catalog/import/aliases");
        var someCombos = await ImportAsync(combos, query: "?validOnly=true", path: "/api/v1/catalog/import/combos");
        var mappings = await ImportAsync(listings, path: "/api/v1/catalog/import/listings");
        var comboExport = await Session.Api.GetByteArrayAsync(new Uri("/api/v1/catalog/export/combos", UriKind.Relative));
        var listingExport = await Session.Api.GetByteArrayAsync(new Uri("/api/v1/catalog/export/listings", UriKind.Relative));
        var combosAgain = await ImportAsync(comboExport, path: "/api/v1/catalog/import/combos");
        var listingsAgain = await ImportAsync(listingExport, path: "/api/v1/catalog/import/listings");

        Assert.Equal([(3, "商家编码", "unknown_sku")], refusedAliases.Errors.Select(e => (e.Row, e.Column, e.Code)));
        Assert.Equal((1, 1, true), (someAliases.Created, someAliases.Failed, someAliases.Written));
        Assert.Equal((1, 1), (someCombos.Created, someCombos.Failed));
        Assert.Equal([(4, "子件编码", "unknown_sku")], someCombos.Errors.Select(e => (e.Row, e.Column, e.Code)));
        Assert.Equal((2, 0), (mappings.Created, mappings.Failed));
        Assert.Equal((0, 0, 1), (combosAgain.Created, combosAgain.Updated, combosAgain.Unchanged));
        Assert.Equal((0, 2), (listingsAgain.Created, listingsAgain.Updated));
        var rows = (await Session.GetAsync<Page<Catalog.Features.MapListings.ListingRow>>("/api/v1/catalog/listings")).Items.OrderBy(l => l.PlatformItemId).ToList();
        Assert.Equal([("P-3", 1, "Auto"), ("P-2", 2, "Confirmed")], rows.Select(l => (l.SkuCode!, l.Multiplier, l.Match.ToString())));
    }

    [Fact]
    public async Task A_combo_may_name_a_combo_further_down_the_sheet()
    {
        await ImportAsync(Sheet([Row("P-1", "甲")]));
        var sheet = Sheet([
            new Dictionary<string, object?> { ["组合编码"] = "A-OUTER", ["组合名称"] = "外", ["子件编码"] = "Z-INNER", ["数量"] = 2 },
            new Dictionary<string, object?> { ["组合编码"] = "Z-INNER", ["组合名称"] = "内", ["子件编码"] = "P-1", ["数量"] = 3 }]);

        var result = await ImportAsync(sheet, path: "/api/v1/catalog/import/combos");

        Assert.Equal((2, 0), (result.Created, result.Failed));
        var outer = (await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?code=A-OUTER")).Items.Single();
        var combo = await Session.GetAsync<Catalog.Features.ManageCombos.ComboView>($"/api/v1/catalog/combos/{outer.Id}");
        Assert.Equal([("P-1", 6)], combo.Takes.Select(t => (t.Code, t.Quantity)));

        // Name and price changes of a known combo are applied too.
        var renamed = await ImportAsync(Sheet([new Dictionary<string, object?> { ["组合编码"] = "Z-INNER", ["组合名称"] = "内盒", ["子件编码"] = "P-1", ["数量"] = 3, ["零售价(元)"] = 19.9 }]),
            path: "/api/v1/catalog/import/combos");
        var inner = await Session.GetAsync<Catalog.Features.ManageCombos.ComboView>($"/api/v1/catalog/combos/{(await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?code=Z-INNER")).Items.Single().Id}");
        Assert.Equal(1, renamed.Updated);
        Assert.Equal(("内盒", 1990L), (inner.Name, inner.Sku.RetailPrice));
    }

    [Fact]
    public async Task A_file_that_is_not_a_workbook_or_lacks_a_column_is_refused()
    {
        using var noFile = await Session.Api.PostAsync(new Uri(Import, UriKind.Relative), new MultipartFormDataContent { { new StringContent("x"), "note" } });
        using var notXlsx = await UploadAsync("code,name\nA,B"u8.ToArray());
        using var noName = await UploadAsync(Sheet([new Dictionary<string, object?> { ["商家编码"] = "A" }]));

        Assert.Equal(HttpStatusCode.BadRequest, notXlsx.StatusCode);
        Assert.Contains("not_xlsx", await notXlsx.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Contains("\"file\"", await noFile.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.Contains("货品名称", await noName.Content.ReadAsStringAsync());
    }
}

public sealed class ImportTestsOnSqlite(SqliteApp app) : ImportTests(app);

public sealed class ImportTestsOnPostgres(PostgresApp app) : ImportTests(app);
