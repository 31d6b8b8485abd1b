using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Verify;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Orders.Features.ManageAllocationRules;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>审核 with 分配仓库: the reservation and the move to 已审核 together, warehouse by rule, and stock given back on the way out.</summary>
public abstract class AuditTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    /// <summary>40 orders of A-1, B-2 and the set, taken in; the SKU ids by code and the orders waiting for audit, oldest payment first.</summary>
    private async Task<(Dictionary<string, Guid> Skus, List<Order> Pending, Guid Shop)> PendingAsync()
    {
        var shop = await _kit.SyncedShopAsync(Session, 40, ["A-1", "B-2", "AB-SET"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        await using var db = Session.OpenDb();
        var skus = await db.Set<Shelfbook.Catalog.Domain.Sku>().ToDictionaryAsync(s => s.Code, s => s.Id);
        var pending = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).ToListAsync();
        Assert.True(pending.Count > 20, $"only {pending.Count} orders pending");
        return (skus, pending.OrderBy(o => o.PaidAt).ThenBy(o => o.OrderNo, StringComparer.Ordinal).ToList(), shop);
    }

    private async Task<Dictionary<(Guid Warehouse, Guid Sku), (long OnHand, long Reserved)>> BalancesAsync()
    {
        await using var db = Session.OpenDb();
        return await db.Set<StockBalance>().Where(b => b.Condition == StockCondition.Sellable)
            .ToDictionaryAsync(b => (b.WarehouseId, b.SkuId), b => (b.OnHand, b.Reserved));
    }

    /// <summary>What each SKU's audited orders hold, summed from their items.</summary>
    private async Task<Dictionary<(Guid Warehouse, Guid Sku), long>> HeldByOrdersAsync()
    {
        await using var db = Session.OpenDb();
        var audited = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).Select(o => new { o.Id, o.WarehouseId }).ToListAsync();
        var ids = audited.Select(a => a.Id).ToList();
        var items = await db.Set<OrderItem>().Where(i => ids.Contains(i.OrderId)).ToListAsync();
        var warehouseOf = audited.ToDictionary(a => a.Id, a => a.WarehouseId!.Value);
        return items.GroupBy(i => (warehouseOf[i.OrderId], i.SkuId)).ToDictionary(g => g.Key, g => (long)g.Sum(i => i.Quantity));
    }

    private async Task AssertStockVerifiesAsync()
    {
        var drifts = await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync());
        Assert.Empty(drifts);
    }

    [Fact]
    public async Task Audit_reserves_each_order_whole_in_the_first_warehouse_with_stock_and_the_rest_go_out_of_stock_oldest_payment_first()
    {
        var (skus, pending, _) = await PendingAsync();
        var (w1, w2) = (await OrdersKit.WarehouseAsync(Session, "A-WH1"), await OrdersKit.WarehouseAsync(Session, "B-WH2"));
        // WH1 (first by code) has plenty of B-2 and no A-1; WH2 has 15 A-1 and plenty of B-2: A-1 decides who is served.
        await OrdersKit.ReceiveAsync(Session, w1, skus["B-2"], 1000);
        await OrdersKit.ReceiveAsync(Session, w2, skus["A-1"], 15);
        await OrdersKit.ReceiveAsync(Session, w2, skus["B-2"], 1000);

        var run = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending.Select(o => o.Id) });

        await using var db = Session.OpenDb();
        var orders = await db.Set<Order>().Where(o => o.Status != OrderStatus.Cancelled).ToDictionaryAsync(o => o.Id);
        var items = (await db.Set<OrderItem>().ToListAsync()).ToLookup(i => i.OrderId);
        Assert.Equal(pending.Count, run.Audited + run.OutOfStock);
        Assert.True(run.OutOfStock > 0 && run.Audited > 0, $"audited {run.Audited}, short {run.OutOfStock}");
        // An order without A-1 ships from WH1; one with A-1 from WH2 while A-1 lasts, oldest payment first.
        var a1Left = 15L;
        foreach (var order in pending.Select(o => orders[o.Id]))
        {
            var a1 = items[order.Id].Where(i => i.SkuId == skus["A-1"]).Sum(i => i.Quantity);
            if (a1 == 0)
                Assert.Equal((OrderStatus.Audited, w1, "default"), (order.Status, order.WarehouseId, order.AllocatedBy));
            else if (a1 <= a1Left)
            {
                Assert.Equal((OrderStatus.Audited, w2), (order.Status, order.WarehouseId));
                a1Left -= a1;
            }
            else
                Assert.Equal((OrderStatus.Exception, OrderExceptions.OutOfStock, (Guid?)null), (order.Status, order.Exceptions, order.WarehouseId));
        }
        // The book holds exactly what the audited orders hold, never more than is on the shelf.
        var balances = await BalancesAsync();
        var held = await HeldByOrdersAsync();
        foreach (var (key, balance) in balances)
        {
            Assert.Equal(held.GetValueOrDefault(key), balance.Reserved);
            Assert.True(balance.Reserved <= balance.OnHand);
        }
        Assert.Equal(run.Results.Count(r => r.Outcome == ChangeOutcome.Done), run.Audited);
        Assert.All(run.Results.Where(r => r.Outcome == ChangeOutcome.Skipped), r => Assert.Equal("order.out_of_stock", r.Code));

        // Auditing again changes nothing: the audited are not auditable, the short ones stay short.
        var again = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending.Select(o => o.Id) });
        Assert.Equal(0, again.Audited);
        Assert.Equal(balances, await BalancesAsync());
        Assert.Equal(run.Audited, await db.Set<OrderLogEntry>().CountAsync(e => e.Action == "audited"));
        await AssertStockVerifiesAsync();
    }

    [Fact]
    public async Task A_matching_allocation_rule_sends_the_shops_orders_to_its_warehouses_in_its_order()
    {
        var (skus, pending, shop) = await PendingAsync();
        var (w1, w2) = (await OrdersKit.WarehouseAsync(Session, "A-WH1"), await OrdersKit.WarehouseAsync(Session, "B-WH2"));
        foreach (var w in new[] { w1, w2 })
        foreach (var code in new[] { "A-1", "B-2" })
            await OrdersKit.ReceiveAsync(Session, w, skus[code], 1000);
        // A rule for another shop's orders never applies; the one for this shop puts WH2 first.
        var other = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Jd", code = "JD1", name = "京东店" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await Session.PostAsync<AllocationRuleView>("/api/v1/orders/allocation-rules",
            new { name = "京东走一仓", priority = 1, shopIds = new[] { other }, warehouseIds = new[] { w1 } }, HttpStatusCode.Created);
        var rule = await Session.PostAsync<AllocationRuleView>("/api/v1/orders/allocation-rules",
            new { name = "淘宝先二仓", priority = 5, shopIds = new[] { shop }, warehouseIds = new[] { w2, w1 } }, HttpStatusCode.Created);

        var first = pending.Take(10).ToList();
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = first.Select(o => o.Id) });
        await using (var db = Session.OpenDb())
        {
            var audited = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).ToListAsync();
            Assert.Equal(first.Select(o => o.Id).Order(), audited.Select(o => o.Id).Order());
            Assert.All(audited, o => Assert.Equal((w2, "rule:淘宝先二仓"), (o.WarehouseId!.Value, o.AllocatedBy)));
        }

        // Switched off, the rule no longer applies and the next orders go to the first warehouse by code.
        await Session.PutAsync<AllocationRuleView>($"/api/v1/orders/allocation-rules/{rule.Id}",
            new { name = rule.Name, priority = rule.Priority, active = false, shopIds = rule.ShopIds, warehouseIds = rule.WarehouseIds });
        var next = pending.Skip(10).Take(5).ToList();
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = next.Select(o => o.Id) });
        await using (var db = Session.OpenDb())
        {
            var ids = next.Select(o => o.Id).ToList();
            Assert.All(await db.Set<Order>().Where(o => ids.Contains(o.Id)).ToListAsync(), o => Assert.Equal((w1, "default"), (o.WarehouseId!.Value, o.AllocatedBy)));
            Assert.Equal(3, await db.Set<Shelfbook.Data.Audit.AuditEntry>().CountAsync(a => a.EntityType == "allocation_rule"));
        }
        await AssertStockVerifiesAsync();
    }

    [Fact]
    public async Task Unaudit_and_cancel_give_an_audited_orders_stock_back_and_an_out_of_stock_order_is_audited_once_stock_arrives()
    {
        var (skus, pending, _) = await PendingAsync();
        var w1 = await OrdersKit.WarehouseAsync(Session, "A-WH1");
        await OrdersKit.ReceiveAsync(Session, w1, skus["A-1"], 1000);
        await OrdersKit.ReceiveAsync(Session, w1, skus["B-2"], 1000);
        var ids = pending.Take(6).Select(o => o.Id).ToList();
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = ids });
        Assert.NotEqual(0, (await BalancesAsync()).Values.Sum(b => b.Reserved));

        var unaudited = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/unaudit", new { orderIds = ids.Take(3) });
        Assert.All(unaudited, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        var cancelled = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/cancel", new { orderIds = ids.Skip(3), reason = "买家退款" });
        Assert.All(cancelled, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        Assert.All((await BalancesAsync()).Values, b => Assert.Equal(0, b.Reserved));
        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{ids[0]}");
        Assert.Equal((OrderStatus.PendingAudit, (Guid?)null), (detail.Order.Status, detail.Order.WarehouseId));
        Assert.Equal(["intake", "audited", "unaudited"], detail.Log.Select(e => e.Action));

        // An order no warehouse can serve waits as 缺货; with stock on the shelf, auditing it again takes it.
        var empty = await OrdersKit.WarehouseAsync(Session, "C-WH3");
        var a1Order = pending.Skip(6).First();
        await using (var db = Session.OpenDb())
            await db.Set<Shelfbook.Inventory.Domain.Warehouse>().Where(w => w.Id != empty).ExecuteUpdateAsync(s => s.SetProperty(w => w.Active, false));
        var shortRun = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { a1Order.Id } });
        Assert.Equal(1, shortRun.OutOfStock);
        Assert.Equal(OrderExceptions.OutOfStock, (await Session.GetAsync<OrderDetail>($"/api/v1/orders/{a1Order.Id}")).Order.Exceptions);
        await using (var db = Session.OpenDb())
            await db.Set<Shelfbook.Inventory.Domain.Warehouse>().ExecuteUpdateAsync(s => s.SetProperty(w => w.Active, true));
        var retried = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { a1Order.Id } });
        Assert.Equal(1, retried.Audited);
        var after = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{a1Order.Id}");
        Assert.Equal((OrderStatus.Audited, OrderExceptions.None, (Guid?)w1), (after.Order.Status, after.Order.Exceptions, after.Order.WarehouseId));
        await AssertStockVerifiesAsync();
    }

    [Fact]
    public async Task Out_of_stock_orders_are_audited_again_oldest_payment_first_once_stock_arrives_and_not_before()
    {
        var (skus, pending, _) = await PendingAsync();
        var w1 = await OrdersKit.WarehouseAsync(Session, "A-WH1");
        await OrdersKit.ReceiveAsync(Session, w1, skus["B-2"], 1000);
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending.Select(o => o.Id) });
        List<Guid> waiting;
        await using (var db = Session.OpenDb())
            waiting = await db.Set<Order>().Where(o => o.Exceptions == OrderExceptions.OutOfStock).OrderBy(o => o.PaidAt).ThenBy(o => o.OrderNo).Select(o => o.Id).ToListAsync();
        Assert.True(waiting.Count > 3, $"only {waiting.Count} orders short of A-1");

        // Nothing arrived: nothing is tried, nothing is written.
        var idle = await Session.PostAsync<AuditRun>("/api/v1/orders/retry-out-of-stock", null);
        Assert.Equal((0, 0), (idle.Audited, idle.OutOfStock));

        await OrdersKit.ReceiveAsync(Session, w1, skus["A-1"], 5);
        var retried = await Session.PostAsync<AuditRun>("/api/v1/orders/retry-out-of-stock", null);

        await using var check = Session.OpenDb();
        var items = (await check.Set<OrderItem>().Where(i => i.SkuId == skus["A-1"]).ToListAsync()).ToLookup(i => i.OrderId);
        var orders = await check.Set<Order>().Where(o => waiting.Contains(o.Id)).ToDictionaryAsync(o => o.Id);
        var left = 5L;
        var expected = new List<Guid>();
        foreach (var id in waiting)
        {
            var need = items[id].Sum(i => i.Quantity);
            if (need > left) continue;
            expected.Add(id);
            left -= need;
        }
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, retried.Audited);
        Assert.Equal(expected.Order(), orders.Values.Where(o => o.Status == OrderStatus.Audited).Select(o => o.Id).Order());
        Assert.All(orders.Values.Where(o => !expected.Contains(o.Id)), o => Assert.Equal((OrderStatus.Exception, OrderExceptions.OutOfStock), (o.Status, o.Exceptions)));
        Assert.Equal(5 - left, (await BalancesAsync())[(w1, skus["A-1"])].Reserved);
        await AssertStockVerifiesAsync();
    }

    [Fact]
    public async Task A_rule_without_warehouses_or_naming_unknown_ones_is_refused_field_by_field_and_nothing_is_saved()
    {
        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/allocation-rules",
            new { name = " ", priority = 10000, shopIds = new[] { Guid.NewGuid() }, warehouseIds = Array.Empty<Guid>() }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "priority", "shopIds", "warehouseIds" }) Assert.True(errors.TryGetProperty(field, out _), field);
        var unknown = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/allocation-rules",
            new { name = "x", warehouseIds = new[] { Guid.NewGuid() } }, HttpStatusCode.BadRequest);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("warehouseIds", out _));
        var tooMany = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/audit", new { orderIds = Array.Empty<Guid>() }, HttpStatusCode.BadRequest);
        Assert.True(tooMany.GetProperty("errors").TryGetProperty("orderIds", out _));
        Assert.Empty(await Session.GetAsync<List<AllocationRuleView>>("/api/v1/orders/allocation-rules"));
    }
}

public sealed class AuditTestsOnSqlite(SqliteApp app, Sandbox sandbox) : AuditTests(app, sandbox);

public sealed class AuditTestsOnPostgres(PostgresApp app, Sandbox sandbox) : AuditTests(app, sandbox);
