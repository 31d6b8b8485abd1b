using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests.Features.SyncOrders;

/// <summary>Presale orders (预售) and promised ship times, read from each platform's own fields against the sandbox over real HTTP.</summary>
public abstract class PresaleSyncTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private const string Secret = "presale-secret";

    /// <summary>Registers a seller at the sandbox and a shop with its credentials: (shop, the control path of the seller's orders).</summary>
    private async Task<(Guid Shop, string Orders)> ShopAsync(string platform)
    {
        var (app, token, seller) = ("Pre" + Random.Shared.Next(10_000_000, 99_999_999), "presale-" + Guid.NewGuid().ToString("N"), "ps-" + Guid.NewGuid().ToString("N")[..8]);
        var (path, body, api, values, orders) = platform switch
        {
            "Taobao" => ("taobao/sellers", (object)new { appKey = app, appSecret = Secret, session = token, nick = seller }, "/taobao/router/rest",
                new Dictionary<string, string> { ["app_key"] = app, ["app_secret"] = Secret, ["session"] = token }, $"taobao/sellers/{token}/orders"),
            "Pinduoduo" => ("pinduoduo/malls", new { clientId = app, clientSecret = Secret, accessToken = token, mallName = seller }, "/pinduoduo/api/router",
                new() { ["client_id"] = app, ["client_secret"] = Secret, ["access_token"] = token }, $"pinduoduo/malls/{token}/orders"),
            "Douyin" => ("douyin/shops", new { appKey = app, appSecret = Secret, accessToken = token, shopName = seller }, "/douyin",
                new() { ["app_key"] = app, ["app_secret"] = Secret, ["access_token"] = token }, $"douyin/shops/{token}/orders"),
            "Amazon" => ("amazon/sellers", new { clientId = app, clientSecret = Secret, refreshToken = token, sellerId = seller, marketplaceId = "ATVPDKIKX0DER", rateScale = 50.0 },
                "/amazon", new() { ["client_id"] = app, ["client_secret"] = Secret, ["refresh_token"] = token, ["seller_id"] = seller, ["marketplace_id"] = "ATVPDKIKX0DER" },
                $"amazon/sellers/{seller}/orders"),
            _ => ("ebay/sellers", new { clientId = app, clientSecret = Secret, refreshToken = token, seller }, "/ebay",
                new() { ["client_id"] = app, ["client_secret"] = Secret, ["refresh_token"] = token }, $"ebay/sellers/{seller}/orders"),
        };
        await sandbox.PostAsync($"/_sandbox/{path}", body);
        var shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform, code = "PS" + Random.Shared.Next(10000, 99999), name = platform + " 预售店" },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/settings",
            new { firstPullFrom = DateTime.UtcNow.AddHours(-1), apiBaseUrl = new Uri(sandbox.BaseUrl, api).ToString() });
        await Session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials", new { values });
        return (shop, orders);
    }

    private Task GenerateAsync(string orders, int count, double presaleShare) =>
        sandbox.PostAsync($"/_sandbox/{orders}", new
        {
            count, from = DateTime.UtcNow.AddMinutes(-40), to = DateTime.UtcNow.AddMinutes(-10), unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0, presaleShare,
        });

    [Theory]
    [InlineData("Taobao"), InlineData("Pinduoduo"), InlineData("Douyin")]
    public async Task A_presale_order_keeps_its_ship_date_and_another_its_ship_within_deadline(string platform)
    {
        var (shop, orders) = await ShopAsync(platform);
        await GenerateAsync(orders, 4, presaleShare: 1);
        await GenerateAsync(orders, 6, presaleShare: 0);

        var run = await Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test", CancellationToken.None));

        Assert.Equal((null, 10), (run.Error, run.Inserted));
        await using var db = Session.OpenDb();
        var stored = await db.Set<PlatformOrder>().Where(o => o.ShopId == shop).ToListAsync();
        var presale = stored.Where(o => o.Presale).ToList();
        Assert.Equal(4, presale.Count);
        Assert.All(presale, o => Assert.InRange(o.ShipBy!.Value, o.PlacedAt.AddDays(6), o.PlacedAt.AddDays(17)));
        // Taobao gives ordinary trades no ship time; Pinduoduo and Douyin give 48 hours from payment.
        Assert.All(stored.Where(o => !o.Presale), o => Assert.Equal(platform == "Taobao" ? null : o.PaidAt!.Value.AddHours(48), o.ShipBy));
    }

    [Theory]
    [InlineData("Amazon"), InlineData("Ebay")]
    public async Task Cross_border_orders_keep_the_latest_ship_date(string platform)
    {
        var (shop, orders) = await ShopAsync(platform);
        await GenerateAsync(orders, 3, presaleShare: 0);

        var run = await Session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test", CancellationToken.None));

        Assert.Equal((null, 3), (run.Error, run.Inserted));
        await using var db = Session.OpenDb();
        var stored = await db.Set<PlatformOrder>().Where(o => o.ShopId == shop).ToListAsync();
        Assert.All(stored, o => Assert.Equal(o.PaidAt!.Value.AddHours(48), o.ShipBy!.Value, TimeSpan.FromMinutes(10)));
        Assert.All(stored, o => Assert.False(o.Presale));
    }
}

public sealed class PresaleSyncTestsOnSqlite(SqliteApp app, Sandbox sandbox) : PresaleSyncTests(app, sandbox);

public sealed class PresaleSyncTestsOnPostgres(PostgresApp app, Sandbox sandbox) : PresaleSyncTests(app, sandbox);
