using System.Net;
using System.Text.Json;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Channels.Features.FetchListings;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.PushStock;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.SyncOrders;

/// <summary>An eBay shop against the sandbox's OAuth and Sell APIs over real HTTP: refresh tokens, offset paging, fulfillments, inventory.</summary>
public abstract class EbaySyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _seller = "ebay-seller-" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _refresh = "v^1.1#r^1#" + Guid.NewGuid().ToString("N");
    private readonly string _client = "Shelfboo-" + Random.Shared.Next(10_000_000, 99_999_999);
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-1);
    private const string Secret = "PRD-ebay-sandbox-secret";

    private async Task<Guid> ShopAsync(string? refresh = null)
    {
        await sandbox.PostAsync("/_sandbox/ebay/sellers", new { clientId = _client, clientSecret = Secret, refreshToken = _refresh, seller = _seller });
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Ebay", code = "EB" + Random.Shared.Next(1000, 9999), name = "eBay 沙箱店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings", new { firstPullFrom = _start, apiBaseUrl = new Uri(sandbox.BaseUrl, "/ebay").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials",
            new { values = new Dictionary<string, string> { ["client_id"] = _client, ["client_secret"] = Secret, ["refresh_token"] = refresh ?? _refresh } });
        return id;
    }

    private async Task<List<string>> GenerateAsync(int count, int fromMinute = 5, int toMinute = 58)
    {
        var generated = await sandbox.PostAsync<JsonElement>($"/_sandbox/ebay/sellers/{_seller}/orders",
            new { count, from = _start.AddMinutes(fromMinute), to = _start.AddMinutes(toMinute), sellerCodes = new[] { "E-1", "E-2" }, unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0 });
        return generated.GetProperty("orderIds").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private Task<SyncRun> SyncAsync(Guid shop) => Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test-node", CancellationToken.None));

    private int Calls(string key) => sandbox.State.Calls.GetValueOrDefault($"ebay:{_seller}:{key}");

    [Fact]
    public async Task Orders_are_stored_once_through_offset_pages_with_one_token_until_it_expires()
    {
        var shop = await ShopAsync();
        await GenerateAsync(450);
        await sandbox.PostAsync($"/_sandbox/faults/ebay:{_seller}", new { duplicateAcrossPages = true, updateDuringPaging = 2 });

        var run = await SyncAsync(shop);
        await sandbox.PostAsync($"/_sandbox/faults/ebay:{_seller}", new { duplicateAcrossPages = false, updateDuringPaging = 0 });
        await Task.Delay(1100);
        var again = await SyncAsync(shop);
        Assert.Equal(1, Calls("token"));

        // The platform lets the user token lapse: the next call is refused, a new token is got once, and the run goes on.
        await sandbox.PostAsync($"/_sandbox/ebay/sellers/{_seller}/expire-tokens", new { });
        await GenerateAsync(3, fromMinute: 59, toMinute: 59);
        await Task.Delay(1100);
        var third = await SyncAsync(shop);

        Assert.Equal((null, null, null), (run.Error, again.Error, third.Error));
        Assert.Equal(3, run.Pages);
        Assert.Equal(2, Calls("token"));
        var held = sandbox.State.Ebay.Sellers[_refresh].Orders;
        Assert.All(await Session.AssertStoredOnceAsync(held.Keys), order => Assert.Equal((held[order.PlatformOrderId].Payment, "USD"), (order.Paid, order.Currency)));
    }

    [Fact]
    public async Task A_revoked_refresh_token_asks_for_authorization_with_ebays_message_and_a_malformed_order_is_quarantined()
    {
        var shop = await ShopAsync(refresh: "v^1.1#r^1#not-issued");
        var refused = await SyncAsync(shop);
        Assert.Contains("invalid_grant", refused.Error, StringComparison.Ordinal);
        var view = await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}");
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, view.Health);

        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["client_id"] = _client, ["client_secret"] = Secret, ["refresh_token"] = _refresh } });
        var ids = await GenerateAsync(4);
        await sandbox.PostAsync($"/_sandbox/faults/ebay:{_seller}", new { malformed = new[] { ids[0] }, throttleNext = 1 });
        var run = await SyncAsync(shop);
        Assert.Equal((null, 3, 1, 1), (run.Error, run.Inserted, run.Quarantined, run.Throttled));
    }

    [Fact]
    public async Task A_fulfillment_whose_answer_is_lost_is_made_once_and_stock_push_updates_the_inventory_items()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(2);
        await SyncAsync(shop);
        var received = await Session.ConfirmAfterLostAnswerAsync(sandbox, shop, ids[0], "SF1600000001", "ebay", _seller, slowOnly: "POST");
        Assert.Equal("SFExpress", received[0].GetProperty("carrier").GetString());

        Assert.Equal([0L, 6L], (await Session.FetchAndPushTwoAsync(sandbox, shop, $"/_sandbox/ebay/sellers/{_seller}/listings", ["E-1", "E-2"], 6, "ebay", _seller)).Order());
    }
}

public sealed class EbaySyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : EbaySyncTests(app, sandbox);

public sealed class EbaySyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : EbaySyncTests(app, sandbox);
