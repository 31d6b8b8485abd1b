using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.FetchListings;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.PushStock;
using Shelfbook.Kernel;
using Shelfbook.Sandbox;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.PushStock;

/// <summary>Listing fetch and stock push against the sandbox's TOP and Pinduoduo routers over real HTTP.</summary>
public abstract class StockPushTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _session = "push-session-" + Guid.NewGuid().ToString("N");
    private readonly string _token = "push-token-" + Guid.NewGuid().ToString("N");
    private const string Secret = "sandbox-secret";

    private async Task<Guid> TaobaoShopAsync()
    {
        var appKey = "push-app-" + Random.Shared.Next(10_000_000, 99_999_999);
        await sandbox.PostAsync("/_sandbox/taobao/sellers", new { appKey, appSecret = Secret, session = _session, nick = "库存店" });
        return await ShopAsync("Tmall", "/taobao/router/rest", new() { ["app_key"] = appKey, ["app_secret"] = Secret, ["session"] = _session });
    }

    private async Task<Guid> PinduoduoShopAsync()
    {
        var client = "push-client-" + Random.Shared.Next(10_000_000, 99_999_999);
        await sandbox.PostAsync("/_sandbox/pinduoduo/malls", new { clientId = client, clientSecret = Secret, accessToken = _token, mallName = "拼多多库存店" });
        return await ShopAsync("Pinduoduo", "/pinduoduo/api/router", new() { ["client_id"] = client, ["client_secret"] = Secret, ["access_token"] = _token });
    }

    private async Task<Guid> ShopAsync(string platform, string path, Dictionary<string, string> credentials)
    {
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform, code = "S" + Random.Shared.Next(10_000, 99_999), name = platform + " 库存店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings", new { apiBaseUrl = new Uri(sandbox.BaseUrl, path).ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials", new { values = credentials });
        return id;
    }

    private Task<StockPushRun> PushAsync(Guid shop, bool all = false) => Session.PostAsync<StockPushRun>($"/api/v1/channels/shops/{shop}/stock/push?all={all}", null);

    private async Task<Dictionary<string, ListingStockRow>> RowsAsync(Guid shop, string filter = "All") =>
        (await Session.GetAsync<Page<ListingStockRow>>($"/api/v1/channels/shops/{shop}/stock/listings?filter={filter}&limit=500")).Items
        .ToDictionary(r => r.SellerCode ?? r.PlatformItemId);

    [Fact]
    public async Task Fetched_listings_are_matched_and_each_gets_its_computed_quantity_pushed_once()
    {
        var (main, other) = (await Session.WarehouseAsync("MAIN"), await Session.WarehouseAsync("OTHER"));
        await Session.SkusAsync("货品 A", "A-1");
        await Session.SkusAsync("货品 B", "B-2");
        await Session.PostAsync<JsonElement>("/api/v1/catalog/combos",
            new { name = "组合 C", code = "C-SET", components = new[] { new { code = "A-1", quantity = 2 }, new { code = "B-2", quantity = 1 } } }, HttpStatusCode.Created);
        await Session.ReceiveAsync("MAIN", "A-1", 30);
        await Session.ReceiveAsync("OTHER", "A-1", 7);
        await Session.ReceiveAsync("MAIN", "B-2", 5);
        var shop = await TaobaoShopAsync();
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/listings", new
        {
            listings = new object[]
            {
                new { item = "纯棉T恤", sellerCode = "A-1", spec = "白色", quantity = 999 },
                new { item = "纯棉T恤", sellerCode = "A-1-2PK", spec = "白色 两件装", quantity = 999 },
                new { item = "纯棉T恤", sellerCode = "C-SET", spec = "套装", quantity = 999 },
                new { item = "帆布包", sellerCode = "B-2", quantity = 999, noVariants = true },
                new { item = "未知商品", sellerCode = "ZZZ-9", quantity = 4, noVariants = true },
            },
        });

        var fetched = await Session.PostAsync<ListingsFetched>($"/api/v1/channels/shops/{shop}/listings/fetch", null);
        Assert.Equal((5, 5, 0, 3, 2), (fetched.Fetched, fetched.Created, fetched.Updated, fetched.MatchedAutomatically, fetched.Unmatched));
        var rows = await RowsAsync(shop);
        await Session.PostAsync<JsonElement>("/api/v1/catalog/listings/map", new { items = new[] { new { listingId = rows["A-1-2PK"].ListingId, skuCode = "A-1", multiplier = 2 } } });

        // Only MAIN serves the shop; one unit of each SKU is held back and half of the rest offered.
        await Session.PutAsync<StockPushView>($"/api/v1/channels/shops/{shop}/stock", new { enabled = true, buffer = 1, ratioPercent = 50, warehouseIds = new[] { main } });
        await Session.PutAsync<ListingStockRow>($"/api/v1/channels/shops/{shop}/stock/listings/{rows["B-2"].ListingId}", new { minQuantity = 3 });
        await Session.PutAsync<ListingStockRow>($"/api/v1/channels/shops/{shop}/stock/listings/{rows["C-SET"].ListingId}", new { optOut = true });
        rows = await RowsAsync(shop);
        Assert.Equal((30L, 14L), (rows["A-1"].Available, rows["A-1"].Wanted));
        Assert.Equal(7L, rows["A-1-2PK"].Wanted);
        Assert.Equal(3L, rows["B-2"].Wanted);
        Assert.Equal((5L, (long?)null), (rows["C-SET"].Available, rows["C-SET"].Wanted));
        Assert.Null(rows["ZZZ-9"].Wanted);
        Assert.Equal(["A-1", "A-1-2PK", "B-2"], (await RowsAsync(shop, "Drift")).Keys.Order(StringComparer.Ordinal));

        var run = await PushAsync(shop);
        var again = await PushAsync(shop);

        Assert.Equal((3, 3, 0, (string?)null), (run.Planned, run.Pushed, run.Refused, run.Error));
        Assert.Equal((0, 0), (again.Planned, again.Pushed));
        var updates = await sandbox.StockUpdatesAsync("taobao", _session);
        Assert.Equal([3L, 7L, 14L], updates.Order());
        // The two variants of one item went in one skus.quantity.update; the item without variants in item.quantity.update.
        Assert.Equal(1, sandbox.State.Calls.GetValueOrDefault($"taobao:{_session}:taobao.skus.quantity.update"));
        Assert.Equal(1, sandbox.State.Calls.GetValueOrDefault($"taobao:{_session}:taobao.item.quantity.update"));

        await Session.PostAsync<ListingsFetched>($"/api/v1/channels/shops/{shop}/listings/fetch", null);
        Assert.Empty(await RowsAsync(shop, "Drift"));

        await Session.ReceiveAsync("MAIN", "A-1", 10);
        await Session.ReceiveAsync("OTHER", "B-2", 50);
        var moved = await PushAsync(shop);
        Assert.Equal((2, 2), (moved.Planned, moved.Pushed));
        Assert.Equal([9L, 19L], (await sandbox.StockUpdatesAsync("taobao", _session)).Skip(3).Order());

        var everything = await PushAsync(shop, all: true);
        Assert.Equal(3, everything.Pushed);

        // The two rules a person set are in the audit log; the rows pushing and fetching made for their bookkeeping are not.
        await using var db = Session.OpenDb();
        Assert.Equal(2, await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(
            db.Set<Shelfbook.Data.Audit.AuditEntry>(), a => a.EntityType == "listing_stock"));

        // Both warehouses serve the shop: a combo is packed in one warehouse, so MAIN makes min(40 / 2, 5) = 5 sets and
        // OTHER min(7 / 2, 50) = 3, not min(47 / 2, 55) = 23 counted across them.
        await Session.PutAsync<StockPushView>($"/api/v1/channels/shops/{shop}/stock", new { enabled = true, buffer = 1, ratioPercent = 50, warehouseIds = new[] { main, other } });
        Assert.Equal(8L, (await RowsAsync(shop))["C-SET"].Available);
    }

    [Fact]
    public async Task A_pinduoduo_push_recovers_from_throttling_and_revoked_credentials_ask_for_authorization()
    {
        await Session.WarehouseAsync("PDD-WH");
        await Session.SkusAsync("拼多多货品", "P-1", "P-2");
        await Session.ReceiveAsync("PDD-WH", "P-1", 12);
        var shop = await PinduoduoShopAsync();
        await sandbox.PostAsync($"/_sandbox/pinduoduo/malls/{_token}/listings", new
        {
            listings = new object[] { new { item = "拼团商品", sellerCode = "P-1", spec = "红色" }, new { item = "拼团商品", sellerCode = "P-2", spec = "蓝色" } },
        });
        var fetched = await Session.PostAsync<ListingsFetched>($"/api/v1/channels/shops/{shop}/listings/fetch", null);
        Assert.Equal((2, 2), (fetched.Fetched, fetched.MatchedAutomatically));

        await sandbox.PostAsync($"/_sandbox/faults/pinduoduo:{_token}", new { throttleNext = 1 });
        var throttled = await PushAsync(shop);
        Assert.Equal((2, 0), (throttled.Planned, throttled.Pushed));
        Assert.Contains("70031", throttled.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await Session.GetAsync<StockPushView>($"/api/v1/channels/shops/{shop}/stock")).Waiting);

        var recovered = await PushAsync(shop);
        Assert.Equal((2, 2), (recovered.Planned, recovered.Pushed));
        Assert.Equal([0L, 12L], (await sandbox.StockUpdatesAsync("pinduoduo", _token)).Order());

        await Session.ReceiveAsync("PDD-WH", "P-2", 4);
        await sandbox.PostAsync($"/_sandbox/pinduoduo/malls/{_token}/revoke", new { });
        var refused = await PushAsync(shop);
        Assert.Contains("10019", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Health);
        Assert.Equal(1, (await Session.GetAsync<StockPushView>($"/api/v1/channels/shops/{shop}/stock")).Waiting);
    }

    [Fact]
    public async Task Bad_rules_are_refused_by_field_and_nothing_is_kept()
    {
        var shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Taobao", code = "NOCRED", name = "未授权店" }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var ratio = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/channels/shops/{shop}/stock", new { ratioPercent = 0, buffer = -1 }, HttpStatusCode.BadRequest);
        Assert.Contains("ratioPercent", ratio.ToString(), StringComparison.Ordinal);
        Assert.Contains("buffer", ratio.ToString(), StringComparison.Ordinal);
        var warehouse = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/channels/shops/{shop}/stock", new { warehouseIds = new[] { Guid.NewGuid() } }, HttpStatusCode.BadRequest);
        Assert.Contains("warehouseIds[0]", warehouse.ToString(), StringComparison.Ordinal);
        var enabled = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/channels/shops/{shop}/stock", new { enabled = true, buffer = 5 }, HttpStatusCode.Conflict);
        Assert.Contains("connection.no_credentials", enabled.ToString(), StringComparison.Ordinal);
        var view = await Session.GetAsync<StockPushView>($"/api/v1/channels/shops/{shop}/stock");
        Assert.Equal((false, 0, 100), (view.Enabled, view.Buffer, view.RatioPercent));

        await Session.PostAsync<JsonElement>($"/api/v1/catalog/shops/{shop}/listings", new { listings = new[] { new { platformItemId = "77", sellerCode = "X" } } });
        var listing = (await Session.GetAsync<Page<ListingStockRow>>($"/api/v1/channels/shops/{shop}/stock/listings")).Items.Single();
        var bounds = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/channels/shops/{shop}/stock/listings/{listing.ListingId}",
            new { minQuantity = 9, maxQuantity = 2, fixedQuantity = -1 }, HttpStatusCode.BadRequest);
        Assert.Contains("minQuantity", bounds.ToString(), StringComparison.Ordinal);
        Assert.Contains("fixedQuantity", bounds.ToString(), StringComparison.Ordinal);
        var filter = await Session.ProblemAsync(HttpMethod.Get, $"/api/v1/channels/shops/{shop}/stock/listings?filter=sideways", null, HttpStatusCode.BadRequest);
        Assert.Contains("filter", filter.ToString(), StringComparison.Ordinal);
    }
}

public sealed class StockPushTestsOnSqlite(SqliteApp app, Sandbox sandbox) : StockPushTests(app, sandbox);

public sealed class StockPushTestsOnPostgres(PostgresApp app, Sandbox sandbox) : StockPushTests(app, sandbox);
