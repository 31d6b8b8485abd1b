using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Pack;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Fulfillment.Features.Waves;
using Shelfbook.Fulfillment.Features.Waybills;
using Shelfbook.Inventory.Domain;
using Shelfbook.Orders.Domain;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>
/// 称重发货 end to end against the sandbox platform and carrier: synced, audited, waved, numbered, label printed (read
/// back), verified by scans (a wrong and an extra item refused), weighed (out of tolerance held, then within), shipped
/// with the label's number, confirmed to the platform exactly once; and the station's refusals.
/// </summary>
public abstract class PackTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    private async Task<(Guid Warehouse, List<Order> Audited, WaveView Wave, WaybillRun Numbers)> NumberedWaveAsync(int count)
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, count);
        await WaybillKit.SetUpAsync(Session, sandbox, warehouse, "ZTO");
        await Session.PostAsync<JsonElement>("/api/v1/orders/set-carrier", new { orderIds = audited.Select(o => o.Id), carrierCode = "ZTO" });
        var wave = await Session.PostAsync<WaveView>("/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "ByCarrier", carrierCode = "ZTO", maxOrders = 100 },
            HttpStatusCode.Created);
        return (warehouse, audited, wave, await Session.PostAsync<WaybillRun>("/api/v1/fulfillment/waybills", new { waveId = wave.Id }));
    }

    private static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;

    [Fact]
    public async Task Weigh_ship_from_sandbox_order_to_one_platform_confirmation()
    {
        var (warehouse, audited, wave, numbers) = await NumberedWaveAsync(6);
        var order = audited.First(o => numbers.Results.Any(r => r.OrderId == o.Id && r.Issued));
        var number = numbers.Results.Single(r => r.OrderId == order.Id).TrackingNo!;
        // The estimate the audit wrote, made known so that tolerance means something (the test SKUs weigh nothing).
        await using (var db = Session.OpenDb())
            await db.Set<OrderEstimate>().Where(e => e.OrderId == order.Id).ExecuteUpdateAsync(u => u.SetProperty(e => e.WeightGrams, 1000));

        // The label, read back: its number and the receiver in Chinese.
        using (var labels = await Session.Api.PostAsJsonAsync(new Uri("/api/v1/fulfillment/labels", UriKind.Relative), new { orderIds = new[] { order.Id } }))
        {
            var text = await PdfText.ReadAsync(await labels.Content.ReadAsByteArrayAsync());
            Assert.Contains(number, text, StringComparison.Ordinal);
            Assert.Contains(order.ReceiverName!, text, StringComparison.Ordinal);
        }

        // Found by the label's number at this warehouse.
        var found = await Session.GetAsync<PackOrder>($"/api/v1/fulfillment/pack/find?code={number}&warehouseId={warehouse}");
        Assert.Equal((order.Id, number, false), (found.OrderId, found.TrackingNo, found.Packed));
        var scans = found.Lines.SelectMany(l => Enumerable.Repeat(new { code = l.SkuCode.ToLowerInvariant(), quantity = 1 }, l.Expected)).ToList();

        // A wrong item and an extra one are refused, naming the scan; the count stops there.
        var wrong = await Session.PostAsync<PackCheck>("/api/v1/fulfillment/pack/check", new { orderId = order.Id, scans = new object[] { scans[0], new { code = "NOT-IN-ORDER", quantity = 1 } } });
        Assert.Equal((1, "pack.unknown_code"), (wrong.RefusedAt, wrong.Code));
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products", new { name = "帆布包", skus = new[] { new { code = "BAG-1", barcodes = new[] { "6970000000999" } } } },
            HttpStatusCode.Created);
        wrong = await Session.PostAsync<PackCheck>("/api/v1/fulfillment/pack/check", new { orderId = order.Id, scans = new object[] { new { code = "6970000000999", quantity = 1 } } });
        Assert.Equal((0, "pack.wrong_item"), (wrong.RefusedAt, wrong.Code));
        var extra = await Session.PostAsync<PackCheck>("/api/v1/fulfillment/pack/check",
            new { orderId = order.Id, scans = scans.Append(scans[0]).ToList() });
        Assert.Equal((scans.Count, "pack.extra_item"), (extra.RefusedAt, extra.Code));
        Assert.True(extra.Order.Complete);
        var refusedPack = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/pack", new { orderId = order.Id, scans = scans.Append(scans[0]).ToList() },
            HttpStatusCode.BadRequest);
        Assert.True(refusedPack.GetProperty("errors").TryGetProperty($"scans[{scans.Count}].code", out _));
        if (scans.Count > 1)
            Assert.Equal("pack.incomplete", Code(await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/pack", new { orderId = order.Id, scans = scans.Take(1) }, HttpStatusCode.Conflict)));

        // Weigh-ship refuses what is not packed and weighed.
        var early = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "WeighShip", rows = new[] { new { orderNo = order.OrderNo, trackingNo = number } } });
        Assert.Equal("pack.not_packed", early.Results[0].Code);
        var packed = await Session.PostAsync<PackOrder>("/api/v1/fulfillment/pack", new { orderId = order.Id, scans });
        Assert.True(packed.Packed);
        Assert.Equal("pack.not_weighed", (await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship",
            new { mode = "WeighShip", rows = new[] { new { orderNo = order.OrderNo, trackingNo = number } } })).Results[0].Code);

        // 0 g and 500 kg are refused; 1.4 kg against 1 kg is out of the default tolerance (10 %, 50 g): held for a check.
        foreach (var grams in new[] { 0, 500_000 })
            Assert.True((await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/pack/weigh", new { orderId = order.Id, grams }, HttpStatusCode.BadRequest))
                .GetProperty("errors").TryGetProperty("grams", out _));
        var heavy = await Session.PostAsync<WeighResult>("/api/v1/fulfillment/pack/weigh", new { orderId = order.Id, grams = 1400 });
        Assert.Equal((false, true, 100L), (heavy.Within, heavy.Order.WeightHeld, heavy.Tolerance));
        Assert.Equal("pack.weight_check", (await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship",
            new { mode = "WeighShip", rows = new[] { new { orderNo = order.OrderNo, trackingNo = number } } })).Results[0].Code);
        Assert.Single(await Session.GetAsync<List<JsonElement>>($"/api/v1/fulfillment/pack/held?warehouseId={warehouse}"));
        // A lead checks it and accepts the weight (audited); once accepted it is no longer held.
        Assert.False((await Session.PostAsync<PackOrder>($"/api/v1/fulfillment/pack/{order.Id}/accept-weight", null)).WeightHeld);
        Assert.Empty(await Session.GetAsync<List<JsonElement>>($"/api/v1/fulfillment/pack/held?warehouseId={warehouse}"));
        Assert.Equal("pack.not_held", Code(await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/fulfillment/pack/{order.Id}/accept-weight", null, HttpStatusCode.Conflict)));
        await using (var db = Session.OpenDb())
            Assert.True(await db.Set<Shelfbook.Data.Audit.AuditEntry>().AnyAsync(a => a.Action == "accept_weight" && a.EntityId == order.OrderNo));
        var right = await Session.PostAsync<WeighResult>("/api/v1/fulfillment/pack/weigh", new { orderId = order.Id, grams = 1040 });
        Assert.Equal((true, false), (right.Within, right.Order.WeightHeld));

        // The number must be the label's.
        var mismatch = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "WeighShip", rows = new[] { new { orderNo = order.OrderNo, trackingNo = "780000000000" } } });
        Assert.Equal("waybill.mismatch", mismatch.Results[0].Code);
        var shipped = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "WeighShip", rows = new[] { new { orderNo = order.OrderNo, trackingNo = number } } });
        Assert.True(shipped.Results[0].Shipped, shipped.Results[0].Message);
        await using (var db = Session.OpenDb())
        {
            var parcel = await db.Set<Parcel>().SingleAsync(p => p.OrderId == order.Id);
            Assert.Equal((ShipMode.WeighShip, (int?)1040, number), (parcel.Mode, parcel.WeightGrams, parcel.TrackingNo));
            Assert.Equal(OrderStatus.Shipped, await db.Set<Order>().Where(o => o.Id == order.Id).Select(o => o.Status).SingleAsync());
            Assert.False(await db.Set<StockReservation>().AnyAsync(r => r.OrderId == order.Id));
            Assert.True(await db.Set<StockMovement>().AnyAsync(m => m.SourceId == order.Id.ToString() && m.Type == MovementType.SalesShipment));
        }

        // The platform hears once, with the label's number.
        await Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        await Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        using var received = await sandbox.Control.GetAsync(new Uri($"/_sandbox/received?seller={_kit.Seller}", UriKind.Relative));
        var confirmations = (await received.Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Single(confirmations, c => c.GetProperty("trackingNo").GetString() == number && c.GetProperty("accepted").GetBoolean());
        Assert.Single(confirmations);
        _ = wave;
    }

    [Fact]
    public async Task The_station_refuses_another_warehouses_number_a_cancelled_one_an_intercepted_or_shipped_order()
    {
        var (warehouse, audited, wave, numbers) = await NumberedWaveAsync(6);
        Assert.True(numbers.Issued >= 4, $"{numbers.Issued} numbered");
        var issued = numbers.Results.Where(r => r.Issued).ToList();
        var elsewhere = await OrdersKit.WarehouseAsync(Session, "BJ");

        var problem = await Session.ProblemAsync(HttpMethod.Get, $"/api/v1/fulfillment/pack/find?code={issued[0].TrackingNo}&warehouseId={elsewhere}", null, HttpStatusCode.Conflict);
        Assert.Equal("pack.other_warehouse", Code(problem));
        Assert.Contains("SH", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await Session.PostAsync<WaybillView>("/api/v1/fulfillment/waybills/cancel", new { trackingNo = issued[1].TrackingNo });
        Assert.Equal("waybill.cancelled", Code(await Session.ProblemAsync(HttpMethod.Get, $"/api/v1/fulfillment/pack/find?code={issued[1].TrackingNo}&warehouseId={warehouse}", null,
            HttpStatusCode.Conflict)));

        await Session.PostAsync<JsonElement>("/api/v1/orders/intercept", new { orderIds = new[] { issued[2].OrderId }, reason = "买家退款" });
        Assert.Equal("order.intercepted", Code(await Session.ProblemAsync(HttpMethod.Get, $"/api/v1/fulfillment/pack/find?code={issued[2].OrderNo}", null, HttpStatusCode.Conflict)));

        await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = issued[3].OrderNo, trackingNo = issued[3].TrackingNo } } });
        Assert.Equal("order.shipped", Code(await Session.ProblemAsync(HttpMethod.Get, $"/api/v1/fulfillment/pack/find?code={issued[3].TrackingNo}", null, HttpStatusCode.Conflict)));
        Assert.Equal("pack.not_found", Code(await Session.ProblemAsync(HttpMethod.Get, "/api/v1/fulfillment/pack/find?code=NOPE-1", null, HttpStatusCode.Conflict)));

        // A slot of the wave at hand finds its order.
        var detail = await Session.GetAsync<WaveDetail>($"/api/v1/fulfillment/waves/{wave.Id}");
        if (detail.Orders.FirstOrDefault(o => o.Slot > 0 && o.RemovedAt is null && !o.Intercepted && !o.Shipped) is { } slotted)
            Assert.Equal(slotted.OrderId, (await Session.GetAsync<PackOrder>($"/api/v1/fulfillment/pack/find?code={slotted.Slot}&waveId={wave.Id}")).OrderId);

        // The tolerance is the tenant's to set; bad values name the field.
        var bad = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/fulfillment/settings", new { weightTolerancePercent = 101, weightToleranceGrams = -1 }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "weightTolerancePercent", "weightToleranceGrams" }) Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        var missing = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/fulfillment/settings", new { weightTolerancePercent = 5 }, HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("weightToleranceGrams", out _));
        // Scans that are not scans are named, not a crash; an empty tracking number to cancel names its field.
        var noScan = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/pack/check", new { orderId = issued[0].OrderId, scans = new object?[] { null, new { code = "A-1", quantity = 0 } } },
            HttpStatusCode.BadRequest);
        foreach (var field in new[] { "scans[0].code", "scans[1].quantity" }) Assert.True(noScan.GetProperty("errors").TryGetProperty(field, out _), field);
        Assert.True((await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waybills/cancel", new { trackingNo = " " }, HttpStatusCode.BadRequest))
            .GetProperty("errors").TryGetProperty("trackingNo", out _));
        Assert.Equal(5, (await Session.PutAsync<FulfillmentSettingsView>("/api/v1/fulfillment/settings", new { weightTolerancePercent = 5, weightToleranceGrams = 20 })).WeightTolerancePercent);
        _ = audited;
    }
}

public sealed class PackTestsOnSqlite(SqliteApp app, Sandbox sandbox) : PackTests(app, sandbox);

public sealed class PackTestsOnPostgres(PostgresApp app, Sandbox sandbox) : PackTests(app, sandbox);
