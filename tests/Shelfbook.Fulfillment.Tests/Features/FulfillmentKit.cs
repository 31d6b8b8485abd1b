using Microsoft.EntityFrameworkCore;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

public static class FulfillmentKit
{
    /// <summary>A synced shop's paid orders taken in and audited in one warehouse with plenty of stock; answers the audited orders by number.</summary>
    public static async Task<(Guid Shop, Guid Warehouse, List<Order> Audited)> AuditedAsync(TenantSession session, OrdersKit kit, int count)
    {
        var shop = await kit.SyncedShopAsync(session, count, ["A-1", "B-2", "AB-SET"]);
        var warehouse = await OrdersKit.WarehouseAsync(session, "SH");
        await using (var db = session.OpenDb())
            foreach (var sku in await db.Set<Shelfbook.Catalog.Domain.Sku>().Where(s => !s.Code.EndsWith("SET")).Select(s => s.Id).ToListAsync())
                await OrdersKit.ReceiveAsync(session, warehouse, sku, 500);
        await session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        await using (var db = session.OpenDb())
        {
            var pending = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).Select(o => o.Id).ToListAsync();
            await session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending });
            return (shop, warehouse, await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).OrderBy(o => o.OrderNo).ToListAsync());
        }
    }
}

/// <summary>
/// Carriers with 电子面单 accounts in the sandbox: SF and ZTO (domestic) and 4PX (cross-border), each with one service,
/// an account per tenant (its own key, so tests sharing the sandbox do not share balances) and the warehouse's sender.
/// </summary>
public static class WaybillKit
{
    public static string AppKey(TenantSession session, string carrier) => $"{carrier}-{session.Tenant.Value}";

    public static async Task SetUpAsync(TenantSession session, PlatformSandbox sandbox, Guid warehouse, params string[] withAccounts)
    {
        foreach (var (code, name, crossBorder) in new[] { ("SF", "顺丰速运", false), ("ZTO", "中通快递", false), ("4PX", "递四方", true) })
        {
            var carrier = await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/logistics/carriers",
                new { code, name, crossBorder, services = new[] { new { code = "STD", name = name + "标准" } } }, System.Net.HttpStatusCode.Created);
            if (!withAccounts.Contains(code)) continue;
            await sandbox.PostAsync("/_sandbox/carriers/accounts", new { carrier = code, appKey = AppKey(session, code), appSecret = "secret-" + code, customerCode = "C-" + code });
            await session.PostAsync<System.Text.Json.JsonElement>("/api/v1/logistics/waybill-accounts", new
            {
                carrierId = carrier.GetProperty("id").GetGuid(), apiUrl = new Uri(sandbox.BaseUrl, $"/carriers/{code}/api").ToString(), appKey = AppKey(session, code),
                appSecret = "secret-" + code, customerCode = "C-" + code,
            }, System.Net.HttpStatusCode.Created);
        }
        await session.PutAsync<System.Text.Json.JsonElement>($"/api/v1/logistics/senders/{warehouse}",
            new { name = "山海仓储", phone = "021-5555-0101", province = "上海市", city = "上海市", district = "青浦区", address = "华新镇华腾路 1288 号" });
    }
}
