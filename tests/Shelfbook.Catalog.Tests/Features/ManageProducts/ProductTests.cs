using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Data.Audit;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Catalog.Tests.Features.ManageProducts;

public abstract class ProductTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Products = "/api/v1/catalog/products";
    private const string Skus = "/api/v1/catalog/skus";

    private static object Tee(string prefix = "TEE") => new
    {
        name = "纯棉T恤", brand = "山海", unit = "件", images = new[] { "https://img.example.com/tee.jpg" },
        skus = new object[]
        {
            new { code = $"{prefix}-RED-M", spec = "红色 M", barcodes = new[] { $"69{prefix.Length}0001" }, weightGrams = 180, costPrice = 2500, retailPrice = 5900 },
            new { code = $"{prefix}-RED-L", spec = "红色 L", barcodes = new[] { $"69{prefix.Length}0002", $"OLD-{prefix}-L" }, weightGrams = 190, costPrice = 2500, retailPrice = 5900 },
        },
    };

    [Fact]
    public async Task A_product_is_created_with_its_skus_and_barcodes_and_logged_as_product()
    {
        var product = await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);

        Assert.Equal(["TEE-RED-L", "TEE-RED-M"], product.Skus.Select(s => s.Code));
        Assert.Equal(["693" + "0002", "OLD-TEE-L"], product.Skus[0].Barcodes);
        Assert.Equal(5900, product.Skus[0].RetailPrice);
        var fetched = await Session.GetAsync<ProductView>($"{Products}/{product.Id}");
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(product), System.Text.Json.JsonSerializer.Serialize(fetched));
        await using var db = Session.OpenDb();
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.EntityType == "sku" && a.Category == AuditCategory.Product));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.EntityType == "product" && a.EntityId == product.Id.ToString()));
    }

    [Fact]
    public async Task Codes_and_barcodes_are_unique_per_tenant_and_the_row_is_named()
    {
        await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);

        var clash = await Session.ProblemAsync(HttpMethod.Post, Products, new
        {
            name = "另一件",
            skus = new object[] { new { code = "NEW-1" }, new { code = "tee-red-m" }, new { code = "NEW-3", barcodes = new[] { "OLD-TEE-L" } } },
        }, HttpStatusCode.BadRequest);

        var codes = clash.GetProperty("codes");
        Assert.Equal("duplicate", codes.GetProperty("skus[1].code")[0].GetString());
        Assert.Equal("duplicate", codes.GetProperty("skus[2].barcodes[0]")[0].GetString());
        await using var db = Session.OpenDb();
        Assert.Equal(2, await db.Set<Sku>().CountAsync());
    }

    [Fact]
    public async Task Bad_values_name_the_sku_row_and_field_and_nothing_is_written()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, Products, new
        {
            name = "",
            images = new[] { "ftp://x" },
            skus = new object[] { new { code = "A 1", weightGrams = -5 }, new { code = "B1", retailPrice = -1 }, new { code = "b1" } },
        }, HttpStatusCode.BadRequest);

        var fields = problem.GetProperty("codes").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("name", fields);
        Assert.Contains("images[0]", fields);
        Assert.Contains("skus[0].code", fields);
        Assert.Contains("skus[0].weightGrams", fields);
        Assert.Contains("skus[1].retailPrice", fields);
        Assert.Contains("skus", fields);
        await using var db = Session.OpenDb();
        Assert.Equal(0, await db.Set<Product>().CountAsync());
    }

    [Fact]
    public async Task A_product_needs_a_sku_and_an_empty_sku_row_is_named()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, Products, new { name = "空货品" }, HttpStatusCode.BadRequest);
        var empty = await Session.ProblemAsync(HttpMethod.Post, Products, """{"name":"x","skus":[null]}""", HttpStatusCode.BadRequest);

        Assert.Equal("required", problem.GetProperty("codes").GetProperty("skus")[0].GetString());
        Assert.Equal("required", empty.GetProperty("codes").GetProperty("skus[0]")[0].GetString());
    }

    [Fact]
    public async Task An_edited_sku_cannot_take_an_alias_or_a_siblings_barcode_and_a_dropped_barcode_is_gone()
    {
        var product = await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);
        var m = product.Skus.Single(s => s.Code == "TEE-RED-M");
        var l = product.Skus.Single(s => s.Code == "TEE-RED-L");
        await Session.PostAsync<AliasView>($"{Skus}/{l.Id}/aliases", new { code = "A/1" }, HttpStatusCode.Created);

        var codeIsAlias = await Session.ProblemAsync(HttpMethod.Put, $"{Skus}/{m.Id}", new { code = "a/1" }, HttpStatusCode.BadRequest);
        var siblingsBarcode = await Session.ProblemAsync(HttpMethod.Put, $"{Skus}/{m.Id}", new { code = "TEE-RED-M", barcodes = new[] { "OLD-TEE-L" } }, HttpStatusCode.BadRequest);
        await Session.PutAsync<SkuView>($"{Skus}/{l.Id}", new { code = "TEE-RED-L", barcodes = new[] { "6930002" } });
        using var removed = await Session.Api.DeleteAsync(new Uri($"{Skus}/{l.Id}/aliases/{Uri.EscapeDataString("A/1")}", UriKind.Relative));

        Assert.Equal("code_is_alias", codeIsAlias.GetProperty("codes").GetProperty("code")[0].GetString());
        Assert.Equal("duplicate", siblingsBarcode.GetProperty("codes").GetProperty("barcodes[0]")[0].GetString());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await using var db = Session.OpenDb();
        Assert.False(await db.Set<SkuBarcode>().AnyAsync(b => b.Code == "OLD-TEE-L"));
    }

    [Fact]
    public async Task Skus_are_found_by_code_prefix_barcode_prefix_or_name_and_paged_by_code()
    {
        await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);
        await Session.PostAsync<ProductView>(Products, new { name = "帆布包", brand = "其他", skus = new object[] { new { code = "BAG-1" } } }, HttpStatusCode.Created);

        Assert.Equal(["TEE-RED-L", "TEE-RED-M"], (await Session.GetAsync<Page<SkuRow>>($"{Skus}?search=tee-")).Items.Select(s => s.Code));
        Assert.Equal(["TEE-RED-L"], (await Session.GetAsync<Page<SkuRow>>($"{Skus}?search=OLD-T")).Items.Select(s => s.Code));
        Assert.Equal(["BAG-1"], (await Session.GetAsync<Page<SkuRow>>($"{Skus}?search={Uri.EscapeDataString("帆布")}")).Items.Select(s => s.Code));
        Assert.Equal(["BAG-1"], (await Session.GetAsync<Page<SkuRow>>($"{Skus}?brand={Uri.EscapeDataString("其他")}")).Items.Select(s => s.Code));
        var first = await Session.GetAsync<Page<SkuRow>>($"{Skus}?limit=2");
        var second = await Session.GetAsync<Page<SkuRow>>($"{Skus}?limit=2&after={first.Next}");
        Assert.Equal(["BAG-1", "TEE-RED-L", "TEE-RED-M"], first.Items.Concat(second.Items).Select(s => s.Code));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task A_sku_is_edited_added_and_deactivated_never_deleted()
    {
        var product = await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);
        var red = product.Skus.Single(s => s.Code == "TEE-RED-L");

        var edited = await Session.PutAsync<SkuView>($"{Skus}/{red.Id}", new { code = "TEE-RED-L", spec = "红色 L 新版", barcodes = new[] { "6930002" }, retailPrice = 6900 });
        var withBlue = await Session.PostAsync<ProductView>($"{Products}/{product.Id}/skus", new { code = "TEE-BLUE-M", barcodes = new[] { "OLD-TEE-L" } });
        var off = await Session.PostAsync<SkuView>($"{Skus}/{red.Id}/deactivate", null);
        var again = await Session.ProblemAsync(HttpMethod.Post, $"{Skus}/{red.Id}/deactivate", null, HttpStatusCode.Conflict);

        Assert.Equal(["6930002"], edited.Barcodes);
        Assert.Equal(6900, edited.RetailPrice);
        Assert.Equal(3, withBlue.Skus.Count);
        Assert.False(off.Active);
        Assert.Equal("catalog.sku_already_inactive", again.GetProperty("code").GetString());
        Assert.Single((await Session.GetAsync<Page<SkuRow>>($"{Skus}?active=false")).Items);
    }

    [Fact]
    public async Task Aliases_resolve_to_one_sku_and_never_clash_with_codes()
    {
        var product = await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);
        var red = product.Skus.Single(s => s.Code == "TEE-RED-M");
        var url = $"{Skus}/{red.Id}/aliases";

        var alias = await Session.PostAsync<AliasView>(url, new { code = "T001", note = "旧编码" }, HttpStatusCode.Created);
        var isCode = await Session.ProblemAsync(HttpMethod.Post, url, new { code = "tee-red-l" }, HttpStatusCode.BadRequest);
        var twice = await Session.ProblemAsync(HttpMethod.Post, url, new { code = "t001" }, HttpStatusCode.BadRequest);
        var codeIsAlias = await Session.ProblemAsync(HttpMethod.Post, Products, new { name = "新品", skus = new[] { new { code = "T001" } } }, HttpStatusCode.BadRequest);

        Assert.Equal("T001", alias.Code);
        Assert.Equal("alias_is_sku_code", isCode.GetProperty("codes").GetProperty("code")[0].GetString());
        Assert.Equal("duplicate", twice.GetProperty("codes").GetProperty("code")[0].GetString());
        Assert.Equal("code_is_alias", codeIsAlias.GetProperty("codes").GetProperty("skus[0].code")[0].GetString());
        Assert.Equal(["T001"], (await Session.GetAsync<List<AliasView>>(url)).Select(a => a.Code));

        using (var removed = await Session.Api.DeleteAsync(new Uri($"{url}/t001", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await Session.ProblemAsync(HttpMethod.Delete, $"{url}/t001", null, HttpStatusCode.NotFound);
        Assert.Empty(await Session.GetAsync<List<AliasView>>(url));
        await using var db = Session.OpenDb();
        Assert.Equal(["delete", "create"], await db.AuditEntries.Where(a => a.EntityType == "sku_alias").OrderByDescending(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task A_value_means_one_sku_whether_it_is_a_code_an_alias_or_a_barcode()
    {
        var product = await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);
        var m = product.Skus.Single(s => s.Code == "TEE-RED-M");
        await Session.PostAsync<AliasView>($"{Skus}/{m.Id}/aliases", new { code = "SUP-77" }, HttpStatusCode.Created);

        var barcodeIsCode = await Session.ProblemAsync(HttpMethod.Post, Products,
            new { name = "新品", skus = new[] { new { code = "NEW-1", barcodes = new[] { "tee-red-m" } } } }, HttpStatusCode.BadRequest);
        var barcodeIsAlias = await Session.ProblemAsync(HttpMethod.Post, Products,
            new { name = "新品", skus = new[] { new { code = "NEW-1", barcodes = new[] { "sup-77" } } } }, HttpStatusCode.BadRequest);
        var codeIsBarcode = await Session.ProblemAsync(HttpMethod.Post, Products, new { name = "新品", skus = new[] { new { code = "old-tee-l" } } }, HttpStatusCode.BadRequest);
        var aliasIsBarcode = await Session.ProblemAsync(HttpMethod.Post, $"{Skus}/{m.Id}/aliases", new { code = "OLD-TEE-L" }, HttpStatusCode.BadRequest);
        // A seller who prints the SKU code as the barcode has one value with one meaning: allowed.
        await Session.PostAsync<ProductView>(Products, new { name = "条码即编码", skus = new[] { new { code = "6977001", barcodes = new[] { "6977001" } } } }, HttpStatusCode.Created);

        Assert.Equal("barcode_is_code", barcodeIsCode.GetProperty("codes").GetProperty("skus[0].barcodes[0]")[0].GetString());
        Assert.Equal("barcode_is_code", barcodeIsAlias.GetProperty("codes").GetProperty("skus[0].barcodes[0]")[0].GetString());
        Assert.Equal("code_is_barcode", codeIsBarcode.GetProperty("codes").GetProperty("skus[0].code")[0].GetString());
        Assert.Equal("alias_is_barcode", aliasIsBarcode.GetProperty("codes").GetProperty("code")[0].GetString());
        await using var db = Session.OpenDb();
        var registry = await db.Set<CatalogCode>().OrderBy(c => c.Value).Select(c => c.Value + ":" + c.Kind).ToListAsync();
        Assert.Equal(["6930001:Barcode", "6930002:Barcode", "6977001:Code", "OLD-TEE-L:Barcode", "SUP-77:Alias", "TEE-RED-L:Code", "TEE-RED-M:Code"], registry);
        Assert.Equal(["TEE-RED-L"], (await Session.GetAsync<Page<SkuRow>>($"{Skus}?code=old")).Items.Select(s => s.Code));
        Assert.Equal(["TEE-RED-M"], (await Session.GetAsync<Page<SkuRow>>($"{Skus}?code=sup")).Items.Select(s => s.Code));
        Assert.Equal(["TEE-RED-L", "TEE-RED-M"], (await Session.GetAsync<Page<SkuRow>>($"{Skus}?code=693")).Items.Select(s => s.Code));
        Assert.Empty((await Session.GetAsync<Page<SkuRow>>($"{Skus}?code={Uri.EscapeDataString("纯棉")}")).Items);
    }

    [Fact]
    public async Task A_barcode_cannot_be_a_siblings_code_in_the_same_request()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, Products,
            new { name = "新品", skus = new object[] { new { code = "A-1" }, new { code = "B-1", barcodes = new[] { "a-1" } }, new { code = "C-1", barcodes = new[] { "X", "x" } } } },
            HttpStatusCode.BadRequest);

        Assert.Equal("duplicate_barcode", problem.GetProperty("codes").GetProperty("skus[1].barcodes[0]")[0].GetString());
        // Two spellings of one barcode on the same SKU still mean that SKU: not an error.
        Assert.False(problem.GetProperty("codes").TryGetProperty("skus[2].barcodes[1]", out _));
    }

    [Fact]
    public async Task Two_skus_racing_for_one_alias_end_with_one_owner()
    {
        var product = await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var response = await Session.Api.PostAsync(new Uri($"{Skus}/{product.Skus[i % 2].Id}/aliases", UriKind.Relative),
                System.Net.Http.Json.JsonContent.Create(new { code = "RACE-1" }));
            return response.StatusCode;
        }));

        Assert.Single(attempts, s => s == HttpStatusCode.Created);
        Assert.All(attempts.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.BadRequest, s));
        await using var db = Session.OpenDb();
        Assert.Equal(1, await db.Set<SkuAlias>().CountAsync(a => a.NormalizedCode == "RACE-1"));
    }

    [Fact]
    public async Task A_product_is_copied_with_new_codes_and_without_barcodes()
    {
        var product = await Session.PostAsync<ProductView>(Products, Tee(), HttpStatusCode.Created);

        var copy = await Session.PostAsync<ProductView>($"{Products}/{product.Id}/copy",
            new { name = "纯棉T恤 新款", find = "tee", replaceWith = "POLO", codes = new Dictionary<string, string> { ["TEE-RED-L"] = "POLO-BIG" } }, HttpStatusCode.Created);
        var missing = await Session.ProblemAsync(HttpMethod.Post, $"{Products}/{product.Id}/copy", new { find = "nothing" }, HttpStatusCode.BadRequest);
        var clash = await Session.ProblemAsync(HttpMethod.Post, $"{Products}/{product.Id}/copy", new { find = "TEE", replaceWith = "POLO" }, HttpStatusCode.BadRequest);

        Assert.Equal("纯棉T恤 新款", copy.Name);
        Assert.Equal(["POLO-BIG", "POLO-RED-M"], copy.Skus.Select(s => s.Code));
        Assert.All(copy.Skus, s => Assert.Empty(s.Barcodes));
        Assert.Equal((5900L, 190), (copy.Skus[0].RetailPrice, copy.Skus[0].WeightGrams));
        Assert.Equal(product.Images, copy.Images);
        Assert.Equal("required", missing.GetProperty("codes").GetProperty("codes[TEE-RED-L]")[0].GetString());
        Assert.Equal("duplicate", clash.GetProperty("codes").GetProperty("skus[1].code")[0].GetString());
    }

    [Fact]
    public async Task A_product_names_its_default_supplier_and_an_unknown_one_is_refused()
    {
        var supplier = await Session.PostAsync<Catalog.Features.ManageSuppliers.SupplierView>("/api/v1/catalog/suppliers", new { code = "SUP-1", name = "义乌织造厂", contact = "王经理" }, HttpStatusCode.Created);
        var twin = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/catalog/suppliers", new { code = "sup-1", name = "重复" }, HttpStatusCode.BadRequest);

        var product = await Session.PostAsync<ProductView>(Products, new { name = "有供应商", defaultSupplierId = supplier.Id, skus = new[] { new { code = "S-1" } } }, HttpStatusCode.Created);
        var unknown = await Session.ProblemAsync(HttpMethod.Put, $"{Products}/{product.Id}", new { name = "x", defaultSupplierId = Guid.NewGuid() }, HttpStatusCode.BadRequest);

        Assert.Equal(supplier.Id, product.DefaultSupplierId);
        Assert.Equal("duplicate", twin.GetProperty("codes").GetProperty("code")[0].GetString());
        Assert.Equal("not_found", unknown.GetProperty("codes").GetProperty("defaultSupplierId")[0].GetString());
        Assert.Equal(1, (await Session.GetAsync<List<Catalog.Features.ManageSuppliers.SupplierView>>("/api/v1/catalog/suppliers")).Single().Products);
    }

    [Fact]
    public async Task Reading_needs_catalog_view_and_writing_catalog_edit()
    {
        using var viewer = await Session.NewUserAsync("viewer", CatalogPermissions.View);

        using (var read = await viewer.GetAsync(new Uri(Skus, UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var write = await viewer.PostAsync(new Uri(Products, UriKind.Relative), System.Net.Http.Json.JsonContent.Create(Tee("V")));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }
}

public sealed class ProductTestsOnSqlite(SqliteApp app) : ProductTests(app);

public sealed class ProductTestsOnPostgres(PostgresApp app) : ProductTests(app);
