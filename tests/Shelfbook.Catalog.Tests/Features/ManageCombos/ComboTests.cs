using System.Net;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageCombos;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Catalog.Tests.Features.ManageCombos;

public abstract class ComboTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Combos = "/api/v1/catalog/combos";

    private async Task<ProductView> SeedAsync()
    {
        await Session.PostAsync<ProductView>("/api/v1/catalog/products", new
        {
            name = "帆布包", skus = new[] { new { code = "BAG", barcodes = new[] { "6900001" }, weightGrams = 300, costPrice = 3000, retailPrice = 9900 } },
        }, HttpStatusCode.Created);
        return await Session.PostAsync<ProductView>("/api/v1/catalog/products", new
        {
            name = "T恤", skus = new[]
            {
                new { code = "TEE-M", weightGrams = 180, costPrice = 2500, retailPrice = 5900 },
                new { code = "TEE-L", weightGrams = 190, costPrice = 2500, retailPrice = 5900 },
            },
        }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_combo_sums_its_parts_and_a_nested_combo_takes_the_flattened_skus()
    {
        await SeedAsync();

        var gift = await Session.PostAsync<ComboView>(Combos, new
        {
            name = "T恤礼盒", code = "GIFT-1", retailPrice = 14900,
            components = new[] { new { code = "tee-m", quantity = 2 }, new { code = "6900001", quantity = 1 } },
        }, HttpStatusCode.Created);
        var big = await Session.PostAsync<ComboView>(Combos, new
        {
            name = "大礼盒", code = "GIFT-BIG", components = new[] { new { code = "GIFT-1", quantity = 2 }, new { code = "TEE-M", quantity = 1 } },
        }, HttpStatusCode.Created);

        Assert.Equal(SkuKind.Combo, gift.Sku.Kind);
        Assert.Equal(2 * 2500 + 3000, gift.Sku.CostPrice);
        Assert.Equal(2 * 180 + 300, gift.Sku.WeightGrams);
        Assert.Equal([("TEE-M", 2), ("BAG", 1)], gift.Components.Select(c => (c.Code, c.Quantity)));
        Assert.Equal([("GIFT-1", 2, true), ("TEE-M", 1, false)], big.Components.Select(c => (c.Code, c.Quantity, c.IsCombo)));
        Assert.Equal([("TEE-M", 5), ("BAG", 2)], big.Takes.Select(c => (c.Code, c.Quantity)));
        Assert.Equal(["GIFT-1", "GIFT-BIG"], (await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?kind=Combo")).Items.Select(s => s.Code));
    }

    [Fact]
    public async Task Cycles_inactive_unknown_and_bad_quantities_name_their_line_and_nothing_changes()
    {
        var tees = await SeedAsync();
        var inner = await Session.PostAsync<ComboView>(Combos, new { name = "内", code = "IN", components = new[] { new { code = "TEE-M", quantity = 1 } } }, HttpStatusCode.Created);
        await Session.PostAsync<ComboView>(Combos, new { name = "外", code = "OUT", components = new[] { new { code = "IN", quantity = 1 } } }, HttpStatusCode.Created);
        await Session.PostAsync<SkuView>($"/api/v1/catalog/skus/{tees.Skus.Single(s => s.Code == "TEE-L").Id}/deactivate", null);

        var cycle = await Session.ProblemAsync(HttpMethod.Put, $"{Combos}/{inner.Sku.Id}/components",
            new { components = new[] { new { code = "TEE-M", quantity = 1 }, new { code = "OUT", quantity = 1 } } }, HttpStatusCode.BadRequest);
        var self = await Session.ProblemAsync(HttpMethod.Put, $"{Combos}/{inner.Sku.Id}/components",
            new { components = new[] { new { code = "IN", quantity = 1 } } }, HttpStatusCode.BadRequest);
        var bad = await Session.ProblemAsync(HttpMethod.Post, Combos, new
        {
            name = "坏", code = "BAD",
            components = new[] { new { code = "TEE-L", quantity = 1 }, new { code = "NOPE", quantity = 1 }, new { code = "BAG", quantity = 0 }, new { code = "TEE-M", quantity = 1 }, new { code = "tee-m", quantity = 2 } },
        }, HttpStatusCode.BadRequest);
        var empty = await Session.ProblemAsync(HttpMethod.Post, Combos, new { name = "空", code = "EMPTY", components = Array.Empty<object>() }, HttpStatusCode.BadRequest);
        var plain = await Session.ProblemAsync(HttpMethod.Put, $"{Combos}/{tees.Skus[0].Id}/components",
            new { components = new[] { new { code = "BAG", quantity = 1 } } }, HttpStatusCode.BadRequest);

        Assert.Equal("cycle", cycle.GetProperty("codes").GetProperty("components[1].code")[0].GetString());
        Assert.Equal("cycle", self.GetProperty("codes").GetProperty("components[0].code")[0].GetString());
        var codes = bad.GetProperty("codes");
        Assert.Equal("inactive_component", codes.GetProperty("components[0].code")[0].GetString());
        Assert.Equal("unknown_sku", codes.GetProperty("components[1].code")[0].GetString());
        Assert.Equal("required", empty.GetProperty("codes").GetProperty("components")[0].GetString());
        Assert.Equal("not_a_combo", plain.GetProperty("codes").GetProperty("components")[0].GetString());
        var unchanged = await Session.GetAsync<ComboView>($"{Combos}/{inner.Sku.Id}");
        Assert.Equal(["TEE-M"], unchanged.Components.Select(c => c.Code));
        Assert.Empty((await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?code=BAD")).Items);
    }

    [Fact]
    public async Task A_combo_nested_five_deep_cannot_grow_from_the_bottom()
    {
        await SeedAsync();
        await Session.PostAsync<ComboView>(Combos, new { name = "L1", code = "L1", components = new[] { new { code = "TEE-M", quantity = 1 } } }, HttpStatusCode.Created);
        for (var i = 2; i <= 5; i++)
            await Session.PostAsync<ComboView>(Combos, new { name = $"L{i}", code = $"L{i}", components = new[] { new { code = $"L{i - 1}", quantity = 1 } } }, HttpStatusCode.Created);
        var inner = await Session.PostAsync<ComboView>(Combos, new { name = "INNER", code = "INNER", components = new[] { new { code = "BAG", quantity = 1 } } }, HttpStatusCode.Created);
        var bottom = (await Session.GetAsync<Page<SkuRow>>("/api/v1/catalog/skus?code=L1")).Items.Single(s => s.Code == "L1");

        var tooDeep = await Session.ProblemAsync(HttpMethod.Put, $"{Combos}/{bottom.Id}/components",
            new { components = new[] { new { code = "TEE-M", quantity = 1 }, new { code = "INNER", quantity = 1 } } }, HttpStatusCode.BadRequest);

        Assert.Equal("too_deep", tooDeep.GetProperty("codes").GetProperty("components[1].code")[0].GetString());
        _ = inner;
    }

    [Fact]
    public async Task A_bad_quantity_and_a_repeated_component_are_named()
    {
        await SeedAsync();

        var bad = await Session.ProblemAsync(HttpMethod.Post, Combos, new
        {
            name = "坏", code = "BAD",
            components = new[] { new { code = "BAG", quantity = 0 }, new { code = "TEE-M", quantity = 1 }, new { code = "tee-m", quantity = 2 } },
        }, HttpStatusCode.BadRequest);

        Assert.Equal("out_of_range", bad.GetProperty("codes").GetProperty("components[0].quantity")[0].GetString());
        Assert.Equal("duplicate_component", bad.GetProperty("codes").GetProperty("components[2].code")[0].GetString());
    }

    [Fact]
    public async Task A_part_of_an_active_combo_cannot_be_deactivated_and_the_price_basis_is_a_tenant_setting()
    {
        var tees = await SeedAsync();
        await Session.PostAsync<ComboView>(Combos, new { name = "礼盒", code = "GIFT", components = new[] { new { code = "TEE-M", quantity = 2 } } }, HttpStatusCode.Created);

        var refused = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/catalog/skus/{tees.Skus.Single(s => s.Code == "TEE-M").Id}/deactivate", null, HttpStatusCode.Conflict);
        var before = await Session.GetAsync<CatalogSettingsView>("/api/v1/catalog/settings");
        var after = await Session.PutAsync<CatalogSettingsView>("/api/v1/catalog/settings", new { comboPriceBasis = "CostPrice" });
        var wrong = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/catalog/settings", new { comboPriceBasis = "Weight" }, HttpStatusCode.BadRequest);

        Assert.Equal("catalog.sku_in_active_combos", refused.GetProperty("code").GetString());
        Assert.Equal(ComboPriceBasis.RetailPrice, before.ComboPriceBasis);
        Assert.Equal(ComboPriceBasis.CostPrice, (await Session.GetAsync<CatalogSettingsView>("/api/v1/catalog/settings")).ComboPriceBasis);
        Assert.Equal(ComboPriceBasis.CostPrice, after.ComboPriceBasis);
        Assert.True(wrong.GetProperty("codes").TryGetProperty("comboPriceBasis", out _));
    }
}

public sealed class ComboTestsOnSqlite(SqliteApp app) : ComboTests(app);

public sealed class ComboTestsOnPostgres(PostgresApp app) : ComboTests(app);
