using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Stocktakes;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Inventory.Tests.Features.Stocktakes;

public abstract class StocktakeTests(ShelfbookApp app) : TenantTest(app)
{
    private const string Url = "/api/v1/inventory/stocktakes";

    private Task<StocktakeLineView> CountAsync(Guid id, object body) => Session.PostAsync<StocktakeLineView>($"{Url}/{id}/counts", body);

    [Fact]
    public async Task Movements_while_counting_are_not_differences()
    {
        var wh = await Session.WarehouseAsync("SH");
        var cup = await Session.SkuAsync("CUP", costPrice: 300, barcode: "690001");
        var lid = await Session.SkuAsync("LID", costPrice: 100);
        await Session.ReceiveAsync(wh, cup, 10);
        await Session.ReceiveAsync(wh, lid, 5);
        var sheet = await Session.PostAsync<StocktakeView>(Url, new { warehouseId = wh }, HttpStatusCode.Created);
        Assert.Matches(@"^PD-\d{8}-0001$", sheet.No);

        // Two cups ship before the cups are counted; the shelf then holds 8, and 8 are counted: no difference.
        var order = Guid.NewGuid();
        await Session.WithAsync<IReserveStock, IReadOnlyList<OrderReservation>>(r => r.ReserveAsync([new StockToReserve(order, "SO1", Guid.NewGuid(), cup, wh, 2)]));
        await Session.WithAsync<IReserveStock, IReadOnlyList<ConsumedOrder>>(r => r.ConsumeAsync([new ShipmentToConsume(order)]));
        for (var i = 0; i < 7; i++) await CountAsync(sheet.Id, new { code = "690001" });
        var cupLine = await CountAsync(sheet.Id, new { code = "690001" });
        // Lids are counted (4: one lost), then one more lid arrives after the count: still one lost, not zero.
        var lidLine = await CountAsync(sheet.Id, new { code = "LID", quantity = 4, mode = "Set" });
        await Session.ReceiveAsync(wh, lid, 1);

        Assert.Equal((10L, -2L, 8, 0L), (cupLine.Snapshot, cupLine.MovementsSince, cupLine.Counted, cupLine.Difference));
        Assert.Equal((-1L, -100L), (lidLine.Difference, lidLine.DifferenceValue));
        var review = await Session.GetAsync<StocktakeView>($"{Url}/{sheet.Id}");
        Assert.Equal((2, 1, 1L, 100L), (review.Counted, review.Differences, review.LossQuantity, review.LossValue));

        var posted = await Session.PostAsync<StocktakeView>($"{Url}/{sheet.Id}/post", new { reason = "count_difference" });

        Assert.Equal("Posted", posted.Status);
        Assert.Equal(8, (await Session.BalanceAsync(wh, cup))!.OnHand);
        Assert.Equal(5, (await Session.BalanceAsync(wh, lid))!.OnHand);
        await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{sheet.Id}/post", new { }, HttpStatusCode.Conflict);
        await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{sheet.Id}/counts", new { code = "LID" }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_blind_sheet_hides_the_book_until_posted_and_found_goods_are_added()
    {
        var wh = await Session.WarehouseAsync("SH");
        var cup = await Session.SkuAsync("CUP");
        var found = await Session.SkuAsync("FOUND");
        await Session.ReceiveAsync(wh, cup, 3);
        var sheet = await Session.PostAsync<StocktakeView>(Url, new { warehouseId = wh, blind = true }, HttpStatusCode.Created);

        var line = await CountAsync(sheet.Id, new { code = "CUP", quantity = 5, mode = "Set" });
        var extra = await CountAsync(sheet.Id, new { code = "FOUND", quantity = 2 });
        var lines = await Session.GetAsync<Page<StocktakeLineView>>($"{Url}/{sheet.Id}/lines");

        Assert.Null(line.Snapshot);
        Assert.Null(line.Difference);
        Assert.Equal(2, extra.Counted);
        Assert.Equal(["CUP", "FOUND"], lines.Items.Select(l => l.SkuCode));
        await Session.PostAsync<StocktakeView>($"{Url}/{sheet.Id}/post", new { });
        Assert.Equal(5, (await Session.BalanceAsync(wh, cup))!.OnHand);
        Assert.Equal(2, (await Session.BalanceAsync(wh, found))!.OnHand);
    }

    [Fact]
    public async Task Uncounted_lines_stay_unless_counted_as_zero_and_bad_counts_are_named()
    {
        var wh = await Session.WarehouseAsync("SH");
        var cup = await Session.SkuAsync("CUP");
        await Session.SkuAsync("LID");
        await Session.ReceiveAsync(wh, cup, 3);
        var sheet = await Session.PostAsync<StocktakeView>(Url, new { warehouseId = wh, skuCodes = new[] { "CUP", "LID" } }, HttpStatusCode.Created);
        Assert.Equal(2, sheet.Lines);

        var bad = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{sheet.Id}/counts", new { code = "NOPE", quantity = -1, mode = "Set" }, HttpStatusCode.BadRequest);
        var errors = bad.GetProperty("errors");
        Assert.True(errors.TryGetProperty("quantity", out _) && errors.TryGetProperty("skuCode", out _), errors.ToString());

        await Session.PostAsync<StocktakeView>($"{Url}/{sheet.Id}/post", new { uncountedAsZero = true });
        Assert.Equal(0, (await Session.BalanceAsync(wh, cup))!.OnHand);
    }

    [Fact]
    public async Task Two_open_sheets_may_not_count_the_same_sku_and_in_transit_is_not_counted()
    {
        var wh = await Session.WarehouseAsync("SH");
        await Session.SkuAsync("CUP");
        var lid = await Session.SkuAsync("LID");
        await Session.ReceiveAsync(wh, lid, 2);
        var first = await Session.PostAsync<StocktakeView>(Url, new { warehouseId = wh, skuCodes = new[] { "LID" } }, HttpStatusCode.Created);

        var overlap = await Session.ProblemAsync(HttpMethod.Post, Url, new { warehouseId = wh }, HttpStatusCode.Conflict);
        Assert.Contains(first.No, overlap.ToString(), StringComparison.Ordinal);
        await Session.PostAsync<StocktakeView>(Url, new { warehouseId = wh, skuCodes = new[] { "CUP" } }, HttpStatusCode.Created);
        var transit = await Session.ProblemAsync(HttpMethod.Post, $"{Url}/{first.Id}/counts", new { code = "LID", condition = "InTransit" }, HttpStatusCode.BadRequest);
        Assert.True(transit.GetProperty("errors").TryGetProperty("condition", out _));
    }

    [Fact]
    public async Task A_stocktake_posted_while_orders_reserve_and_ship_keeps_the_books_right()
    {
        var wh = await Session.WarehouseAsync("SH");
        var skus = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            skus.Add(await Session.SkuAsync($"S-{i}"));
            await Session.ReceiveAsync(wh, skus[i], 200);
        }
        var sheet = await Session.PostAsync<StocktakeView>(Url, new { warehouseId = wh }, HttpStatusCode.Created);
        using var stop = new CancellationTokenSource();

        async Task OrdersAsync(int worker)
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var order = Guid.NewGuid();
                var result = await Session.WithAsync<IReserveStock, IReadOnlyList<OrderReservation>>(r =>
                    r.ReserveAsync([new StockToReserve(order, $"SO{worker}", Guid.NewGuid(), skus[random.Next(skus.Count)], wh, random.Next(1, 3))]));
                if (result[0].Reserved && random.Next(2) == 0)
                    await Session.WithAsync<IReserveStock, IReadOnlyList<ConsumedOrder>>(r => r.ConsumeAsync([new ShipmentToConsume(order)]));
                // A breath between orders, so the counts are not starved of SQLite's single writer.
                await Task.Delay(5);
            }
        }

        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => OrdersAsync(w))).ToList();
        foreach (var sku in skus.Take(3)) await CountAsync(sheet.Id, new { skuId = sku, quantity = 150, mode = "Set" });
        await Session.PostAsync<StocktakeView>($"{Url}/{sheet.Id}/post", new { });
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        await using var db = Session.OpenDb();
        Assert.True(await db.Set<StockMovement>().CountAsync(m => m.Type == MovementType.SalesShipment) > 0);
        // Each counted line's adjustment is its count less the book when it was counted, whatever shipped around it.
        var lines = await db.Set<StocktakeLine>().Where(l => l.StocktakeId == sheet.Id && l.Counted != null).ToListAsync();
        Assert.Equal(3, lines.Count);
        foreach (var line in lines)
        {
            var adjusted = await db.Set<StockMovement>().Where(m => m.SourceId == sheet.Id.ToString() && m.SkuId == line.SkuId).SumAsync(m => (long?)m.Quantity) ?? 0;
            Assert.Equal(line.Counted!.Value - line.BookAtCount!.Value, adjusted);
        }
        // The check after the test (verify) proves balances and reservations still add up to the ledger.
    }
}

public sealed class StocktakeTestsOnSqlite(SqliteApp app) : StocktakeTests(app);

public sealed class StocktakeTestsOnPostgres(PostgresApp app) : StocktakeTests(app);
