using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>
/// 虚拟发货: the number is written back first (the platform hears once), the order keeps its stock and stays open in the
/// list by age, and completes — stock out, order shipped, nothing written back again — when its parcel ships.
/// </summary>
public abstract class VirtualShipTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    [Fact]
    public async Task Written_back_first_completed_later_and_confirmed_once()
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 4);
        var order = audited[0];
        long onHand;
        await using (var db = Session.OpenDb())
            onHand = await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).SumAsync(b => b.OnHand);

        var run = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Virtual", rows = new[] { new { orderNo = order.OrderNo, trackingNo = "SF7000000001", carrierCode = "SF" } } });
        Assert.Equal((true, WriteBackState.Queued), (run.Results[0].Shipped, run.Results[0].WriteBack));
        await using (var db = Session.OpenDb())
        {
            Assert.Equal(OrderStatus.Audited, await db.Set<Order>().Where(o => o.Id == order.Id).Select(o => o.Status).SingleAsync());
            Assert.True(await db.Set<StockReservation>().AnyAsync(r => r.OrderId == order.Id));
            Assert.Equal(onHand, await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).SumAsync(b => b.OnHand));
            Assert.Null(await db.Set<Parcel>().Where(p => p.OrderId == order.Id).Select(p => p.CompletedAt).SingleAsync());
        }
        // Numbered already: fetching a waybill gives the parcel's number, never a second one.
        var numbered = await Session.PostAsync<Shelfbook.Fulfillment.Features.Waybills.WaybillRun>("/api/v1/fulfillment/waybills", new { orderIds = new[] { order.Id } });
        Assert.Equal((true, "SF7000000001"), (numbered.Results[0].Already, numbered.Results[0].TrackingNo));
        var open = await Session.GetAsync<Page<VirtualRow>>($"/api/v1/fulfillment/virtual?warehouseId={warehouse}");
        Assert.Equal([("SF7000000001", order.OrderNo)], open.Items.Select(v => (v.TrackingNo, v.OrderNo)));
        await Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);

        // Not twice virtually, not with another number.
        var again = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Virtual", rows = new[] { new { orderNo = order.OrderNo, trackingNo = "SF7000000002", carrierCode = "SF" } } });
        Assert.Equal("parcel.virtual_open", again.Results[0].Code);
        var other = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = order.OrderNo, trackingNo = "SF7000000002", carrierCode = "SF" } } });
        Assert.Equal("waybill.mismatch", other.Results[0].Code);

        // Packed and gone: completed by the station's ship (here 简易发货 with the same number).
        var done = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = order.OrderNo, trackingNo = "SF7000000001" } } });
        Assert.True(done.Results[0].Shipped, done.Results[0].Message);
        await using (var db = Session.OpenDb())
        {
            var shipped = await db.Set<Order>().SingleAsync(o => o.Id == order.Id);
            Assert.Equal((OrderStatus.Shipped, "SF7000000001"), (shipped.Status, shipped.TrackingNo));
            Assert.False(await db.Set<StockReservation>().AnyAsync(r => r.OrderId == order.Id));
            Assert.True(await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).SumAsync(b => b.OnHand) < onHand);
            var parcel = await db.Set<Parcel>().SingleAsync(p => p.OrderId == order.Id);
            Assert.Equal(ShipMode.Virtual, parcel.Mode);
            Assert.NotNull(parcel.CompletedAt);
        }
        Assert.Empty((await Session.GetAsync<Page<VirtualRow>>("/api/v1/fulfillment/virtual")).Items);

        // A second ticked completion (一键) finds it shipped; the platform heard exactly once.
        Assert.Equal("order.already_shipped", (await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "OneClick", orderIds = new[] { order.Id } })).Results[0].Code);
        await Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        using var received = await sandbox.Control.GetAsync(new Uri($"/_sandbox/received?seller={_kit.Seller}", UriKind.Relative));
        var confirmations = (await received.Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Single(confirmations);
        Assert.Equal("SF7000000001", confirmations[0].GetProperty("trackingNo").GetString());

        // 一键 completes a virtual parcel too, with its number.
        var second = audited[1];
        await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Virtual", rows = new[] { new { orderNo = second.OrderNo, trackingNo = "SF7000000003", carrierCode = "SF" } } });
        var ticked = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "OneClick", orderIds = new[] { second.Id } });
        Assert.Equal((true, "SF7000000003"), (ticked.Results[0].Shipped, ticked.Results[0].TrackingNo));
    }
}

public sealed class VirtualShipTestsOnSqlite(SqliteApp app, Sandbox sandbox) : VirtualShipTests(app, sandbox);

public sealed class VirtualShipTestsOnPostgres(PostgresApp app, Sandbox sandbox) : VirtualShipTests(app, sandbox);

/// <summary>发货方式 per warehouse and per order: a mode set is the only one that ships; an order's own beats its warehouse's.</summary>
public abstract class ShipModeTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    [Fact]
    public async Task A_warehouse_mode_refuses_the_others_and_an_order_may_have_its_own()
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 4);
        Assert.True(audited.Count >= 2, $"{audited.Count} audited");
        var set = await Session.PutAsync<Shelfbook.Fulfillment.Features.Settings.WarehouseModeView>($"/api/v1/fulfillment/ship-modes/{warehouse}", new { mode = "WeighShip" });
        Assert.Equal(ShipMode.WeighShip, set.Mode);

        var refused = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = audited[0].OrderNo, trackingNo = "SF8000000001", carrierCode = "SF" } } });
        Assert.Equal("parcel.mode", refused.Results[0].Code);

        // This one a third party took: its own mode lets 一键发货 ship it.
        var own = await Session.PostAsync<Shelfbook.Fulfillment.Features.Settings.OrderModeRun>("/api/v1/fulfillment/order-ship-modes",
            new { orderIds = new[] { audited[1].Id, Guid.NewGuid() }, mode = "OneClick" });
        Assert.Equal((1, 1), (own.Set, own.NotFound.Count));
        // The page's way: by order number; the orders with their own mode are listed, an unknown number named.
        var byNumber = await Session.PostAsync<Shelfbook.Fulfillment.Features.Settings.OrderModeRun>("/api/v1/fulfillment/order-ship-modes",
            new { orderNos = new[] { audited[1].OrderNo, "NO-SUCH" }, mode = "OneClick" });
        Assert.Equal((1, "NO-SUCH"), (byNumber.Set, Assert.Single(byNumber.NotFound)));
        var listed = await Session.GetAsync<List<Shelfbook.Fulfillment.Features.Settings.OrderModeView>>("/api/v1/fulfillment/order-ship-modes");
        Assert.Equal([(audited[1].OrderNo, ShipMode.OneClick)], listed.Select(m => (m.OrderNo, m.Mode)));
        Assert.True((await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "OneClick", orderIds = new[] { audited[1].Id } })).Results[0].Shipped);
        Assert.Equal("parcel.mode", (await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "OneClick", orderIds = new[] { audited[0].Id } })).Results[0].Code);

        // Not offered, not a mode, not a warehouse.
        Assert.Equal("not_offered", (await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/fulfillment/ship-modes/{warehouse}", new { mode = "Dropship" }, System.Net.HttpStatusCode.BadRequest))
            .GetProperty("codes").GetProperty("mode")[0].GetString());
        await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/fulfillment/ship-modes/{warehouse}", new { mode = "Teleport" }, System.Net.HttpStatusCode.BadRequest);
        await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/fulfillment/ship-modes/{Guid.NewGuid()}", new { mode = "Simple" }, System.Net.HttpStatusCode.NotFound);

        // Cleared, any mode ships again.
        Assert.Null((await Session.PutAsync<Shelfbook.Fulfillment.Features.Settings.WarehouseModeView>($"/api/v1/fulfillment/ship-modes/{warehouse}", new { mode = (string?)null })).Mode);
        Assert.True((await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = audited[0].OrderNo, trackingNo = "SF8000000001", carrierCode = "SF" } } })).Results[0].Shipped);
    }
}

public sealed class ShipModeTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ShipModeTests(app, sandbox);

public sealed class ShipModeTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ShipModeTests(app, sandbox);
