using System.Net;
using System.Text.Json;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.SyncOrders;

/// <summary>A JD POP shop against the sandbox's JOS router over real HTTP: 360buy_param_json signing, backward pages, shipment, stock.</summary>
public abstract class JdSyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _token = "jd-token-" + Guid.NewGuid().ToString("N");
    private readonly string _appKey = "jd-app-" + Random.Shared.Next(10_000_000, 99_999_999);
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-1);
    private const string Secret = "jd-sandbox-secret";

    private async Task<Guid> ShopAsync(string secret = Secret)
    {
        await sandbox.PostAsync("/_sandbox/jd/vendors", new { appKey = _appKey, appSecret = Secret, accessToken = _token, vendorName = "京东沙箱店" });
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Jd", code = "JD" + Random.Shared.Next(1000, 9999), name = "京东沙箱店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings", new { firstPullFrom = _start, apiBaseUrl = new Uri(sandbox.BaseUrl, "/jd/routerjson").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = _appKey, ["app_secret"] = secret, ["access_token"] = _token } });
        return id;
    }

    private async Task<List<string>> GenerateAsync(int count, int fromMinute = 5, int toMinute = 58)
    {
        var generated = await sandbox.PostAsync<JsonElement>($"/_sandbox/jd/vendors/{_token}/orders",
            new { count, from = _start.AddMinutes(fromMinute), to = _start.AddMinutes(toMinute), sellerCodes = new[] { "J-1", "J-2" }, closedShare = 0.0 });
        return generated.GetProperty("orderIds").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private Task<SyncRun> SyncAsync(Guid shop) => Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test-node", CancellationToken.None));

    [Fact]
    public async Task Orders_updated_during_paging_or_repeated_across_pages_are_stored_once_with_the_paid_amount_shared_over_lines()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(240, fromMinute: 32, toMinute: 55);
        await sandbox.PostAsync($"/_sandbox/faults/jd:{_token}", new { duplicateAcrossPages = true, updateDuringPaging = 2 });

        var run = await SyncAsync(shop);
        await sandbox.PostAsync($"/_sandbox/faults/jd:{_token}", new { duplicateAcrossPages = false, updateDuringPaging = 0 });
        await Task.Delay(1100);
        var again = await SyncAsync(shop);

        Assert.Equal((null, null), (run.Error, again.Error));
        Assert.Equal(3, run.Pages);
        var held = sandbox.State.Jd.Vendors[_token].Orders;
        Assert.All(await Session.AssertStoredOnceAsync(ids), order => Assert.Equal((held[order.PlatformOrderId].Payment, "CNY"), (order.Paid, order.Currency)));
    }

    [Fact]
    public async Task A_wrong_secret_asks_for_authorization_and_a_malformed_order_is_quarantined_after_throttling()
    {
        var shop = await ShopAsync(secret: "not-it");
        var refused = await SyncAsync(shop);
        Assert.Contains("签名无效", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Health);

        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = _appKey, ["app_secret"] = Secret, ["access_token"] = _token } });
        var ids = await GenerateAsync(7);
        await sandbox.PostAsync($"/_sandbox/faults/jd:{_token}", new { malformed = new[] { ids[0] }, throttleNext = 1 });
        var run = await SyncAsync(shop);
        Assert.Equal((null, 6, 1, 1), (run.Error, run.Inserted, run.Quarantined, run.Throttled));
    }

    [Fact]
    public async Task A_shipment_whose_answer_is_lost_reaches_jd_once_and_stock_push_sets_each_sku()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(2);
        await SyncAsync(shop);
        var received = await Session.ConfirmAfterLostAnswerAsync(sandbox, shop, ids[0], "SF1800000001", "jd", _token);
        Assert.Equal("467", received.Single(r => r.GetProperty("accepted").GetBoolean()).GetProperty("carrier").GetString());

        Assert.Equal([0L, 5L], (await Session.FetchAndPushTwoAsync(sandbox, shop, $"/_sandbox/jd/vendors/{_token}/listings", ["J-1", "J-2"], 5, "jd", _token)).Order());
    }
}

public sealed class JdSyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : JdSyncTests(app, sandbox);

public sealed class JdSyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : JdSyncTests(app, sandbox);
