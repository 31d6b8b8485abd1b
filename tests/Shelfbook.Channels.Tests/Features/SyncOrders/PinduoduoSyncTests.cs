using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.SyncOrders;

/// <summary>Order sync of a Pinduoduo shop against the sandbox's POP router over real HTTP.</summary>
public abstract class PinduoduoSyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly string _token = "pdd-token-" + Guid.NewGuid().ToString("N");
    private readonly string _client = "pdd-client-" + Random.Shared.Next(10_000_000, 99_999_999);
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-1);
    private const string Secret = "pdd-sandbox-secret";

    private async Task<Guid> ShopAsync(string secret = Secret, string? refreshToken = null)
    {
        await sandbox.PostAsync("/_sandbox/pinduoduo/malls", new { clientId = _client, clientSecret = Secret, accessToken = _token, mallName = "拼多多沙箱店", refreshToken });
        var shop = await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Pinduoduo", code = "PDD" + Random.Shared.Next(1000, 9999), name = "拼多多沙箱店" },
            HttpStatusCode.Created);
        var id = shop.GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings",
            new { firstPullFrom = _start, apiBaseUrl = new Uri(sandbox.BaseUrl, "/pinduoduo/api/router").ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/credentials",
            new { values = new Dictionary<string, string> { ["client_id"] = _client, ["client_secret"] = secret, ["access_token"] = _token } });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{id}/settings", new { syncEnabled = true });
        return id;
    }

    private async Task<List<string>> GenerateAsync(int count, int fromMinute = 5, int toMinute = 58)
    {
        var generated = await sandbox.PostAsync<JsonElement>($"/_sandbox/pinduoduo/malls/{_token}/orders",
            new { count, from = _start.AddMinutes(fromMinute), to = _start.AddMinutes(toMinute), sellerCodes = new[] { "A-1", "B-2" }, unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0 });
        return generated.GetProperty("orderSns").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private Task<SyncRun> SyncAsync(Guid shop) => Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test-node", CancellationToken.None));

    [Fact]
    public async Task Every_order_is_stored_once_with_its_amounts_shared_over_its_lines()
    {
        var shop = await ShopAsync();
        var sns = await GenerateAsync(180, fromMinute: 32, toMinute: 55);

        var run = await SyncAsync(shop);
        var calls = sandbox.State.Calls.GetValueOrDefault($"pinduoduo:{_token}:pdd.order.number.list.increment.get");
        var again = await SyncAsync(shop);

        Assert.Null(run.Error);
        Assert.Equal((180, 2), (run.Inserted, run.Pages));
        Assert.Equal((0, 0), (again.Inserted, again.Updated));
        // Windows of 30 minutes, each with a one-record call for the count; the one holding the orders then reads its two pages.
        Assert.Equal(run.Windows + 2, calls);
        await using var db = Session.OpenDb();
        Assert.Equal(sns.Order(StringComparer.Ordinal), await db.Set<PlatformOrder>().Select(o => o.PlatformOrderId).OrderBy(s => s).ToListAsync());
        var orders = await db.Set<PlatformOrder>().ToDictionaryAsync(o => o.Id);
        foreach (var lines in (await db.Set<PlatformOrderLine>().ToListAsync()).GroupBy(l => l.OrderId))
        {
            var order = orders[lines.Key];
            Assert.Equal(order.Paid - order.Postage, lines.Sum(l => l.Paid));
            Assert.Equal(("CNY", "CN"), (order.Currency, order.Country));
        }
    }

    [Fact]
    public async Task Buyers_refunding_cancelling_and_moving_house_become_events_for_the_orders_module()
    {
        var shop = await ShopAsync();
        await GenerateAsync(80, fromMinute: 10, toMinute: 40);
        await SyncAsync(shop);

        var changed = await sandbox.PostAsync<JsonElement>("/_sandbox/lifecycle",
            new { platform = "pinduoduo", seller = _token, refundShare = 0.2, cancelShare = 0.15, addressShare = 0.15, seed = 11 });
        await Task.Delay(1100);
        var run = await SyncAsync(shop);

        var (refunds, cancels, addresses) = (changed.GetProperty("refunds").GetInt32(), changed.GetProperty("cancels").GetInt32(), changed.GetProperty("addresses").GetInt32());
        Assert.True(refunds > 0 && cancels > 0 && addresses > 0, $"the seeded step changed {refunds}/{cancels}/{addresses}");
        Assert.Equal(refunds + cancels + addresses, run.Updated);
        await using var db = Session.OpenDb();
        var events = await db.Set<PlatformOrderEvent>().GroupBy(e => e.Change).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        Assert.Equal((refunds, cancels, addresses),
            (events.GetValueOrDefault(PlatformOrderChange.RefundRequested), events.GetValueOrDefault(PlatformOrderChange.Cancelled), events.GetValueOrDefault(PlatformOrderChange.AddressChanged)));
    }

    [Fact]
    public async Task An_expired_access_token_is_renewed_with_the_refresh_token_and_a_refused_refresh_asks_for_authorization()
    {
        var refresh = "pdd-refresh-" + Guid.NewGuid().ToString("N");
        var shop = await ShopAsync(refreshToken: refresh);
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["client_id"] = _client, ["client_secret"] = Secret, ["access_token"] = _token, ["refresh_token"] = refresh } });
        await GenerateAsync(6);
        await sandbox.PostAsync($"/_sandbox/pinduoduo/malls/{_token}/expire", new { });

        var renewed = await SyncAsync(shop);

        Assert.Equal((null, 6), (renewed.Error, renewed.Inserted));
        // Both new tokens are kept: the next run uses them without renewing again.
        var refreshes = sandbox.State.Calls.GetValueOrDefault($"pinduoduo:{_token}:token.refresh");
        await Task.Delay(1100);
        Assert.Null((await SyncAsync(shop)).Error);
        Assert.Equal(refreshes, sandbox.State.Calls.GetValueOrDefault($"pinduoduo:{_token}:token.refresh"));
        Assert.Equal(["access_token", "client_id", "client_secret", "refresh_token"], (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).CredentialsSet);

        // The seller withdraws the app: the refresh is refused, and the shop asks for authorization with Pinduoduo's message.
        await sandbox.PostAsync($"/_sandbox/pinduoduo/malls/{_token}/expire", new { });
        await sandbox.PostAsync($"/_sandbox/pinduoduo/malls/{_token}/revoke", new { });
        var refused = await SyncAsync(shop);
        Assert.Contains("10019", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{shop}")).Health);
    }

    [Fact]
    public async Task A_wrong_secret_asks_for_authorization_and_a_malformed_order_is_quarantined()
    {
        var wrong = await ShopAsync(secret: "not-it");
        var failed = await SyncAsync(wrong);
        Assert.Contains("签名验证失败", failed.Error, StringComparison.Ordinal);
        Assert.Equal(ConnectionHealth.AuthorizationNeeded, (await Session.GetAsync<ShopConnectionView>($"/api/v1/channels/shops/{wrong}")).Health);

        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{wrong}/credentials",
            new { values = new Dictionary<string, string> { ["client_id"] = _client, ["client_secret"] = Secret, ["access_token"] = _token } });
        var sns = await GenerateAsync(12);
        await sandbox.PostAsync($"/_sandbox/faults/pinduoduo:{_token}", new { malformed = new[] { sns[0] }, throttleNext = 1 });
        var run = await SyncAsync(wrong);

        Assert.Null(run.Error);
        Assert.Equal((11, 1, 1), (run.Inserted, run.Quarantined, run.Throttled));
        var open = await Session.GetAsync<JsonElement>($"/api/v1/channels/quarantine?shopId={wrong}");
        Assert.Contains("pay_amount", Assert.Single(open.GetProperty("items").EnumerateArray()).GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}

public sealed class PinduoduoSyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : PinduoduoSyncTests(app, sandbox);

public sealed class PinduoduoSyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : PinduoduoSyncTests(app, sandbox);
