using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.QuickOutbound;
using Shelfbook.Inventory.Features.Verify;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>
/// 第三方仓: an outsourced warehouse's shipment report (快速出库) ships the orders it completes — stock out, order
/// shipped with the reported number, parcel recorded, platform told once — and leaves a partly reported one open.
/// </summary>
public abstract class ThirdPartyShipTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    [Fact]
    public async Task A_third_party_report_ships_the_orders_it_completes_and_the_platform_hears_once()
    {
        var warehouse = (await Session.PostAsync<JsonElement>("/api/v1/inventory/warehouses", new { code = "3PL", name = "外包仓", type = "ThirdParty" }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Session.PostAsync<JsonElement>("/api/v1/logistics/carriers", new { code = "SF", name = "顺丰速运", services = new[] { new { code = "STD", name = "标快" } } },
            HttpStatusCode.Created);
        await _kit.SyncedShopAsync(Session, 4, ["A-1", "B-2"]);
        await using (var db = Session.OpenDb())
            foreach (var sku in await db.Set<Shelfbook.Catalog.Domain.Sku>().Where(s => !s.Code.EndsWith("SET")).Select(s => s.Id).ToListAsync())
                await OrdersKit.ReceiveAsync(Session, warehouse, sku, 100);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        List<Order> audited;
        List<OrderItem> items;
        await using (var db = Session.OpenDb())
        {
            var pending = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).Select(o => o.Id).ToListAsync();
            await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending });
            audited = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).OrderBy(o => o.OrderNo).ToListAsync();
            await Session.PostAsync<JsonElement>("/api/v1/orders/set-carrier", new { orderIds = audited.Select(o => o.Id), carrierCode = "SF" });
            var ids = audited.Select(o => o.Id).ToList();
            items = await db.Set<OrderItem>().Where(i => ids.Contains(i.OrderId)).ToListAsync();
        }
        Assert.True(audited.Count >= 2, $"{audited.Count} audited");
        var (whole, part) = (audited[0], audited.Skip(1).FirstOrDefault(o => items.Where(i => i.OrderId == o.Id).Sum(i => i.Quantity) > 1) ?? audited[1]);

        // The 3PL reports the first order whole and one unit of the second.
        var lines = items.Where(i => i.OrderId == whole.Id).Select(i => new { orderNo = whole.OrderNo, skuCode = i.SkuCode, quantity = i.Quantity, trackingNo = "SF5100000001" })
            .Append(items.Where(i => i.OrderId == part.Id).Select(i => new { orderNo = part.OrderNo, skuCode = i.SkuCode, quantity = 1, trackingNo = "SF5100000002" }).First())
            .ToList();
        var partIsWhole = items.Where(i => i.OrderId == part.Id).Sum(i => i.Quantity) == 1;
        var report = await Session.PostAsync<QuickOutboundResult>("/api/v1/inventory/quick-outbound", new { warehouseId = warehouse, lines });
        Assert.Empty(report.Unmatched);
        var shippedNote = Assert.Single(report.OrderNotes!, n => n.OrderId == whole.Id);
        Assert.True(shippedNote.Shipped, shippedNote.Message);
        if (!partIsWhole) Assert.Equal("parcel.partial", Assert.Single(report.OrderNotes!, n => n.OrderId == part.Id).Code);

        await using (var db = Session.OpenDb())
        {
            var order = await db.Set<Order>().SingleAsync(o => o.Id == whole.Id);
            Assert.Equal((OrderStatus.Shipped, "SF5100000001"), (order.Status, order.TrackingNo));
            var parcel = await db.Set<Parcel>().SingleAsync(p => p.OrderId == whole.Id);
            Assert.Equal((ShipMode.ThirdParty, "SF5100000001", "SF", WriteBackState.Queued), (parcel.Mode, parcel.TrackingNo, parcel.CarrierCode, parcel.WriteBack));
            Assert.True(await db.Set<StockMovement>().AnyAsync(m => m.SourceId == whole.Id.ToString() && m.Type == MovementType.ThirdPartyOutbound));
            if (!partIsWhole)
            {
                Assert.Equal(OrderStatus.Audited, await db.Set<Order>().Where(o => o.Id == part.Id).Select(o => o.Status).SingleAsync());
                Assert.False(await db.Set<Parcel>().AnyAsync(p => p.OrderId == part.Id));
            }
        }

        // The same report again ships nothing twice; the rest of the second order completes it.
        var again = await Session.PostAsync<QuickOutboundResult>("/api/v1/inventory/quick-outbound", new { warehouseId = warehouse, lines });
        Assert.Equal(0, again.OrdersShipped);
        if (!partIsWhole)
        {
            var rest = items.Where(i => i.OrderId == part.Id).Select((i, n) => new { orderNo = part.OrderNo, skuCode = i.SkuCode, quantity = n == 0 ? i.Quantity - 1 : i.Quantity, trackingNo = "SF5100000003" })
                .Where(l => l.quantity > 0).ToList();
            var completed = await Session.PostAsync<QuickOutboundResult>("/api/v1/inventory/quick-outbound", new { warehouseId = warehouse, lines = rest });
            Assert.True(Assert.Single(completed.OrderNotes!).Shipped);
        }
        // The order leaves with the number of the parcel that completed it.
        var partNumber = partIsWhole ? "SF5100000002" : "SF5100000003";
        await using (var db = Session.OpenDb())
        {
            var shipped = await db.Set<Order>().SingleAsync(o => o.Id == part.Id);
            Assert.Equal((OrderStatus.Shipped, partNumber), (shipped.Status, shipped.TrackingNo));
        }
        Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));

        // Its orders do not ship any other way, and the platform heard once per order.
        var direct = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/ship", new { mode = "ThirdParty", orderIds = new[] { whole.Id } }, HttpStatusCode.BadRequest);
        Assert.Equal("not_here", direct.GetProperty("codes").GetProperty("mode")[0].GetString());
        await Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        using var received = await sandbox.Control.GetAsync(new Uri($"/_sandbox/received?seller={_kit.Seller}", UriKind.Relative));
        var confirmations = (await received.Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Equal(["SF5100000001", partNumber], confirmations.Select(c => c.GetProperty("trackingNo").GetString()).Order());
    }
}

public sealed class ThirdPartyShipTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ThirdPartyShipTests(app, sandbox);

public sealed class ThirdPartyShipTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ThirdPartyShipTests(app, sandbox);
