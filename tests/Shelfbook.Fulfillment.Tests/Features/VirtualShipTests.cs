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
