using System.Net;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Catalog.Features.ManageShops;
using Shelfbook.Catalog.Features.MapListings;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Catalog.Tests.Features.MapListings;

public abstract class ListingTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Api = "/api/v1/catalog";

    private async Task<ShopView> SeedAsync()
    {
        var tee = await Session.PostAsync<ProductView>($"{Api}/products", new
        {
            name = "纯棉圆领T恤", skus = new[]
            {
                new { code = "TEE-RED-M", spec = "红色 M", barcodes = new[] { "6901" } },
                new { code = "TEE-RED-L", spec = "红色 L", barcodes = new[] { "6902" } },
            },
        }, HttpStatusCode.Created);
        await Session.PostAsync<AliasView>($"{Api}/skus/{tee.Skus.Single(s => s.Code == "TEE-RED-L").Id}/aliases", new { code = "OLD-L" }, HttpStatusCode.Created);
        return await Session.PostAsync<ShopView>($"{Api}/shops", new { platform = "Tmall", code = "tm-1", name = "天猫旗舰店" }, HttpStatusCode.Created);
    }

    [Fact]
    public async Task Listings_match_by_code_alias_or_barcode_and_the_rest_wait_in_the_queue()
    {
        var shop = await SeedAsync();

        var stored = await Session.PostAsync<ListingsStored>($"{Api}/shops/{shop.Id}/listings", new
        {
            listings = new object[]
            {
                new { platformItemId = "100", platformSkuId = "1", sellerCode = " tee-red-m ", title = "T恤 红 M", price = 5900 },
                new { platformItemId = "100", platformSkuId = "2", sellerCode = "old-l", title = "T恤 红 L" },
                new { platformItemId = "100", platformSkuId = "3", barcode = "6902", title = "T恤 红 L 条码" },
                new { platformItemId = "200", sellerCode = "TEE-RED-M-2PK", title = "纯棉圆领T恤 两件装" },
            },
        });
        var queue = await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}&match=Unmatched");
        var again = await Session.PostAsync<ListingsStored>($"{Api}/shops/{shop.Id}/listings", new
        {
            listings = new object[] { new { platformItemId = "100", platformSkuId = "1", sellerCode = "TEE-RED-M", title = "T恤 红 M 新标题" } },
        });
        var shops = await Session.GetAsync<List<ShopView>>($"{Api}/shops");

        Assert.Equal(new ListingsStored(4, 0, 3, 1), stored);
        Assert.Equal(new ListingsStored(0, 1, 0, 0), again);
        var row = Assert.Single(queue.Items);
        Assert.Equal("TEE-RED-M-2PK", row.SellerCode);
        var all = await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}");
        Assert.Equal([("code", "TEE-RED-M"), ("alias", "TEE-RED-L"), ("barcode", "TEE-RED-L"), (null, null)],
            all.Items.OrderBy(l => l.PlatformItemId).ThenBy(l => l.PlatformSkuId).Select(l => (l.MatchedBy, l.SkuCode)));
        Assert.Equal((4, 1), (shops.Single().Listings, shops.Single().Unmatched));
    }

    [Fact]
    public async Task Suggestions_find_packs_and_names_and_a_bulk_mapping_is_all_or_nothing()
    {
        var shop = await SeedAsync();
        await Session.PostAsync<ListingsStored>($"{Api}/shops/{shop.Id}/listings", new
        {
            listings = new object[]
            {
                new { platformItemId = "200", sellerCode = "TEE-RED-M*2", title = "两件装" },
                new { platformItemId = "300", sellerCode = "teeredl", title = "x" },
                new { platformItemId = "400", title = "夏季新款 纯棉圆领T恤 红色 L" },
            },
        });
        var queue = (await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}&match=Unmatched")).Items.OrderBy(l => l.PlatformItemId).ToList();

        var suggestions = await Session.PostAsync<Dictionary<Guid, List<Suggestion>>>($"{Api}/listings/suggestions", queue.Select(l => l.Id).ToList());
        var bad = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/listings/map", new
        {
            items = new object[] { new { listingId = queue[0].Id, skuCode = "TEE-RED-M", multiplier = 2 }, new { listingId = queue[1].Id, skuCode = "NOPE" } },
        }, HttpStatusCode.BadRequest);
        var stillOpen = await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}&match=Unmatched");
        var mapped = await Session.PostAsync<MapResult>($"{Api}/listings/map", new
        {
            items = new object[] { new { listingId = queue[0].Id, skuCode = "TEE-RED-M", multiplier = 2 }, new { listingId = queue[1].Id, skuCode = "tee-red-l" } },
        });

        Assert.Equal(("TEE-RED-M", 2, "pack"), suggestions[queue[0].Id].Select(s => (s.SkuCode, s.Multiplier, s.Reason)).First());
        Assert.Equal(("TEE-RED-L", 1, "compact"), suggestions[queue[1].Id].Select(s => (s.SkuCode, s.Multiplier, s.Reason)).First());
        Assert.Equal(("TEE-RED-L", "name"), suggestions[queue[2].Id].Select(s => (s.SkuCode, s.Reason)).First());
        Assert.Equal("unknown_sku", bad.GetProperty("codes").GetProperty("items[1].skuCode")[0].GetString());
        Assert.Equal(3, stillOpen.Items.Count);
        Assert.Equal(2, mapped.Mapped);
        Assert.Contains("imported from now on", mapped.Notice);
        var confirmed = (await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}&match=Confirmed")).Items;
        Assert.Equal([("TEE-RED-M", 2), ("TEE-RED-L", 1)], confirmed.OrderBy(l => l.PlatformItemId).Select(l => (l.SkuCode!, l.Multiplier)));

        // A confirmed mapping survives a new seller code; unmapping sends it back to the queue.
        await Session.PostAsync<ListingsStored>($"{Api}/shops/{shop.Id}/listings", new { listings = new[] { new { platformItemId = "200", sellerCode = "OTHER" } } });
        Assert.Equal(ListingMatch.Confirmed, (await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}&search=OTHER")).Items.Single().Match);
        await Session.PostAsync<MapResult>($"{Api}/listings/{queue[0].Id}/unmap", null);
        Assert.Equal(2, (await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}&match=Unmatched")).Items.Count);
    }

    [Fact]
    public async Task Bad_listings_and_shops_are_named()
    {
        var shop = await SeedAsync();

        var bad = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/shops/{shop.Id}/listings", new
        {
            listings = new object[] { new { platformItemId = "" }, new { platformItemId = "1", price = -1 }, new { platformItemId = "9" }, new { platformItemId = "9" } },
        }, HttpStatusCode.BadRequest);
        var twinShop = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/shops", new { platform = "Jd", code = "TM-1", name = "x" }, HttpStatusCode.BadRequest);
        var badPlatform = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/shops", new { platform = "Wish", code = "W", name = "x" }, HttpStatusCode.BadRequest);
        var badMultiplier = await Session.ProblemAsync(HttpMethod.Post, $"{Api}/listings/map", new { items = new[] { new { listingId = Guid.NewGuid(), skuCode = "X" } } }, HttpStatusCode.BadRequest);

        var codes = bad.GetProperty("codes");
        Assert.True(codes.TryGetProperty("listings[0].platformItemId", out _));
        Assert.True(codes.TryGetProperty("listings[1].price", out _));
        Assert.Equal("duplicate", codes.GetProperty("listings[3].platformSkuId")[0].GetString());
        Assert.Equal("duplicate", twinShop.GetProperty("codes").GetProperty("code")[0].GetString());
        Assert.True(badPlatform.GetProperty("codes").TryGetProperty("platform", out _));
        Assert.Equal("not_found", badMultiplier.GetProperty("codes").GetProperty("items[0].listingId")[0].GetString());
        Assert.Empty((await Session.GetAsync<Page<ListingRow>>($"{Api}/listings?shopId={shop.Id}")).Items);
    }
}

public sealed class ListingTestsOnSqlite(SqliteApp app) : ListingTests(app);

public sealed class ListingTestsOnPostgres(PostgresApp app) : ListingTests(app);

public sealed class PackCodeTests
{
    [Theory]
    [InlineData("RED-2PK", "RED", 2)]
    [InlineData("RED*3", "RED", 3)]
    [InlineData("RED×2", "RED", 2)]
    [InlineData("2X-RED", "RED", 2)]
    [InlineData("RED 3件装", "RED", 3)]
    [InlineData("TEE-M-01", null, 0)]
    [InlineData("RED", null, 0)]
    [InlineData("RED-1PK", null, 0)]
    public void A_pack_code_names_its_base_and_count(string code, string? expected, int multiplier)
    {
        var pack = global::Shelfbook.Catalog.Features.MapListings.MapListings.Pack(code);

        Assert.Equal(expected, pack?.Code);
        if (expected is not null) Assert.Equal(multiplier, pack!.Value.Multiplier);
    }
}
