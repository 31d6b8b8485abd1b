using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
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
}
