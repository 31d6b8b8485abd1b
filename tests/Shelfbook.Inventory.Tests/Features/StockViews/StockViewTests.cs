using System.Net;
using Microsoft.EntityFrameworkCore;
using System.Text.Json;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Alerts;
using Shelfbook.Inventory.Features.StockViews;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.StockViews;

public abstract class StockViewTests(ShelfbookApp app) : TenantTest(app)
{
    [Fact]
    public async Task Stock_by_sku_shows_every_warehouse_and_combos_from_their_parts()
    {
        var sh = await Session.WarehouseAsync("SH");
        var gz = await Session.WarehouseAsync("GZ");
        var cup = await Session.SkuAsync("CUP");
        var lid = await Session.SkuAsync("LID");
        await Session.PostAsync<JsonElement>("/api/v1/catalog/combos", new { name = "杯子套装", code = "SET", components = new[] { new { code = "CUP", quantity = 2 }, new { code = "LID", quantity = 1 } } }, HttpStatusCode.Created);
        await Session.ReceiveAsync(sh, cup, 9);
        await Session.ReceiveAsync(sh, lid, 10);
        await Session.ReceiveAsync(gz, cup, 4);
        await Session.ReceiveAsync(gz, cup, 2, condition: StockCondition.NonSellable);
        await Session.WithAsync<IReserveStock, IReadOnlyList<OrderReservation>>(r => r.ReserveAsync([new StockToReserve(Guid.NewGuid(), "SO1", Guid.NewGuid(), cup, sh, 3)]));

        var page = await Session.GetAsync<Page<SkuStock>>("/api/v1/inventory/stock");

        Assert.Equal(["CUP", "LID", "SET"], page.Items.Select(s => s.Code));
        var cupStock = page.Items[0];
        Assert.Equal((13L, 3L, 10L, 2L), (cupStock.OnHand, cupStock.Reserved, cupStock.Available, cupStock.NonSellable));
        Assert.Equal(["GZ", "SH"], cupStock.Warehouses.Select(w => w.WarehouseCode));
        var set = page.Items[2];
        Assert.True(set.IsCombo);
        // SH: 6 cups available → 3 sets, 10 lids → 10; GZ has no lids.
        Assert.Equal(3, set.Available);
        Assert.Equal(["SH"], set.Warehouses.Select(w => w.WarehouseCode));
        var onlyGz = await Session.GetAsync<Page<SkuStock>>($"/api/v1/inventory/stock?warehouseId={gz}&inStockOnly=true");
        Assert.Equal(["CUP"], onlyGz.Items.Select(s => s.Code));
    }

    [Fact]
    public async Task The_ledger_shows_the_running_balance_and_stock_as_of_a_past_time()
    {
        var sh = await Session.WarehouseAsync("SH");
        var cup = await Session.SkuAsync("CUP");
        await Session.ReceiveAsync(sh, cup, 5);
        await Task.Delay(50);
        var between = DateTime.UtcNow;
        await Task.Delay(50);
        await Session.ReceiveAsync(sh, cup, 7);

        var ledger = await Session.GetAsync<Page<LedgerRow>>($"/api/v1/inventory/stock/ledger/{cup}");
        var then = await Session.GetAsync<Page<SkuStock>>($"/api/v1/inventory/stock?asOf={between:O}");

        Assert.Equal([12L, 5L], ledger.Items.Select(r => r.OnHandAfter));
        Assert.Equal(5, then.Items.Single().OnHand);
        await Session.ProblemAsync(HttpMethod.Get, $"/api/v1/inventory/stock/ledger/{Guid.NewGuid()}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stock_exports_as_a_workbook()
    {
        var sh = await Session.WarehouseAsync("SH");
        var cup = await Session.SkuAsync("CUP", costPrice: 250);
        await Session.ReceiveAsync(sh, cup, 4);

        using var response = await Session.Api.GetAsync(new Uri("/api/v1/inventory/stock/export", UriKind.Relative));
        await TenantSession.Expect(response, HttpStatusCode.OK);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var rows = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();

        var row = Assert.Single(rows);
        Assert.Equal("CUP", row["商家编码"]);
        Assert.Equal(4d, Convert.ToDouble(row["实际库存"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(10d, Convert.ToDouble(row["库存金额"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Low_and_stagnant_stock_are_listed()
    {
        var sh = await Session.WarehouseAsync("SH");
        var low = await Session.SkuAsync("LOW", safetyStock: 10);
        var fine = await Session.SkuAsync("FINE", safetyStock: 2);
        await Session.ReceiveAsync(sh, low, 4);
        await Session.ReceiveAsync(sh, fine, 5);

        var lows = await Session.GetAsync<Page<LowStockRow>>("/api/v1/inventory/alerts/low-stock");
        Assert.Equal(("LOW", 6L), (lows.Items.Single().Code, lows.Items.Single().Shortfall));

        Assert.Empty((await Session.GetAsync<Page<StagnantRow>>("/api/v1/inventory/alerts/stagnant")).Items);
        // Nothing went out since the stock arrived: backdate its arrival past the tenant's stagnant days.
        await using (var db = Session.OpenDb())
            await db.Set<StockBalance>().ExecuteUpdateAsync(u => u.SetProperty(b => b.FirstMovementAt, DateTime.UtcNow.AddDays(-40)));
        await Session.PutAsync<InventorySettingsInput>("/api/v1/inventory/settings", new { stagnantDays = 30 });
        var stagnant = await Session.GetAsync<Page<StagnantRow>>("/api/v1/inventory/alerts/stagnant");
        Assert.Equal(["FINE", "LOW"], stagnant.Items.Select(r => r.Code));
        Assert.True(stagnant.Items[0].IdleDays >= 39);
    }
}

public sealed class StockViewTestsOnSqlite(SqliteApp app) : StockViewTests(app);

public sealed class StockViewTestsOnPostgres(PostgresApp app) : StockViewTests(app);
