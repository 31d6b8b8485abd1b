using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Fulfillment.Features.Waves;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>波次: audited orders chosen by strategy move into fulfillment with slots; the pick list adds up units by bin; stopped or taken-out orders leave it.</summary>
public abstract class WaveTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    [Fact]
    public async Task A_count_limited_to_bins_takes_the_skus_whose_default_bin_is_there()
    {
        var (_, warehouse, _) = await FulfillmentKit.AuditedAsync(Session, _kit, 2);
        await Session.PutAsync<int>("/api/v1/fulfillment/bins", new
        {
            warehouseId = warehouse, rows = new[] { new { skuCode = "A-1", binCode = "A-01-03" }, new { skuCode = "B-2", binCode = "B-02-01" } },
        });
        const string Url = "/api/v1/inventory/stocktakes";

        var zone = await Session.PostAsync<Shelfbook.Inventory.Features.Stocktakes.StocktakeView>(Url, new { warehouseId = warehouse, bins = new[] { "a-01" } }, HttpStatusCode.Created);
        var lines = await Session.GetAsync<Page<Shelfbook.Inventory.Features.Stocktakes.StocktakeLineView>>($"{Url}/{zone.Id}/lines");

        Assert.Equal(["A-1"], lines.Items.Select(l => l.SkuCode));
        Assert.Equal("bin A-01", zone.Scope);
        var both = await Session.ProblemAsync(HttpMethod.Post, Url, new { warehouseId = warehouse, bins = new[] { "B" }, skuCodes = new[] { "B-2" } }, HttpStatusCode.BadRequest);
        Assert.True(both.GetProperty("errors").TryGetProperty("scope", out _), both.ToString());
        var empty = await Session.ProblemAsync(HttpMethod.Post, Url, new { warehouseId = warehouse, bins = new[] { "Z-9" } }, HttpStatusCode.BadRequest);
        Assert.True(empty.GetProperty("errors").TryGetProperty("scope", out _), empty.ToString());
    }

    [Fact]
    public async Task Bins_import_from_a_workbook_naming_the_rows_at_fault_and_export_back()
    {
        var (_, warehouse, _) = await FulfillmentKit.AuditedAsync(Session, _kit, 2);
        var sheet = Shelfbook.Platform.Spreadsheets.Workbooks.Sheet(Shelfbook.Fulfillment.Features.Bins.SkuBins.Columns, [
            new Dictionary<string, object?> { ["skuCode"] = "a-1", ["binCode"] = "b-01-03" },
            new Dictionary<string, object?> { ["skuCode"] = "NOPE", ["binCode"] = "C-1" },
            new Dictionary<string, object?> { ["skuCode"] = "B-2", ["binCode"] = new string('X', 40) },
            new Dictionary<string, object?> { ["skuCode"] = "A-1", ["binCode"] = "B-09-09" },
        ]);
        async Task<Shelfbook.Platform.Spreadsheets.ImportResult> UploadAsync(bool validOnly)
        {
            using var form = new System.Net.Http.MultipartFormDataContent();
            var file = new System.Net.Http.ByteArrayContent(sheet);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Shelfbook.Platform.Spreadsheets.Workbooks.ContentType);
            form.Add(file, "file", "bins.xlsx");
            using var response = await Session.Api.PostAsync(new Uri($"/api/v1/fulfillment/bins/import?warehouseId={warehouse}&validOnly={validOnly}", UriKind.Relative), form);
            await TenantSession.Expect(response, HttpStatusCode.OK);
            return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Shelfbook.Platform.Spreadsheets.ImportResult>(response.Content, TenantSession.Json))!;
        }
        var refused = await UploadAsync(false);
        Assert.False(refused.Written);
        Assert.Equal([(3, "商家编码", "unknown_sku"), (4, "库位", "too_long"), (5, "商家编码", "duplicate_row")], refused.Errors.Select(e => (e.Row, e.Column, e.Code)));
        Assert.Empty(await Session.GetAsync<List<Shelfbook.Fulfillment.Features.Bins.BinView>>($"/api/v1/fulfillment/bins?warehouseId={warehouse}"));
        var valid = await UploadAsync(true);
        Assert.Equal((true, 1), (valid.Written, valid.Created));
        Assert.Equal([("A-1", "B-01-03")], (await Session.GetAsync<List<Shelfbook.Fulfillment.Features.Bins.BinView>>($"/api/v1/fulfillment/bins?warehouseId={warehouse}"))
            .Select(b => (b.SkuCode, b.BinCode)));
        using var export = await Session.Api.GetAsync(new Uri($"/api/v1/fulfillment/bins/export?warehouseId={warehouse}", UriKind.Relative));
        var rows = Shelfbook.Platform.Spreadsheets.Workbooks.Read(await export.Content.ReadAsStreamAsync(), Shelfbook.Fulfillment.Features.Bins.SkuBins.Columns).ToList();
        Assert.Equal([("A-1", "B-01-03")], rows.Select(r => (r.Text("skuCode"), r.Text("binCode"))));
    }

    [Fact]
    public async Task Waves_take_their_strategys_orders_with_slots_the_pick_list_goes_by_bin_and_an_intercepted_order_is_flagged_and_left_out()
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 16);
        Dictionary<Guid, int> units;
        await using (var db = Session.OpenDb())
            units = await db.Set<OrderItem>().GroupBy(i => i.OrderId).Select(g => new { g.Key, Units = g.Sum(i => i.Quantity) }).ToDictionaryAsync(g => g.Key, g => g.Units);
        var singles = audited.Where(o => units[o.Id] == 1).ToList();
        var multis = audited.Where(o => units[o.Id] > 1).ToList();
        Assert.True(multis.Count >= 3, $"{multis.Count} multi-item orders");

        // Bins: an unknown SKU is named by row and nothing is set; then A-1 and B-2 get theirs.
        var bad = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/fulfillment/bins",
            new { warehouseId = warehouse, rows = new[] { new { skuCode = "A-1", binCode = "a-01-01" }, new { skuCode = "NOPE", binCode = "X" } } }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("rows[1].skuCode", out _));
        await Session.PutAsync<int>("/api/v1/fulfillment/bins", new { warehouseId = warehouse, rows = new[] { new { skuCode = "B-2", binCode = "a-01-02" }, new { skuCode = "a-1", binCode = "b-09-01" } } });
        Assert.Equal(["A-01-02", "B-09-01"], (await Session.GetAsync<List<Shelfbook.Fulfillment.Features.Bins.BinView>>($"/api/v1/fulfillment/bins?warehouseId={warehouse}")).Select(b => b.BinCode));

        // Bad requests are named by field.
        var noCarrier = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "ByCarrier", maxOrders = 0 }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "carrierCode", "maxOrders" }) Assert.True(noCarrier.GetProperty("errors").TryGetProperty(field, out _), field);

        // 一单多件, at most 3: the oldest three multi-item orders, slots 1–3, in fulfillment.
        var wave = await Session.PostAsync<WaveView>("/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "MultiItem", maxOrders = 3 }, HttpStatusCode.Created);
        Assert.Equal((3, WaveStatus.Picking), (wave.OrderCount, wave.Status));
        var detail = await Session.GetAsync<WaveDetail>($"/api/v1/fulfillment/waves/{wave.Id}");
        Assert.Equal([1, 2, 3], detail.Orders.Select(o => o.Slot));
        Assert.All(detail.Orders, o => Assert.Equal("InFulfillment", o.Status));
        Assert.All(detail.Orders, o => Assert.Contains(multis, m => m.Id == o.OrderId));
        Assert.Equal(detail.Orders.Sum(o => units[o.OrderId]), detail.PickList.Sum(l => l.Quantity));
        Assert.Equal(wave.Units, detail.PickList.Sum(l => l.Quantity));
        // By bin: A-01-02 (B-2) before B-09-01.
        Assert.Equal(detail.PickList.OrderBy(l => l.BinCode, StringComparer.Ordinal).Select(l => l.SkuCode), detail.PickList.Select(l => l.SkuCode));

        // An order of the wave is intercepted (the buyer asked): flagged, out of the pick list, its stock released.
        var stopped = detail.Orders[0];
        await Session.PostAsync<List<Shelfbook.Orders.Features.ChangeOrders.OrderChange>>("/api/v1/orders/intercept", new { orderIds = new[] { stopped.OrderId }, reason = "买家退款" });
        // Another is taken out by hand: back to audited with its stock.
        var taken = detail.Orders[1];
        var after = await Session.PostAsync<WaveDetail>($"/api/v1/fulfillment/waves/{wave.Id}/remove", new { orderIds = new[] { taken.OrderId }, reason = "缺货待查" });
        Assert.True(after.Orders.Single(o => o.OrderId == stopped.OrderId).Intercepted);
        Assert.Equal("缺货待查", after.Orders.Single(o => o.OrderId == taken.OrderId).RemovedReason);
        Assert.Equal(units[detail.Orders[2].OrderId], after.PickList.Sum(l => l.Quantity));
        await using (var db = Session.OpenDb())
            Assert.Equal(OrderStatus.Audited, await db.Set<Order>().Where(o => o.Id == taken.OrderId).Select(o => o.Status).SingleAsync());
        var twice = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/fulfillment/waves/{wave.Id}/remove", new { orderIds = new[] { taken.OrderId } }, HttpStatusCode.BadRequest);
        Assert.True(twice.GetProperty("errors").TryGetProperty("orderIds", out _));

        // The last one ships from the wave; the wave is done.
        var ship = await Session.PostAsync<ShipRun>("/api/v1/fulfillment/ship", new { mode = "Simple", rows = new[] { new { orderNo = detail.Orders[2].OrderNo, trackingNo = "YT9000000001", carrierCode = "YTO" } } });
        Assert.Equal(1, ship.Shipped);
        var done = await Session.GetAsync<WaveDetail>($"/api/v1/fulfillment/waves/{wave.Id}");
        Assert.Equal((WaveStatus.Done, true, "YT9000000001"), (done.Wave.Status, done.Orders[2].Shipped, done.Orders[2].TrackingNo));
        Assert.Empty(done.PickList);

        // 一单一件: every single-unit order, unsorted; none left after, so another is refused by name.
        if (singles.Count > 0)
        {
            var single = await Session.PostAsync<WaveView>("/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "SingleItem" }, HttpStatusCode.Created);
            Assert.Equal(singles.Count, single.OrderCount);
            Assert.All((await Session.GetAsync<WaveDetail>($"/api/v1/fulfillment/waves/{single.Id}")).Orders, o => Assert.Equal(0, o.Slot));
        }
        var none = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "SingleItem" }, HttpStatusCode.BadRequest);
        Assert.True(none.GetProperty("errors").TryGetProperty("strategy", out _));
        Assert.Equal(singles.Count > 0 ? 2 : 1, (await Session.GetAsync<Page<WaveView>>("/api/v1/fulfillment/waves")).Items.Count);

        // The warehouse board adds the same up.
        var board = Assert.Single(await Session.GetAsync<List<Shelfbook.Fulfillment.Features.Overview.WarehouseOverview>>("/api/v1/fulfillment/overview"));
        await using (var db = Session.OpenDb())
        {
            var inWarehouse = db.Set<Order>().Where(o => o.WarehouseId == warehouse);
            Assert.Equal((await inWarehouse.CountAsync(o => o.Status == OrderStatus.Audited), await inWarehouse.CountAsync(o => o.Status == OrderStatus.InFulfillment), 1),
                (board.WaitingForWave, board.InWaves, board.Intercepted));
        }
        Assert.Equal((singles.Count > 0 ? 1 : 0, 1, 0), (board.WavesPicking, board.ParcelsToday, board.WriteBackFailedToday));
        Assert.Equal([("YTO", 1)], board.Carriers.Select(c => (c.CarrierCode, c.Parcels)));
    }

    [Fact]
    public async Task A_presale_wave_takes_the_earliest_ship_by_day_or_the_day_asked()
    {
        var (_, warehouse, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 8);
        Assert.True(audited.Count >= 4, $"{audited.Count} audited");
        // Two orders ship by the day after tomorrow, one a week later (the tenant's clock is Asia/Shanghai), the rest are not presale.
        var soon = DateTime.UtcNow.Date.AddDays(2).AddHours(4);
        var later = soon.AddDays(7);
        await using (var db = Session.OpenDb())
        {
            foreach (var (order, shipBy) in new[] { (audited[0], soon), (audited[1], soon.AddHours(2)), (audited[2], later) })
                await db.Set<Order>().Where(o => o.Id == order.Id).ExecuteUpdateAsync(u => u.SetProperty(o => o.Presale, true).SetProperty(o => o.ShipBy, shipBy));
        }
        var first = await Session.PostAsync<WaveView>("/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "ByPresale", maxOrders = 100 }, HttpStatusCode.Created);
        var soonDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(soon, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
        Assert.Equal((2, soonDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), (first.OrderCount, first.Criterion));
        var detail = await Session.GetAsync<WaveDetail>($"/api/v1/fulfillment/waves/{first.Id}");
        Assert.Equal(new[] { audited[0].Id, audited[1].Id }.Order(), detail.Orders.Select(o => o.OrderId).Order());

        // A day with nothing to ship is refused; the week-later batch by its day.
        var laterDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(later, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));
        await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waves",
            new { warehouseId = warehouse, strategy = "ByPresale", shipBy = laterDay.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
            HttpStatusCode.BadRequest);
        var second = await Session.PostAsync<WaveView>("/api/v1/fulfillment/waves",
            new { warehouseId = warehouse, strategy = "ByPresale", shipBy = laterDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, HttpStatusCode.Created);
        Assert.Equal(1, second.OrderCount);
        // No presale order left.
        await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/waves", new { warehouseId = warehouse, strategy = "ByPresale" }, HttpStatusCode.BadRequest);
    }
}

public sealed class WaveTestsOnSqlite(SqliteApp app, Sandbox sandbox) : WaveTests(app, sandbox);

public sealed class WaveTestsOnPostgres(PostgresApp app, Sandbox sandbox) : WaveTests(app, sandbox);
