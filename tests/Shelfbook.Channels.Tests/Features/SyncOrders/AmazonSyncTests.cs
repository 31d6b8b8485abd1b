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

/// <summary>An Amazon shop against the sandbox's LWA and SP-API over real HTTP: tokens, NextToken paging, rate limits, packages, listings.</summary>
public abstract class AmazonSyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _seller = "A" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
    private readonly string _refresh = "Atzr|" + Guid.NewGuid().ToString("N");
    private readonly string _client = "amzn1.application-oa2-client." + Guid.NewGuid().ToString("N")[..16];
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-1);
    private const string Secret = "amzn-sandbox-secret";
    private const string Marketplace = "ATVPDKIKX0DER";

    private async Task<Guid> ShopAsync(string? refresh = null, double rateScale = 50)
    {
        await sandbox.PostAsync("/_sandbox/amazon/sellers",
            new { clientId = _client, clientSecret = Secret, refreshToken = _refresh, sellerId = _seller, marketplaceId = Marketplace, rateScale });
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Amazon", code = "AZ" + Random.Shared.Next(1000, 9999), name = "Amazon 沙箱店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings", new { firstPullFrom = _start, apiBaseUrl = new Uri(sandbox.BaseUrl, "/amazon").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials", new
        {
            values = new Dictionary<string, string>
            {
                ["client_id"] = _client, ["client_secret"] = Secret, ["refresh_token"] = refresh ?? _refresh, ["seller_id"] = _seller, ["marketplace_id"] = Marketplace,
            },
        });
        return id;
    }

    /// <summary>Orders updated at least five minutes ago: SP-API serves changes up to two minutes back, and the connector asks up to three.</summary>
    private async Task<List<string>> GenerateAsync(int count, int fromMinute = 5, int toMinute = 54)
    {
        var generated = await sandbox.PostAsync<JsonElement>($"/_sandbox/amazon/sellers/{_seller}/orders",
            new { count, from = _start.AddMinutes(fromMinute), to = _start.AddMinutes(toMinute), sellerCodes = new[] { "M-1", "M-2" }, unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0 });
        return generated.GetProperty("orderIds").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private Task<SyncRun> SyncAsync(Guid shop) => Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test-node", CancellationToken.None));

    private int Calls(string key) => sandbox.State.Calls.GetValueOrDefault($"amazon:{_seller}:{key}");

    [Fact]
    public async Task Orders_and_their_items_are_stored_once_through_next_tokens_with_one_token_until_it_lapses()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(230);
        await sandbox.PostAsync($"/_sandbox/faults/amazon:{_seller}", new { duplicateAcrossPages = true, updateDuringPaging = 2 });

        var run = await SyncAsync(shop);
        await sandbox.PostAsync($"/_sandbox/faults/amazon:{_seller}", new { duplicateAcrossPages = false, updateDuringPaging = 0 });
        await sandbox.PostAsync($"/_sandbox/amazon/sellers/{_seller}/expire-tokens", new { });
        var again = await SyncAsync(shop);

        Assert.Equal((null, null), (run.Error, again.Error));
        Assert.Equal(3, run.Pages);
        Assert.Equal(2, Calls("token"));
        // The orders updated while paging (two after each page) now carry a time SP-API serves only two minutes later: they are past the
        // cursor, so the next run after that takes them.
        var held = sandbox.State.Amazon.Sellers[_refresh].Orders;
        var moved = held.Values.Where(o => o.Modified > _start.AddMinutes(55)).Select(Shelfbook.Sandbox.Amazon.AmazonPlatform.OrderId).ToList();
        Assert.NotEmpty(moved);
        var cursor = (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Cursor;
        Assert.All(moved, id => Assert.True(held[id].Modified > cursor, $"{id} was modified before the cursor {cursor}"));
        // (A moved order may have been stored already: the duplicate fault repeats the next page's first order.)
        List<string> storedMoved;
        await using (var db = Session.OpenDb())
            storedMoved = await db.Set<PlatformOrder>().Where(o => moved.Contains(o.PlatformOrderId)).Select(o => o.PlatformOrderId).ToListAsync();
        Assert.All(await Session.AssertStoredOnceAsync(ids.Except(moved).Concat(storedMoved)),
            order => Assert.Equal((held[order.PlatformOrderId].Payment, "USD"), (order.Paid, order.Currency)));
    }

    [Fact]
    public async Task A_refused_refresh_token_asks_for_authorization_throttling_is_absorbed_and_a_malformed_order_is_quarantined()
    {
        var shop = await ShopAsync(refresh: "Atzr|never-issued");
        var refused = await SyncAsync(shop);
        Assert.Contains("invalid_grant", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Health);

        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials", new
        {
            values = new Dictionary<string, string>
            {
                ["client_id"] = _client, ["client_secret"] = Secret, ["refresh_token"] = _refresh, ["seller_id"] = _seller, ["marketplace_id"] = Marketplace,
            },
        });
        var ids = await GenerateAsync(5);
        await sandbox.PostAsync($"/_sandbox/faults/amazon:{_seller}", new { malformed = new[] { ids[0] }, throttleNext = 2 });
        var run = await SyncAsync(shop);
        Assert.Equal((null, 4, 1), (run.Error, run.Inserted, run.Quarantined));
    }

    [Fact]
    public async Task A_window_throttled_mid_paging_goes_on_from_its_next_token_instead_of_its_first_page()
    {
        var shop = await ShopAsync(rateScale: 1000);
        await GenerateAsync(230);
        // The second getOrders call and its three retries are throttled: the connector gives way, the sync backs off.
        await sandbox.PostAsync($"/_sandbox/faults/amazon:{_seller}", new { throttleOnly = "getOrders", throttleAfter = 1, throttleNext = 4 });

        var run = await SyncAsync(shop);

        Assert.Equal((null, 230), (run.Error, run.Inserted));
        Assert.Equal(1, run.Throttled);
        // Three pages and four throttled calls: the first page was not asked for again.
        Assert.Equal(3 + 4, Calls("getOrders"));
    }

    [Fact]
    public async Task A_package_whose_answer_is_lost_is_confirmed_once_and_stock_push_patches_the_listings()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(2);
        await SyncAsync(shop);
        var received = await Session.ConfirmAfterLostAnswerAsync(sandbox, shop, ids[0], "SF1700000001", "amazon", _seller, slowOnly: "confirmShipment");
        Assert.Equal([true, false], received.Select(r => r.GetProperty("accepted").GetBoolean()));
        Assert.Equal("SF Express", received[0].GetProperty("carrier").GetString());

        Assert.Equal([0L, 11L], (await Session.FetchAndPushTwoAsync(sandbox, shop, $"/_sandbox/amazon/sellers/{_seller}/listings", ["M-1", "M-2"], 11, "amazon", _seller)).Order());
    }
}

public sealed class AmazonSyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : AmazonSyncTests(app, sandbox);

public sealed class AmazonSyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : AmazonSyncTests(app, sandbox);
