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
