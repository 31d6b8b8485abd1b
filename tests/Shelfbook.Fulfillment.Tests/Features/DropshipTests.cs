using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Dropship;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Verify;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>
/// 即买即售: a supplier's dropship warehouse takes orders without stock of the seller's, hands them to the supplier as a
/// sheet, and ships them when the supplier's numbers come back (sheet or by hand) — written back once each, the goods
/// passing through at the SKU's cost price, nothing shipped twice, and a bad sheet refused by row.
/// </summary>
public abstract class DropshipTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    [Fact]
    public async Task Orders_go_to_the_supplier_as_a_sheet_and_ship_with_its_numbers_at_cost()
    {
        var supplier = (await Session.PostAsync<JsonElement>("/api/v1/catalog/suppliers", new { code = "YW01", name = "义乌供货商" }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        var missing = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/inventory/warehouses", new { code = "DS1", name = "义乌代发", type = "SupplierDropship" },
            HttpStatusCode.BadRequest);
        Assert.Equal("supplier_required", missing.GetProperty("codes").GetProperty("supplierId")[0].GetString());
        var unknown = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/inventory/warehouses",
            new { code = "DS1", name = "义乌代发", type = "SupplierDropship", supplierId = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        Assert.Equal("unknown_supplier", unknown.GetProperty("codes").GetProperty("supplierId")[0].GetString());
        var warehouse = (await Session.PostAsync<JsonElement>("/api/v1/inventory/warehouses",
            new { code = "DS1", name = "义乌代发", type = "SupplierDropship", supplierId = supplier }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        foreach (var (code, name) in new[] { ("SF", "顺丰速运"), ("ZTO", "中通快递") })
            await Session.PostAsync<JsonElement>("/api/v1/logistics/carriers", new { code, name, services = new[] { new { code = "STD", name = name + "标准" } } },
                HttpStatusCode.Created);

        // The seller holds none of the goods: the orders reserve in the supplier's warehouse all the same.
        await _kit.SyncedShopAsync(Session, 4, ["A-1", "B-2", "AB-SET"]);
        await using (var db = Session.OpenDb())
        {
            await db.Set<Sku>().Where(s => s.Code == "A-1").ExecuteUpdateAsync(u => u.SetProperty(s => s.CostPrice, 1250L));
            await db.Set<Sku>().Where(s => s.Code == "B-2").ExecuteUpdateAsync(u => u.SetProperty(s => s.CostPrice, 2500L));
        }
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        List<Order> audited;
        await using (var db = Session.OpenDb())
        {
            var pending = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).Select(o => o.Id).ToListAsync();
            await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending });
            audited = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).OrderBy(o => o.PaidAt).ThenBy(o => o.OrderNo).ToListAsync();
        }
        Assert.True(audited.Count >= 2, $"{audited.Count} audited");
        Assert.All(audited, o => Assert.Equal(warehouse, o.WarehouseId));

        var suppliers = await Session.GetAsync<List<DropshipSupplier>>("/api/v1/fulfillment/dropship/suppliers");
        Assert.Equal([("YW01", audited.Count, audited.Count)], suppliers.Select(s => (s.Code, s.Waiting, s.NotSent)));
        Assert.Equal(audited.Select(o => o.OrderNo), (await Session.GetAsync<List<DropshipRow>>($"/api/v1/fulfillment/dropship?supplierId={supplier}&state=new")).Select(r => r.OrderNo));
        // It ships by 即买即售 only.
        var simple = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship",
            new { mode = "Simple", rows = new[] { new { orderNo = audited[0].OrderNo, trackingNo = "SF9100000009", carrierCode = "SF" } } });
        Assert.Equal("parcel.mode", simple.Results[0].Code);

        // The sheet: a row per item with the receiver; the orders are sent now, and audited as such.
        using var export = await Session.Api.GetAsync(new Uri($"/api/v1/fulfillment/dropship/export?supplierId={supplier}", UriKind.Relative));
        await TenantSession.Expect(export, HttpStatusCode.OK);
        var sheet = Workbooks.Read(new MemoryStream(await export.Content.ReadAsByteArrayAsync()), DropshipOrders.Columns).ToList();
        Assert.Equal(audited.Select(o => o.OrderNo).ToHashSet(), sheet.Select(r => r.Text("orderNo")!).ToHashSet());
        Assert.All(sheet, r => Assert.NotNull(r.Text("skuCode")));
        Assert.All(sheet, r => Assert.NotNull(r.Text("receiverName")));
        Assert.Empty(await Session.GetAsync<List<DropshipRow>>($"/api/v1/fulfillment/dropship?supplierId={supplier}&state=new"));
        Assert.All(await Session.GetAsync<List<DropshipRow>>($"/api/v1/fulfillment/dropship?supplierId={supplier}&state=sent"), r => Assert.Equal(1, r.TimesSent));
        await using (var db = Session.OpenDb())
            Assert.True(await db.Set<Shelfbook.Data.Audit.AuditEntry>().AnyAsync(a => a.EntityType == "dropship" && a.Action == "export"));

        // The supplier fills the first order (by the carrier's name) and leaves the others; a row of an order nobody has refuses the sheet.
        var (first, second) = (audited[0], audited[1]);
        IReadOnlyDictionary<string, object?> Filled(SheetRow r) => new Dictionary<string, object?>(r.Cells)
        {
            ["carrier"] = r.Text("orderNo") == first.OrderNo ? "中通快递" : null, ["trackingNo"] = r.Text("orderNo") == first.OrderNo ? "ZT9100000001" : null,
        };
        var back = sheet.Select(Filled).ToList();
        var withStranger = back.Append(new Dictionary<string, object?> { ["orderNo"] = "NO-SUCH-ORDER", ["carrier"] = "SF", ["trackingNo"] = "SF9100000099" }).ToList();
        var refused = await ImportAsync(Workbooks.Sheet(DropshipOrders.Columns, withStranger), validOnly: false);
        Assert.False(refused.Written);
        Assert.Equal([(sheet.Count + 2, "订单号", "unknown_order")], refused.Errors.Select(e => (e.Row, e.Column, e.Code)));
        await using (var db = Session.OpenDb())
            Assert.False(await db.Set<Parcel>().AnyAsync());

        // One number on two orders is refused by row too.
        var twoOnOne = back.Select(r => r["orderNo"] as string == second.OrderNo
            ? new Dictionary<string, object?>(r) { ["carrier"] = "ZTO", ["trackingNo"] = "ZT9100000001" } : r).ToList();
        var shared = await ImportAsync(Workbooks.Sheet(DropshipOrders.Columns, twoOnOne), validOnly: false);
        Assert.False(shared.Written);
        Assert.Contains(shared.Errors, e => e.Code == "duplicate_tracking");

        var imported = await ImportAsync(Workbooks.Sheet(DropshipOrders.Columns, back), validOnly: false);
        Assert.Equal((1, 0, sheet.Count(r => r.Text("orderNo") != first.OrderNo)), (imported.Shipped, imported.Skipped, imported.Unfilled));
        // The same sheet again ships nothing twice.
        var twice = await ImportAsync(Workbooks.Sheet(DropshipOrders.Columns, back), validOnly: false);
        Assert.Equal((0, 1, "order.already_shipped"), (twice.Shipped, twice.Skipped, twice.Results[0].Code));

        // The second by hand, with the supplier's carrier; an unknown mode or a number of the first's refuses it.
        var reused = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship",
            new { mode = "Dropship", rows = new[] { new { orderNo = second.OrderNo, trackingNo = "ZT9100000001", carrierCode = "ZTO" } } });
        Assert.Equal("parcel.tracking_used", reused.Results[0].Code);
        var byHand = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship",
            new { mode = "Dropship", rows = new[] { new { orderNo = second.OrderNo, trackingNo = "SF9100000002", carrierCode = "SF" } } });
        Assert.True(byHand.Results[0].Shipped, byHand.Results[0].Message);

        await using (var db = Session.OpenDb())
        {
            var parcels = await db.Set<Parcel>().OrderBy(p => p.TrackingNo).ToListAsync();
            Assert.Equal([("SF9100000002", "SF", ShipMode.Dropship), ("ZT9100000001", "ZTO", ShipMode.Dropship)], parcels.Select(p => (p.TrackingNo, p.CarrierCode, p.Mode)));
            Assert.All(parcels, p => Assert.Equal(WriteBackState.Queued, p.WriteBack));
            Assert.Equal(OrderStatus.Shipped, await db.Set<Order>().Where(o => o.Id == first.Id).Select(o => o.Status).SingleAsync());

            // Passed through at cost: in and out at the SKU's cost price, the warehouse's on hand untouched, the seller's average unmoved.
            var moved = await db.Set<StockMovement>().Where(m => m.SourceId == first.Id.ToString()).ToListAsync();
            Assert.NotEmpty(moved);
            Assert.Equal(moved.Where(m => m.Type == MovementType.DropshipReceipt).Sum(m => m.Quantity), -moved.Where(m => m.Type == MovementType.SalesShipment).Sum(m => m.Quantity));
            var costs = await db.Set<Sku>().Where(s => s.Code == "A-1" || s.Code == "B-2").ToDictionaryAsync(s => s.Id, s => s.CostPrice);
            Assert.All(moved, m => Assert.Equal(costs[m.SkuId], m.UnitCost));
            Assert.All(await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).ToListAsync(), b => Assert.Equal(0, b.OnHand));
            Assert.False(await db.Set<StockReservation>().AnyAsync(r => r.OrderId == first.Id || r.OrderId == second.Id));
        }
        Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));
        Assert.DoesNotContain(await Session.GetAsync<List<DropshipRow>>($"/api/v1/fulfillment/dropship?supplierId={supplier}"), r => r.OrderId == first.Id || r.OrderId == second.Id);

        // The platform heard once per parcel, with the supplier's numbers.
        await Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        await Session.PostAsync<SendRun>("/api/v1/channels/confirmations/send", null);
        using var received = await sandbox.Control.GetAsync(new Uri($"/_sandbox/received?seller={_kit.Seller}", UriKind.Relative));
        var confirmations = (await received.Content.ReadFromJsonAsync<List<JsonElement>>())!;
        Assert.Equal(["SF9100000002", "ZT9100000001"], confirmations.Select(c => c.GetProperty("trackingNo").GetString()).Order());

        // Holding its orders' reservations, it cannot stop being a dropship warehouse (they would not ship from stock it never had).
        if (audited.Count > 2)
            Assert.Equal("type_locked", (await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/inventory/warehouses/{warehouse}",
                new { code = "DS1", name = "义乌代发", type = "Own" }, HttpStatusCode.BadRequest)).GetProperty("codes").GetProperty("type")[0].GetString());

        // A dropship warehouse's mode is fixed.
        Assert.Equal("dropship_fixed", (await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/fulfillment/ship-modes/{warehouse}", new { mode = "Simple" },
            HttpStatusCode.BadRequest)).GetProperty("codes").GetProperty("mode")[0].GetString());
    }

    [Fact]
    public async Task Dropship_mode_is_refused_for_an_order_of_the_sellers_own_warehouse()
    {
        var (_, _, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 2);
        var run = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship",
            new { mode = "Dropship", rows = new[] { new { orderNo = audited[0].OrderNo, trackingNo = "SF9200000001", carrierCode = "SF" } } });
        Assert.Equal("parcel.not_dropship", run.Results[0].Code);
        // A sheet naming it is refused by row.
        var refused = await ImportAsync(Workbooks.Sheet(DropshipOrders.Columns,
            [new Dictionary<string, object?> { ["orderNo"] = audited[0].OrderNo, ["carrier"] = "SF", ["trackingNo"] = "SF9200000001" }]), validOnly: true);
        Assert.Equal([(2, "not_dropship")], refused.Errors.Select(e => (e.Row, e.Code)));
        Assert.Equal(0, refused.Shipped);
    }

    private async Task<DropshipImportResult> ImportAsync(byte[] sheet, bool validOnly)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(sheet);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Workbooks.ContentType);
        form.Add(file, "file", "dropship.xlsx");
        using var response = await Session.Api.PostAsync(new Uri($"/api/v1/fulfillment/dropship/import?validOnly={validOnly}", UriKind.Relative), form);
        await TenantSession.Expect(response, HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<DropshipImportResult>(TenantSession.Json))!;
    }
}

public sealed class DropshipTestsOnSqlite(SqliteApp app, Sandbox sandbox) : DropshipTests(app, sandbox);

public sealed class DropshipTestsOnPostgres(PostgresApp app, Sandbox sandbox) : DropshipTests(app, sandbox);
