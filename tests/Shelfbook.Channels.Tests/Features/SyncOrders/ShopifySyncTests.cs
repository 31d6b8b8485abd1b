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

/// <summary>A Shopify store against the sandbox's Admin REST API over real HTTP: cursor paging, currencies, fulfillments, inventory levels.</summary>
public abstract class ShopifySyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _store = "store-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _token = "shpat_" + Guid.NewGuid().ToString("N");
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-1);
    private const long Location = 7_000_001;

    private async Task<Guid> ShopAsync(string currency = "USD", string? token = null)
    {
        await sandbox.PostAsync("/_sandbox/shopify/stores", new { store = _store, accessToken = _token, locationId = Location, currency });
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Shopify", code = "SH" + Random.Shared.Next(1000, 9999), name = "Shopify 沙箱店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings",
            new { firstPullFrom = _start, apiBaseUrl = new Uri(sandbox.BaseUrl, $"/shopify/{_store}").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials",
            new { values = new Dictionary<string, string> { ["access_token"] = token ?? _token, ["location_id"] = Location.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        return id;
    }

    private async Task<List<string>> GenerateAsync(int count, int fromMinute = 5, int toMinute = 58)
    {
        var generated = await sandbox.PostAsync<JsonElement>($"/_sandbox/shopify/stores/{_store}/orders",
            new { count, from = _start.AddMinutes(fromMinute), to = _start.AddMinutes(toMinute), sellerCodes = new[] { "S-1", "S-2" }, unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0 });
        return generated.GetProperty("orderIds").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private Task<SyncRun> SyncAsync(Guid shop) => Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test-node", CancellationToken.None));

    [Theory]
    [InlineData("USD")]
    [InlineData("JPY")]
    public async Task Every_order_is_stored_once_through_the_cursor_pages_in_its_currencys_minor_units(string currency)
    {
        var shop = await ShopAsync(currency);
        var ids = await GenerateAsync(600);
        await sandbox.PostAsync($"/_sandbox/faults/shopify:{_store}", new { duplicateAcrossPages = true, updateDuringPaging = 2 });

        var run = await SyncAsync(shop);
        await sandbox.PostAsync($"/_sandbox/faults/shopify:{_store}", new { duplicateAcrossPages = false, updateDuringPaging = 0 });
        await Task.Delay(1100);
        var again = await SyncAsync(shop);

        Assert.Null(run.Error);
        Assert.Null(again.Error);
        Assert.Equal(3, run.Pages);
        var held = sandbox.State.Shopify.Stores[_store].Orders;
        var stored = await Session.AssertStoredOnceAsync(ids);
        Assert.All(stored, order => Assert.Equal((held[long.Parse(order.PlatformOrderId, System.Globalization.CultureInfo.InvariantCulture)].Payment, currency), (order.Paid, order.Currency)));
        // A cross-border store's buyers live abroad.
        Assert.DoesNotContain(stored, o => o.Country is null or "CN");
    }

    [Fact]
    public async Task The_bucket_is_waited_out_an_unknown_currency_is_quarantined_and_a_wrong_token_asks_for_authorization()
    {
        var wrong = await ShopAsync(token: "shpat_wrong");
        var refused = await SyncAsync(wrong);
        Assert.Contains("401", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{wrong}")).Health);

        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{wrong}/credentials",
            new { values = new Dictionary<string, string> { ["access_token"] = _token, ["location_id"] = "7000001" } });
        await GenerateAsync(5);
        await sandbox.PostAsync($"/_sandbox/shopify/stores/{_store}", new { currency = "XTS" });
        await sandbox.PostAsync($"/_sandbox/faults/shopify:{_store}", new { throttleNext = 1 });
        var run = await SyncAsync(wrong);

        Assert.Null(run.Error);
        Assert.Equal((0, 5, 1), (run.Inserted, run.Quarantined, run.Throttled));
        var open = await Session.GetAsync<JsonElement>($"/api/v1/channels/quarantine?shopId={wrong}");
        Assert.All(open.GetProperty("items").EnumerateArray(), q => Assert.Contains("Unknown currency 'XTS'", q.GetProperty("error").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fulfillment_whose_answer_is_lost_is_made_once_and_stock_push_sets_the_inventory_level()
    {
        var shop = await ShopAsync();
        var ids = await GenerateAsync(3);
        await SyncAsync(shop);
        // The fulfillment is made but answered after the client's timeout; the retry finds nothing left to fulfill and
        // the fulfillment carrying this tracking number.
        var made = Assert.Single(await Session.ConfirmAfterLostAnswerAsync(sandbox, shop, ids[0], "SF1500000001", "shopify", _store, slowOnly: "POST"));
        Assert.Equal("SF Express", made.GetProperty("carrier").GetString());

        Assert.Equal([0L, 8L], (await Session.FetchAndPushTwoAsync(sandbox, shop, $"/_sandbox/shopify/stores/{_store}/listings", ["S-1", "S-2"], 8, "shopify", _store)).Order());
    }
}

public sealed class ShopifySyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ShopifySyncTests(app, sandbox);

public sealed class ShopifySyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ShopifySyncTests(app, sandbox);
