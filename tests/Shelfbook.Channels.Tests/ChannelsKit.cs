using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Channels.Features.FetchListings;
using Shelfbook.Channels.Features.PushStock;
using Shelfbook.TestKit;

namespace Shelfbook.Channels.Tests;

/// <summary>Warehouses, SKUs and stock for channel scenarios through the real API, and what the sandbox received.</summary>
public static class ChannelsKit
{
    public static async Task<Guid> WarehouseAsync(this TenantSession session, string code) =>
        (await session.PostAsync<JsonElement>("/api/v1/inventory/warehouses", new { code, name = "仓 " + code, type = "Own" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();

    /// <summary>One product with a SKU per code.</summary>
    public static Task<JsonElement> SkusAsync(this TenantSession session, string product, params string[] codes) =>
        session.PostAsync<JsonElement>("/api/v1/catalog/products", new { name = product, skus = codes.Select(code => new { code }).ToArray() }, HttpStatusCode.Created);

    /// <summary>A purchase receipt of <paramref name="quantity"/> units into the warehouse.</summary>
    public static Task<JsonElement> ReceiveAsync(this TenantSession session, string warehouse, string sku, int quantity) =>
        session.PostAsync<JsonElement>("/api/v1/inventory/movements", new
        {
            movements = new[] { new { idempotencyKey = Guid.NewGuid().ToString(), type = "PurchaseReceipt", quantity, warehouseCode = warehouse, skuCode = sku, unitCost = 500 } },
        });

    /// <summary>The quantities a platform's seller accepted from stock pushes, in order.</summary>
    public static async Task<List<long>> StockUpdatesAsync(this Sandbox sandbox, string platform, string seller) =>
        (await sandbox.Control.GetFromJsonAsync<List<JsonElement>>($"/_sandbox/stock-updates?platform={platform}&seller={seller}"))!
        .Select(u => u.GetProperty("quantity").GetInt64()).ToList();

    /// <summary>The shipment confirmations a platform's seller received, accepted or refused.</summary>
    public static async Task<List<JsonElement>> ReceivedAsync(this Sandbox sandbox, string platform, string seller) =>
        (await sandbox.Control.GetFromJsonAsync<List<JsonElement>>($"/_sandbox/received?platform={platform}&seller={seller}"))!;

    /// <summary>
    /// Asserts that exactly these platform orders are stored, each once, and that each order's lines share what was paid
    /// for goods (paid − postage) to the last minor unit; answers the orders.
    /// </summary>
    public static async Task<List<PlatformOrder>> AssertStoredOnceAsync(this TenantSession session, IEnumerable<string> ids)
    {
        await using var db = session.OpenDb();
        var orders = await db.Set<PlatformOrder>().AsNoTracking().ToListAsync();
        Assert.Equal(ids.Order(StringComparer.Ordinal), orders.Select(o => o.PlatformOrderId).Order(StringComparer.Ordinal));
        var lines = (await db.Set<PlatformOrderLine>().AsNoTracking().ToListAsync()).ToLookup(l => l.OrderId);
        foreach (var order in orders) Assert.Equal(order.Paid - order.Postage, lines[order.Id].Sum(l => l.Paid));
        return orders;
    }

    /// <summary>
    /// Queues an SF parcel for the order and sends it while the platform answers too late (the work is done, the answer
    /// lost); the retry must find it done and accept it. Answers what the platform received.
    /// </summary>
    public static async Task<List<JsonElement>> ConfirmAfterLostAnswerAsync(
        this TenantSession session, Sandbox sandbox, Guid shop, string orderId, string trackingNo, string platform, string seller, string? slowOnly = null)
    {
        var queued = await session.PostAsync<ConfirmationRow>("/api/v1/channels/confirmations",
            new { shopId = shop, platformOrderId = orderId, trackingNo, carrierCode = "SF" }, HttpStatusCode.Created);
        await sandbox.PostAsync($"/_sandbox/faults/{platform}:{seller}", new { slowAnswerNext = 1, slowAnswerMs = 4500, slowAnswerOnly = slowOnly });
        var first = await session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        Assert.Equal((1, 0), (first.Sent, first.Accepted));
        await session.PostAsync<ConfirmationRow>($"/api/v1/channels/confirmations/{queued.Id}/retry", null);
        var second = await session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        Assert.Equal(1, second.Accepted);
        var received = await sandbox.ReceivedAsync(platform, seller);
        Assert.Single(received, r => r.GetProperty("accepted").GetBoolean());
        return received;
    }

    /// <summary>
    /// Stocks <paramref name="units"/> of the second of two SKUs, lists both on the platform (at <paramref name="listingsPath"/>
    /// of the control API), fetches them (both match), pushes, and answers the quantities the platform received.
    /// </summary>
    public static async Task<List<long>> FetchAndPushTwoAsync(
        this TenantSession session, Sandbox sandbox, Guid shop, string listingsPath, string[] codes, int units, string platform, string seller)
    {
        await session.WarehouseAsync("PUSH-WH");
        await session.SkusAsync("推送货品", codes);
        await session.ReceiveAsync("PUSH-WH", codes[1], units);
        await sandbox.PostAsync(listingsPath, new
        {
            listings = codes.Select((code, i) => new { item = "Listed item", sellerCode = code, spec = $"Variant {i}", quantity = 40 }).ToArray(),
        });
        var fetched = await session.PostAsync<ListingsFetched>($"/api/v1/channels/shops/{shop}/listings/fetch", null);
        Assert.Equal((2, 2), (fetched.Fetched, fetched.MatchedAutomatically));
        var push = await session.PostAsync<StockPushRun>($"/api/v1/channels/shops/{shop}/stock/push", null);
        Assert.Equal((2, 2), (push.Planned, push.Pushed));
        return await sandbox.StockUpdatesAsync(platform, seller);
    }
}
