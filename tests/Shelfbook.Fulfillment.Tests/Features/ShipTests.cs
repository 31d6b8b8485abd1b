using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Inventory.Domain;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>
/// 简易发货 and 一键发货 end to end: sandbox orders synced over HTTP, taken in, audited, shipped; stock consumed, the order
/// shipped, and the sandbox platform confirmed exactly once per parcel (never for 一键发货).
/// </summary>
public abstract class ShipTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    private Task<(Guid Shop, Guid Warehouse, List<Order> Audited)> AuditedAsync(int count) => FulfillmentKit.AuditedAsync(Session, _kit, count);

    private async Task<List<JsonElement>> ReceivedAsync()
    {
        using var response = await sandbox.Control.GetAsync(new Uri($"/_sandbox/received?seller={_kit.Seller}", UriKind.Relative));
        return (await response.Content.ReadFromJsonAsync<List<JsonElement>>())!;
    }

    private Task<SendRun> SendAsync() => Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);

    [Fact]
    public async Task Simple_ship_consumes_the_stock_ships_the_order_and_the_platform_receives_one_confirmation_per_parcel()
    {
        var (_, warehouse, audited) = await AuditedAsync(8);
        Assert.True(audited.Count >= 3, $"{audited.Count} orders audited");
        var (first, second, third) = (audited[0], audited[1], audited[2]);
        long onHand;
        await using (var db = Session.OpenDb())
            onHand = await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).SumAsync(b => b.OnHand);
        var waiting = await Session.GetAsync<Page<WaitingRow>>($"/api/v1/fulfillment/waiting?warehouseId={warehouse}&limit=100");
        Assert.Equal(audited.Select(o => o.OrderNo), waiting.Items.Select(w => w.OrderNo));

        // Malformed rows refuse the call, naming the row and field; nothing ships.
        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/ship",
            new { mode = "Simple", rows = new object[] { new { orderNo = first.OrderNo }, new { orderNo = second.OrderNo, trackingNo = "SF 1" }, new { orderNo = first.OrderNo, trackingNo = "SF2" } } },
            HttpStatusCode.BadRequest);
        foreach (var field in new[] { "rows[0].trackingNo", "rows[1].trackingNo", "rows[2].orderNo" }) Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        await using (var db = Session.OpenDb())
            Assert.Equal(0, await db.Set<Parcel>().CountAsync());

        var run = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship",
            new { mode = "Simple", rows = new[] { new { orderNo = first.OrderNo, trackingNo = "SF1000000001", carrierCode = "sf" }, new { orderNo = "SO-NOPE", trackingNo = "SF1000000009", carrierCode = "SF" } } });
        Assert.Equal((1, 1), (run.Shipped, run.Skipped));
        Assert.Equal([(true, null, WriteBackState.Queued), (false, "order.not_found", (WriteBackState?)null)], run.Results.Select(r => (r.Shipped, r.Code, r.WriteBack)));

        long units;
        await using (var db = Session.OpenDb())
        {
            var order = await db.Set<Order>().SingleAsync(o => o.Id == first.Id);
            Assert.Equal((OrderStatus.Shipped, "SF1000000001", "SF"), (order.Status, order.TrackingNo, order.CarrierCode));
            Assert.NotNull(order.ShippedAt);
            units = await db.Set<OrderItem>().Where(i => i.OrderId == first.Id).SumAsync(i => (long)i.Quantity);
            Assert.Equal(onHand - units, await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).SumAsync(b => b.OnHand));
            Assert.False(await db.Set<StockReservation>().AnyAsync(r => r.OrderId == first.Id));
            Assert.Equal(-units, await db.Set<StockMovement>().Where(m => m.SourceId == first.Id.ToString() && m.Type == MovementType.SalesShipment).SumAsync(m => m.Quantity));
            var parcel = await db.Set<Parcel>().SingleAsync();
            Assert.Equal((first.OrderNo, "SF1000000001", ShipMode.Simple, (Guid?)warehouse), (parcel.OrderNo, parcel.TrackingNo, parcel.Mode, parcel.WarehouseId));
            Assert.Contains(await db.Set<OrderLogEntry>().Where(e => e.OrderId == first.Id).Select(e => e.Action).ToListAsync(), a => a == "shipped");
        }

        // The order list finds it by its tracking number and its shipped time.
        var found = await Session.GetAsync<Page<Shelfbook.Orders.Features.ListOrders.OrderRow>>("/api/v1/orders?search=SF1000000001");
        Assert.Equal([(first.OrderNo, "SF1000000001")], found.Items.Select(o => (o.OrderNo, o.TrackingNo)));
        var since = Uri.EscapeDataString(DateTime.UtcNow.AddMinutes(-5).ToString("O"));
        Assert.Equal([first.OrderNo], (await Session.GetAsync<Page<Shelfbook.Orders.Features.ListOrders.OrderRow>>($"/api/v1/orders?shippedFrom={since}")).Items.Select(o => o.OrderNo));

        // The platform receives it once; shipping it again, or another order with its number, does nothing.
        Assert.Equal((1, 1), ((await SendAsync()).Sent, (await ReceivedAsync()).Count(r => r.GetProperty("trackingNo").GetString() == "SF1000000001")));
        var again = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new
        {
            mode = "Simple", rows = new[] { new { orderNo = first.OrderNo, trackingNo = "SF1000000002" }, new { orderNo = second.OrderNo, trackingNo = "SF1000000001" } },
        });
        Assert.Equal([(false, "order.already_shipped"), (false, "parcel.tracking_used")], again.Results.Select(r => (r.Shipped, r.Code)));
        Assert.Equal(0, (await SendAsync()).Sent);
        var received = Assert.Single(await ReceivedAsync());
        Assert.Equal((first.PlatformOrderNo, "SF1000000001", true), (received.GetProperty("orderId").GetString(), received.GetProperty("trackingNo").GetString(),
            received.GetProperty("accepted").GetBoolean()));

        // 一键发货: shipped without a number and nothing written back; an order not audited is skipped.
        await using (var db = Session.OpenDb())
            await db.Set<Order>().Where(o => o.Id == third.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Held).SetProperty(o => o.HeldFrom, OrderStatus.Audited));
        var oneClick = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "OneClick", orderIds = new[] { second.Id, third.Id } });
        Assert.Equal([(true, null, WriteBackState.NotNeeded), (false, "order.not_shippable", (WriteBackState?)null)], oneClick.Results.Select(r => (r.Shipped, r.Code, r.WriteBack)));
        Assert.Equal(0, (await SendAsync()).Sent);
        await using (var db = Session.OpenDb())
        {
            var shipped = await db.Set<Order>().SingleAsync(o => o.Id == second.Id);
            Assert.Equal((OrderStatus.Shipped, (string?)null), (shipped.Status, shipped.TrackingNo));
            Assert.Equal(1, await db.Set<ShipmentConfirmation>().CountAsync());
            Assert.False(await db.Set<StockReservation>().AnyAsync(r => r.OrderId == second.Id));
        }
        var parcels = await Session.GetAsync<Page<ParcelRow>>("/api/v1/fulfillment/parcels?limit=10");
        Assert.Equal([second.OrderNo, first.OrderNo], parcels.Items.Select(p => p.OrderNo));
        Assert.Equal([first.OrderNo], (await Session.GetAsync<Page<ParcelRow>>("/api/v1/fulfillment/parcels?search=SF1000000001")).Items.Select(p => p.OrderNo));
        // Held orders with stock are restored for the ledger check at the end.
        await using (var db = Session.OpenDb())
            await db.Set<Order>().Where(o => o.Id == third.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Audited).SetProperty(o => o.HeldFrom, (OrderStatus?)null));
    }

    [Fact]
    public async Task Two_calls_shipping_one_order_at_once_ship_it_once_and_the_one_that_lost_is_told_to_try_again()
    {
        var (_, _, audited) = await AuditedAsync(4);
        var request = new ShipRequest("OneClick", OrderIds: [audited[0].Id]);
        await using var first = Session.Scope();
        var db = first.ServiceProvider.GetRequiredService<Shelfbook.Data.Tenancy.TenantDbContext>();
        Task<ShipRun> second;
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(1, (await first.ServiceProvider.GetRequiredService<ShipParcels>().ShipAsync(request, CancellationToken.None)).Shipped);
            // The second call reads the order while the first is not committed, then waits at the parcel's unique index
            // (PostgreSQL), or waits for the first's write lock before it reads (SQLite).
            second = Task.Run(() => Session.WithAsync<ShipParcels, ShipRun>(s => s.ShipAsync(request, CancellationToken.None)));
            await Task.Delay(1500);
            await tx.CommitAsync();
        }
        ShipRun? run = null;
        var error = await Record.ExceptionAsync(async () => run = await second);

        if (error is null) Assert.Equal((0, "order.already_shipped"), (run!.Shipped, run.Results[0].Code));
        else Assert.IsType<DbUpdateConcurrencyException>(error);
        await using var check = Session.OpenDb();
        Assert.Equal(1, await check.Set<Parcel>().CountAsync(p => p.OrderId == audited[0].Id));
    }

    [Fact]
    public async Task A_merged_order_confirms_each_platform_order_behind_it_and_a_shop_not_linked_is_named_on_the_parcel()
    {
        var (shop, warehouse, audited) = await AuditedAsync(2);
        // Two more orders of one buyer to one address, stored as if synced from the linked shop, merged before audit.
        var now = DateTime.UtcNow.AddMinutes(-3);
        var ids = new List<string>();
        await using (var db = Session.OpenDb())
        {
            for (var n = 0; n < 2; n++)
            {
                var order = new PlatformOrder
                {
                    ShopId = shop, Platform = ShopPlatform.Taobao, PlatformOrderId = $"M{Guid.NewGuid():N}"[..20], Status = PlatformOrderStatus.AwaitingShipment,
                    PlatformStatus = "WAIT_SELLER_SEND_GOODS", PlacedAt = now.AddSeconds(n), PaidAt = now.AddSeconds(n), PlatformUpdatedAt = now, BuyerNick = "合并买家",
                    ReceiverName = "赵六", ReceiverPhone = "13700000000", Country = "CN", Province = "浙江省", City = "杭州市", District = "西湖区", Address = "文三路 9 号",
                    Currency = "CNY", RawPayload = "{}", FirstStoredAt = now, StoredAt = now, LineCount = 1, GoodsAmount = 1000 * (n + 1), Paid = 1000 * (n + 1),
                };
                db.Add(order);
                db.Add(new PlatformOrderLine { OrderId = order.Id, Position = 0, PlatformLineId = $"{order.PlatformOrderId}-1", SellerCode = "A-1", Title = "A-1", Quantity = n + 1, Price = 1000, Paid = 1000 * (n + 1) });
                ids.Add(order.PlatformOrderId);
            }
            await db.SaveChangesAsync();
        }
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        Guid merged;
        await using (var db = Session.OpenDb())
        {
            var pair = await db.Set<OrderSourceLink>().Where(s => ids.Contains(s.PlatformOrderNo)).Select(s => s.OrderId).ToListAsync();
            var result = await Session.PostAsync<Shelfbook.Orders.Features.MergeSplit.RearrangeResult>("/api/v1/orders/merge", new { orderIds = pair });
            merged = result.OrderId;
        }
        Assert.Equal(1, (await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { merged } })).Audited);
        string mergedNo;
        await using (var db = Session.OpenDb())
            mergedNo = await db.Set<Order>().Where(o => o.Id == merged).Select(o => o.OrderNo).SingleAsync();

        var run = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = mergedNo, trackingNo = "ZT2000000001", carrierCode = "ZTO" } } });
        Assert.Equal(WriteBackState.Queued, Assert.Single(run.Results).WriteBack);
        await using (var db = Session.OpenDb())
            Assert.Equal(ids.Order(), (await db.Set<ShipmentConfirmation>().Where(c => c.TrackingNo == "ZT2000000001").Select(c => c.PlatformOrderId).ToListAsync()).Order());

        // A shop without credentials cannot be told: the parcel ships and says why its platform was not told.
        await using (var db = Session.OpenDb())
            await db.Set<ShopConnection>().Where(c => c.ShopId == shop).ExecuteUpdateAsync(s => s.SetProperty(c => c.ProtectedCredentials, (string?)null));
        var unlinked = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = audited[0].OrderNo, trackingNo = "ZT2000000002", carrierCode = "ZTO" } } });
        var result2 = Assert.Single(unlinked.Results);
        Assert.Equal((true, WriteBackState.Failed), (result2.Shipped, result2.WriteBack));
        Assert.Contains("credentials", result2.WriteBackProblem, StringComparison.Ordinal);
        Assert.Equal(WriteBackState.Failed, (await Session.GetAsync<Page<ParcelRow>>("/api/v1/fulfillment/parcels?search=ZT2000000002")).Items.Single().WriteBack);
        _ = warehouse;
    }
}

public sealed class ShipTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ShipTests(app, sandbox);

public sealed class ShipTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ShipTests(app, sandbox);
