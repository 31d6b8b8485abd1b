using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Verify;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.BatchJobs;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.ManualOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>指定仓库 and 换商品: what orders not audited yet ship and from where, on a selection and as a job.</summary>
public abstract class EditGoodsTests(ShelfbookApp app) : TenantTest(app)
{
    private Dictionary<string, Guid> _skus = [];

    private async Task CatalogAsync()
    {
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products",
            new { name = "T恤", skus = new[] { new { code = "A-1", barcodes = new[] { "6901234567892" } }, new { code = "B-2", barcodes = Array.Empty<string>() } } },
            HttpStatusCode.Created);
        await Session.PostAsync<JsonElement>("/api/v1/catalog/combos",
            new { name = "两件套", code = "AB-SET", components = new[] { new { code = "A-1", quantity = 1 }, new { code = "B-2", quantity = 1 } } }, HttpStatusCode.Created);
        await using var db = Session.OpenDb();
        _skus = await db.Set<Shelfbook.Catalog.Domain.Sku>().ToDictionaryAsync(s => s.Code, s => s.Id);
    }

    private async Task<Guid> OrderAsync(params (string Code, int Quantity)[] lines) =>
        (await Session.PostAsync<ManualOrderCreated>("/api/v1/orders/manual", new
        {
            receiver = new { receiverName = "孙八", province = "广东省", city = "深圳市", address = "科技园 1 号" },
            lines = lines.Select(l => new { code = l.Code, quantity = l.Quantity, price = 1000 }),
        }, HttpStatusCode.Created)).Id;

    private async Task<Guid> StockedWarehouseAsync(string code, int units)
    {
        var warehouse = await OrdersKit.WarehouseAsync(Session, code);
        foreach (var sku in new[] { "A-1", "B-2" }) await OrdersKit.ReceiveAsync(Session, warehouse, _skus[sku], units);
        return warehouse;
    }

    [Fact]
    public async Task A_warehouse_set_by_hand_is_the_one_audit_reserves_in_and_audited_orders_are_skipped()
    {
        await CatalogAsync();
        var first = await StockedWarehouseAsync("A-WH1", 100);
        var second = await StockedWarehouseAsync("B-WH2", 100);
        var (one, two, three) = (await OrderAsync(("A-1", 1)), await OrderAsync(("B-2", 2)), await OrderAsync(("A-1", 1)));
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { three } });

        var results = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/set-warehouse", new { orderIds = new[] { one, two, three }, warehouseId = second });
        var back = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/set-warehouse", new { orderIds = new[] { two }, warehouseId = (Guid?)null });
        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/set-warehouse", new { orderIds = new[] { one }, warehouseId = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { one, two } });

        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.Done, ChangeOutcome.Skipped], results.Select(r => r.Outcome));
        Assert.Equal("order.warehouse_locked", results[2].Code);
        Assert.Equal(ChangeOutcome.Done, Assert.Single(back).Outcome);
        Assert.True(bad.GetProperty("errors").TryGetProperty("warehouseId", out _));
        await using var db = Session.OpenDb();
        var orders = await db.Set<Order>().ToDictionaryAsync(o => o.Id);
        // Set by hand: the second warehouse, though the allocation would take the first; given back: the first again.
        Assert.Equal((OrderStatus.Audited, second, "manual"), (orders[one].Status, orders[one].WarehouseId, orders[one].RuleWarehouseBy));
        Assert.Equal((OrderStatus.Audited, first), (orders[two].Status, orders[two].WarehouseId));
        Assert.Equal(first, orders[three].WarehouseId);
        Assert.Equal(1, await db.Set<StockBalance>().Where(b => b.WarehouseId == second && b.SkuId == _skus["A-1"]).SumAsync(b => b.Reserved));
        Assert.Contains(await db.Set<OrderLogEntry>().Where(e => e.OrderId == one).Select(e => e.Action).ToListAsync(), a => a == "warehouse");
    }

    [Fact]
    public async Task Replacing_a_sku_changes_the_goods_to_send_not_the_lines_and_audit_reserves_the_new_one()
    {
        await CatalogAsync();
        await StockedWarehouseAsync("A-WH1", 100);
        var set = await OrderAsync(("AB-SET", 2), ("6901234567892", 1));
        var without = await OrderAsync(("B-2", 1));
        var audited = await OrderAsync(("A-1", 1));
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { audited } });
        List<OrderItem> before;
        await using (var db = Session.OpenDb())
            before = await db.Set<OrderItem>().Where(i => i.OrderId == set).ToListAsync();

        var results = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/replace-sku",
            new { orderIds = new[] { set, without, audited }, fromCode = "a-1", toCode = "B-2" });
        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/replace-sku", new { orderIds = new[] { set }, fromCode = "NOPE", toCode = "AB-SET" },
            HttpStatusCode.BadRequest);
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { set } });

        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.Skipped, ChangeOutcome.Skipped], results.Select(r => r.Outcome));
        Assert.Equal(["order.sku_not_on_order", "order.goods_locked"], results.Skip(1).Select(r => r.Code));
        var errors = bad.GetProperty("errors");
        Assert.True(errors.TryGetProperty("fromCode", out _));
        Assert.True(errors.TryGetProperty("toCode", out _));
        await using var check = Session.OpenDb();
        var items = await check.Set<OrderItem>().Where(i => i.OrderId == set).ToListAsync();
        // Three units of A-1 (two in the sets, one alone) are now B-2, with the same amounts and lines, noting what they replaced.
        Assert.Equal(5, items.Where(i => i.SkuId == _skus["B-2"]).Sum(i => i.Quantity));
        Assert.DoesNotContain(items, i => i.SkuId == _skus["A-1"]);
        Assert.Equal(before.Sum(i => i.Amount), items.Sum(i => i.Amount));
        Assert.All(items.Where(i => i.ReplacedSkuId is not null), i => Assert.Equal(_skus["A-1"], i.ReplacedSkuId));
        Assert.Equal(3, items.Where(i => i.ReplacedSkuId is not null).Sum(i => i.Quantity));
        Assert.Equal(["AB-SET", "A-1"], await check.Set<OrderLine>().Where(l => l.OrderId == set).OrderBy(l => l.Position).Select(l => l.SkuCode).ToListAsync());
        Assert.Equal(OrderStatus.Audited, (await check.Set<Order>().SingleAsync(o => o.Id == set)).Status);
        // Reserved: B-2 for the set order's five units, A-1 only for the order audited before.
        Assert.Equal(5, await check.Set<StockBalance>().Where(b => b.SkuId == _skus["B-2"]).SumAsync(b => b.Reserved));
        Assert.Equal(1, await check.Set<StockBalance>().Where(b => b.SkuId == _skus["A-1"]).SumAsync(b => b.Reserved));
        Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));
    }

    [Fact]
    public async Task Replacing_goods_while_they_are_being_audited_never_leaves_an_order_reserving_what_it_no_longer_sends()
    {
        await CatalogAsync();
        await StockedWarehouseAsync("A-WH1", 10_000);
        var orders = new List<Guid>();
        for (var i = 0; i < 40; i++) orders.Add(await OrderAsync(("A-1", 1 + i % 3), ("B-2", 1)));

        for (var round = 0; round < 4; round++)
        {
            var (from, to) = round % 2 == 0 ? ("A-1", "B-2") : ("B-2", "A-1");
            // Audit and 换商品 race on the same orders: either may lose (a concurrent change), never both win half.
            var audit = Task.Run(() => Session.WithAsync<AuditOrders, AuditRun>(a => a.AuditBatchAsync(orders, default)));
            var replace = Task.Run(() => Session.WithAsync<Shelfbook.Orders.Features.EditGoods.EditGoods, IReadOnlyList<OrderChange>>(g =>
                g.ReplaceSkuAsync(new Shelfbook.Orders.Features.EditGoods.ReplaceSkuRequest(orders, from, to), default)));
            foreach (var task in new Task[] { audit, replace })
                try
                {
                    await task;
                }
                catch (Exception e) when (e is DbUpdateConcurrencyException or DbUpdateException or InvalidOperationException)
                {
                    // The loser of the race refuses itself; what matters is the book below.
                }
            await using (var db = Session.OpenDb())
            {
                var audited = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).Select(o => o.Id).ToListAsync();
                var sent = await db.Set<OrderItem>().Where(i => audited.Contains(i.OrderId)).GroupBy(i => i.SkuId).Select(g => new { g.Key, Units = g.Sum(i => (long)i.Quantity) })
                    .ToDictionaryAsync(g => g.Key, g => g.Units);
                var reserved = await db.Set<StockBalance>().GroupBy(b => b.SkuId).Select(g => new { g.Key, Units = g.Sum(b => b.Reserved) }).ToDictionaryAsync(g => g.Key, g => g.Units);
                foreach (var sku in _skus.Values) Assert.Equal(sent.GetValueOrDefault(sku), reserved.GetValueOrDefault(sku));
            }
            Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));
            await Session.PostAsync<List<OrderChange>>("/api/v1/orders/unaudit", new { orderIds = orders });
        }
    }

    [Fact]
    public async Task Replacing_and_setting_a_warehouse_run_as_jobs_with_a_result_per_order()
    {
        await CatalogAsync();
        var warehouse = await StockedWarehouseAsync("A-WH1", 100);
        var orders = new List<Guid>();
        for (var i = 0; i < 5; i++) orders.Add(await OrderAsync(i % 2 == 0 ? ("A-1", 1) : ("B-2", 1)));

        var refused = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/jobs", new { action = "ReplaceSku", orderIds = orders, fromSkuCode = "A-1" },
            HttpStatusCode.BadRequest);
        var replace = await Session.PostAsync<OrderJobView>("/api/v1/orders/jobs",
            new { action = "ReplaceSku", orderIds = orders, fromSkuCode = "a-1", toSkuCode = "b-2" }, HttpStatusCode.Accepted);
        var place = await Session.PostAsync<OrderJobView>("/api/v1/orders/jobs",
            new { action = "SetWarehouse", orderIds = orders, warehouseId = warehouse }, HttpStatusCode.Accepted);
        var replaced = await Session.WithAsync<OrderJobs, OrderJobView>(j => j.RunAsync(replace.Id, "test", TimeSpan.FromMinutes(5), null, default));
        var placed = await Session.WithAsync<OrderJobs, OrderJobView>(j => j.RunAsync(place.Id, "test", TimeSpan.FromMinutes(5), null, default));

        Assert.True(refused.GetProperty("errors").TryGetProperty("toCode", out _));
        Assert.Equal(("A-1", "B-2"), (replace.FromSkuCode, replace.ToSkuCode));
        Assert.Equal((JobState.Finished, 3, 2), (replaced.State, replaced.Done, replaced.Skipped));
        Assert.Equal((JobState.Finished, 5), (placed.State, placed.Done));
        await using var db = Session.OpenDb();
        Assert.Equal(0, await db.Set<OrderItem>().CountAsync(i => i.SkuId == _skus["A-1"]));
        Assert.All(await db.Set<Order>().ToListAsync(), o => Assert.Equal(warehouse, o.RuleWarehouseId));
    }
}

public sealed class EditGoodsTestsOnSqlite(SqliteApp app) : EditGoodsTests(app);

public sealed class EditGoodsTestsOnPostgres(PostgresApp app) : EditGoodsTests(app);
