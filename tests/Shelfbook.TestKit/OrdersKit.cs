using System.Net;
using System.Text.Json;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Xunit;

namespace Shelfbook.TestKit;

/// <summary>A Taobao shop whose orders come from the sandbox over real HTTP, and warehouses with stock, for order and fulfillment scenarios.</summary>
public sealed class OrdersKit(PlatformSandbox sandbox)
{
    private readonly string _session = "orders-" + Guid.NewGuid().ToString("N");
    private readonly string _appKey = "ord" + Random.Shared.Next(10_000_000, 99_999_999);
    private const string Secret = "orders-secret";

    /// <summary>The sandbox seller (its session key) the shop's orders come from, for reading what the sandbox received.</summary>
    public string Seller => _session;

    /// <summary>
    /// The catalog's T-shirt (A-1, B-2) and its set AB-SET, a Taobao shop and <paramref name="count"/> orders synced from
    /// the sandbox, their lines drawn from <paramref name="sellerCodes"/> (about 2% get a code nobody knows).
    /// </summary>
    public async Task<Guid> SyncedShopAsync(TenantSession session, int count, string[] sellerCodes, double remarkShare = 0, double refundShare = 0)
    {
        await session.PostAsync<JsonElement>("/api/v1/catalog/products", new { name = "纯棉T恤", skus = new[] { new { code = "A-1" }, new { code = "B-2" } } },
            HttpStatusCode.Created);
        await session.PostAsync<JsonElement>("/api/v1/catalog/combos",
            new { name = "T恤两件套", code = "AB-SET", components = new[] { new { code = "A-1", quantity = 1 }, new { code = "B-2", quantity = 1 } } }, HttpStatusCode.Created);
        await sandbox.PostAsync("/_sandbox/taobao/sellers", new { appKey = _appKey, appSecret = Secret, session = _session, nick = "接单店" });
        var shop = (await session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Taobao", code = "OR" + Random.Shared.Next(10000, 99999), name = "接单店" },
            HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/settings",
            new { firstPullFrom = DateTime.UtcNow.AddHours(-1), apiBaseUrl = new Uri(sandbox.BaseUrl, "/taobao/router/rest").ToString() });
        await session.PutAsync<JsonElement>($"/api/v1/channels/shops/{shop}/credentials",
            new { values = new Dictionary<string, string> { ["app_key"] = _appKey, ["app_secret"] = Secret, ["session"] = _session } });
        await sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders", new
        {
            count, from = DateTime.UtcNow.AddMinutes(-50), to = DateTime.UtcNow.AddMinutes(-5), sellerCodes, seed = 7,
            unpaidShare = 0.1, closedShare = 0.0, refundShare, remarkShare, presaleShare = 0.0,
        });
        await SyncAsync(session, shop);
        return shop;
    }

    /// <summary>Pulls the shop's orders changed since the last pull.</summary>
    public static async Task<SyncRun> SyncAsync(TenantSession session, Guid shop)
    {
        var run = await session.WithAsync<SyncShopOrders, SyncRun>(s => s.RunAsync(shop, "test", CancellationToken.None));
        Assert.Null(run.Error);
        return run;
    }

    /// <summary>The buyer or the platform changes a trade (status, the first line's refund status, the street); the next pull sees it.</summary>
    public Task ChangeTradeAsync(string tid, object change) => sandbox.PostAsync($"/_sandbox/taobao/sellers/{_session}/orders/{tid}", change);

    public static async Task<Guid> WarehouseAsync(TenantSession session, string code) =>
        (await session.PostAsync<JsonElement>("/api/v1/inventory/warehouses", new { code, name = "仓 " + code, type = "Own" }, HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    /// <summary>Puts sellable stock on the shelf with an opening balance.</summary>
    public static Task ReceiveAsync(TenantSession session, Guid warehouse, Guid sku, int quantity) =>
        session.WithAsync<StockPosting, PostedMovements>(p => p.PostAsync(
            [new MovementDraft(warehouse, sku, StockCondition.Sellable, quantity, MovementType.OpeningBalance, "open:" + Guid.NewGuid(), "lines[0]")], default));
}
