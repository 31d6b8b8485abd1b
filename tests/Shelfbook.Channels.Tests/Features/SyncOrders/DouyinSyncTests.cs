using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Channels.Features.FetchListings;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.PushStock;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.SyncOrders;

/// <summary>A Douyin (抖店) shop against the sandbox's open platform over real HTTP: orders in fen, write-back, stock push.</summary>
public abstract class DouyinSyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _token = "dy-token-" + Guid.NewGuid().ToString("N");
    private readonly string _appKey = "dy-app-" + Random.Shared.Next(10_000_000, 99_999_999);
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-1);
    private const string Secret = "douyin-sandbox-secret";

    private async Task<Guid> ShopAsync(string secret = Secret)
    {
        await sandbox.PostAsync("/_sandbox/douyin/shops", new { appKey = _appKey, appSecret = Secret, accessToken = _token, shopName = "抖店沙箱店" });
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Douyin", code = "DY" + Random.Shared.Next(1000, 9999), name = "抖店沙箱店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings",
            new { firstPullFrom = _start, apiBaseUrl = new Uri(sandbox.BaseUrl, "/douyin").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = _appKey, ["app_secret"] = secret, ["access_token"] = _token } });
        return id;
    }

    private async Task<List<string>> GenerateAsync(int count, int fromMinute = 5, int toMinute = 58)
    {
        var generated = await sandbox.PostAsync<JsonElement>($"/_sandbox/douyin/shops/{_token}/orders",
            new { count, from = _start.AddMinutes(fromMinute), to = _start.AddMinutes(toMinute), sellerCodes = new[] { "D-1", "D-2" }, unpaidShare = 0.0, closedShare = 0.0 });
        return generated.GetProperty("orderIds").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private Task<SyncRun> SyncAsync(Guid shop) => Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test-node", CancellationToken.None));

    [Fact]
    public async Task Every_order_is_stored_once_with_its_fen_amounts_exact()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(150, fromMinute: 31, toMinute: 55);

        var run = await SyncAsync(shop);
        var again = await SyncAsync(shop);

        Assert.Null(run.Error);
        Assert.Equal((150, 2), (run.Inserted, run.Pages));
        Assert.Equal((0, 0), (again.Inserted, again.Updated));
        var held = sandbox.State.Douyin.Shops[_token].Orders;
        Assert.All(await Session.AssertStoredOnceAsync(ids),
            order => Assert.Equal((held[order.PlatformOrderId].Payment, PlatformOrderStatus.AwaitingShipment, "CNY"), (order.Paid, order.Status, order.Currency)));
    }

    [Fact]
    public async Task Orders_updated_during_paging_or_repeated_across_pages_are_stored_once_each()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(260);
        await sandbox.PostAsync($"/_sandbox/faults/douyin:{_token}", new { duplicateAcrossPages = true, updateDuringPaging = 2 });

        var first = await SyncAsync(shop);
        await sandbox.PostAsync($"/_sandbox/faults/douyin:{_token}", new { duplicateAcrossPages = false, updateDuringPaging = 0 });
        // Orders moved past the window's end come with the next pull.
        await Task.Delay(1100);
        var second = await SyncAsync(shop);

        Assert.Null(first.Error);
        Assert.Null(second.Error);
        await Session.AssertStoredOnceAsync(ids);
    }

    [Fact]
    public async Task Amounts_in_yuan_are_quarantined_and_a_wrong_secret_asks_for_authorization()
    {
        var wrong = await ShopAsync(secret: "not-it");
        var failed = await SyncAsync(wrong);
        Assert.Contains("40004", failed.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{wrong}")).Health);

        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{wrong}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = _appKey, ["app_secret"] = Secret, ["access_token"] = _token } });
        await GenerateAsync(6);
        await sandbox.PostAsync($"/_sandbox/douyin/shops/{_token}", new { amountsInYuan = true });
        await sandbox.PostAsync($"/_sandbox/faults/douyin:{_token}", new { throttleNext = 1 });
        var run = await SyncAsync(wrong);

        Assert.Null(run.Error);
        Assert.Equal((0, 6, 1), (run.Inserted, run.Quarantined, run.Throttled));
        var open = await Session.GetAsync<JsonElement>($"/api/v1/channels/quarantine?shopId={wrong}");
        Assert.All(open.GetProperty("items").EnumerateArray(),
            q => Assert.Contains("whole number of fen", q.GetProperty("error").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_confirmation_whose_answer_is_lost_reaches_douyin_once_and_stock_push_sends_the_computed_quantity()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(2);
        await SyncAsync(shop);
        var received = await Session.ConfirmAfterLostAnswerAsync(sandbox, shop, ids[0], "SF1400000001", "douyin", _token);
        Assert.Equal("shunfeng", received.Single(r => r.GetProperty("accepted").GetBoolean()).GetProperty("carrier").GetString());

        await Session.WarehouseAsync("DY-WH");
        await Session.SkusAsync("抖店货品", "D-1");
        await Session.ReceiveAsync("DY-WH", "D-1", 21);
        await sandbox.PostAsync($"/_sandbox/douyin/shops/{_token}/listings", new { listings = new[] { new { item = "抖音爆款", sellerCode = "D-1", spec = "标准", quantity = 5 } } });
        var fetched = await Session.PostAsync<ListingsFetched>($"/api/v1/channels/shops/{shop}/listings/fetch", null);
        Assert.Equal((1, 1), (fetched.Fetched, fetched.MatchedAutomatically));
        await Session.PutAsync<StockPushView>($"/api/v1/channels/shops/{shop}/stock", new { ratioPercent = 50 });
        var push = await Session.PostAsync<StockPushRun>($"/api/v1/channels/shops/{shop}/stock/push", null);
        Assert.Equal((1, 1), (push.Planned, push.Pushed));
        Assert.Equal([10L], await sandbox.StockUpdatesAsync("douyin", _token));
    }
}

public sealed class DouyinSyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : DouyinSyncTests(app, sandbox);

public sealed class DouyinSyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : DouyinSyncTests(app, sandbox);
