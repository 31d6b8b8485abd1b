using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Inventory.Domain;
using Shelfbook.Logistics.Features.ManageCarriers;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.BatchJobs;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>物流选择 at audit: each audited order's service, estimated weight and freight; a wanted carrier kept; the choice undone on the way back.</summary>
public abstract partial class CarrierChoiceTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    /// <summary>SF: 16.00 for the first kilo, 5.00 a kilo after; ZTO: 6.00, then 3.00, up to 3 kg.</summary>
    private static long Sf(long grams) => 1600 + Math.Max(0, (grams - 1000 + 999) / 1000) * 500;

    private static long Zto(long grams) => 600 + Math.Max(0, (grams - 1000 + 999) / 1000) * 300;

    private async Task<(Guid Warehouse, CarrierView Sf, CarrierView Zto, List<Order> Pending, Dictionary<string, Guid> Skus)> SetUpAsync()
    {
        await _kit.SyncedShopAsync(Session, 40, ["A-1", "B-2", "AB-SET"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var warehouse = await OrdersKit.WarehouseAsync(Session, "SH");
        await using var db = Session.OpenDb();
        var skus = await db.Set<Sku>().ToDictionaryAsync(s => s.Code, s => s.Id);
        await db.Set<Sku>().Where(s => s.Code == "A-1").ExecuteUpdateAsync(s => s.SetProperty(x => x.WeightGrams, 700));
        await db.Set<Sku>().Where(s => s.Code == "B-2").ExecuteUpdateAsync(s => s.SetProperty(x => x.WeightGrams, 300));
        await OrdersKit.ReceiveAsync(Session, warehouse, skus["A-1"], 10_000);
        await OrdersKit.ReceiveAsync(Session, warehouse, skus["B-2"], 10_000);
        var sf = await Session.PostAsync<CarrierView>("/api/v1/logistics/carriers", new { code = "SF", name = "顺丰", services = new[] { new { code = "STD", name = "顺丰标快" } } },
            HttpStatusCode.Created);
        var zto = await Session.PostAsync<CarrierView>("/api/v1/logistics/carriers", new { code = "ZTO", name = "中通", services = new[] { new { code = "STD", name = "中通快递" } } },
            HttpStatusCode.Created);
        await Session.PostAsync<object>("/api/v1/logistics/rate-tables", new
        {
            serviceId = sf.Services[0].Id, name = "顺丰",
            zones = new[] { new { name = "全国", destinations = new[] { "CN" }, firstGrams = 1000, firstPrice = 1600, stepGrams = 1000, stepPrice = 500 } },
        }, HttpStatusCode.Created);
        await Session.PostAsync<object>("/api/v1/logistics/rate-tables", new
        {
            serviceId = zto.Services[0].Id, name = "中通",
            zones = new[] { new { name = "全国", destinations = new[] { "CN" }, firstGrams = 1000, firstPrice = 600, stepGrams = 1000, stepPrice = 300, maxGrams = 3000 } },
        }, HttpStatusCode.Created);
        var pending = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).ToListAsync();
        Assert.True(pending.Count > 20, $"only {pending.Count} orders pending");
        return (warehouse, sf, zto, pending, skus);
    }

    /// <summary>Each order's weight by its items: 700 g, 300 g per B-2 (the set is one of each).</summary>
    private async Task<Dictionary<Guid, long>> WeightsAsync(Dictionary<string, Guid> skus)
    {
        await using var db = Session.OpenDb();
        var items = await db.Set<OrderItem>().ToListAsync();
        return items.GroupBy(i => i.OrderId).ToDictionary(g => g.Key, g => g.Sum(i => (long)i.Quantity * (i.SkuId == skus["A-1"] ? 700 : 300)));
    }

    [Fact]
    public async Task Audit_gives_each_order_the_cheapest_service_that_takes_it_or_the_rules_and_keeps_its_weight_and_freight()
    {
        var (_, sf, zto, pending, skus) = await SetUpAsync();
        var weights = await WeightsAsync(skus);
        await Session.PostAsync<object>("/api/v1/logistics/carrier-rules", new
        {
            name = "两公斤以上走顺丰", priority = 10, weightMin = 2000, serviceIds = new[] { sf.Services[0].Id }, strategy = "FirstQualifying",
        }, HttpStatusCode.Created);
        var run = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending.Select(o => o.Id) });
        Assert.Equal(pending.Count, run.Audited);

        await using var db = Session.OpenDb();
        var orders = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).ToListAsync();
        var estimates = await db.Set<OrderEstimate>().ToDictionaryAsync(e => e.OrderId);
        Assert.Equal(pending.Count, estimates.Count);
        Assert.Contains(orders, o => weights[o.Id] >= 2000);
        Assert.Contains(orders, o => weights[o.Id] < 2000);
        foreach (var order in orders)
        {
            var (weight, estimate) = (weights[order.Id], estimates[order.Id]);
            Assert.Equal((weight, weight), (estimate.WeightGrams, estimate.ChargeableGrams));
            if (weight >= 2000)
                Assert.Equal(("SF", sf.Services[0].Id, "rule:两公斤以上走顺丰", Sf(weight), "顺丰标快"),
                    (order.CarrierCode, order.CarrierServiceId!.Value, order.CarrierBy, estimate.Freight!.Value, estimate.ServiceName));
            else
                Assert.Equal(("ZTO", zto.Services[0].Id, "cheapest", Zto(weight), "CNY"),
                    (order.CarrierCode, order.CarrierServiceId!.Value, order.CarrierBy, estimate.Freight!.Value, estimate.Currency));
        }
        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{orders[0].Id}");
        Assert.Equal((weights[orders[0].Id], orders[0].CarrierCode == "SF" ? "顺丰" : "中通"), (detail.Estimate!.WeightGrams, detail.Carrier));
        var list = await Session.GetAsync<Shelfbook.Kernel.Page<OrderRow>>("/api/v1/orders?carrier=SF&limit=200");
        Assert.Equal(orders.Count(o => o.CarrierCode == "SF"), list.Items.Count);
    }

    [Fact]
    public async Task A_carrier_an_audit_rule_wanted_survives_unaudit_while_the_audits_own_choice_and_estimate_go_and_a_held_order_cancelled_gives_its_stock_back()
    {
        var (warehouse, _, _, pending, skus) = await SetUpAsync();
        var wanted = pending.Take(5).Select(o => o.Id).ToList();
        await using (var db = Session.OpenDb())
            await db.Set<Order>().Where(o => wanted.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.CarrierCode, "SF").SetProperty(o => o.CarrierBy, "audit_rule:大客户走顺丰"));
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending.Select(o => o.Id) });
        var back = pending.Take(10).Select(o => o.Id).ToList();
        await Session.PostAsync<List<OrderChange>>("/api/v1/orders/unaudit", new { orderIds = back });

        await using (var db = Session.OpenDb())
        {
            var orders = await db.Set<Order>().ToDictionaryAsync(o => o.Id);
            Assert.All(wanted, id => Assert.Equal(("SF", "audit_rule:大客户走顺丰", (Guid?)null), (orders[id].CarrierCode, orders[id].CarrierBy, orders[id].CarrierServiceId)));
            Assert.All(back.Except(wanted), id => Assert.Equal(((string?)null, (string?)null, (Guid?)null), (orders[id].CarrierCode, orders[id].CarrierBy, orders[id].CarrierServiceId)));
            Assert.False(await db.Set<OrderEstimate>().AnyAsync(e => back.Contains(e.OrderId)));
            Assert.Equal(pending.Count - back.Count, await db.Set<OrderEstimate>().CountAsync());
        }
        // Audited again, the wanted carrier is chosen again: the cheapest service of SF, not ZTO.
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = back });
        await using (var db = Session.OpenDb())
        {
            var orders = await db.Set<Order>().Where(o => wanted.Contains(o.Id)).ToListAsync();
            Assert.All(orders, o => Assert.Equal(("SF", OrderStatus.Audited), (o.CarrierCode, o.Status)));
            Assert.Equal(wanted.Count, await db.Set<OrderEstimate>().CountAsync(e => wanted.Contains(e.OrderId) && e.ServiceName == "顺丰标快"));
        }

        // Held from 已审核 the order keeps its stock; cancelled while held, it gives it back and loses its estimate.
        var held = pending[^1].Id;
        await Session.PostAsync<List<OrderChange>>("/api/v1/orders/hold", new { orderIds = new[] { held }, reason = "核实地址" });
        var cancelled = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/cancel", new { orderIds = new[] { held }, reason = "买家取消" });
        Assert.Equal(ChangeOutcome.Done, cancelled[0].Outcome);
        await using (var db = Session.OpenDb())
        {
            Assert.False(await db.Set<OrderEstimate>().AnyAsync(e => e.OrderId == held));
            var reservedByOrders = await db.Set<OrderItem>().Where(i => db.Set<Order>().Any(o => o.Id == i.OrderId && o.Status == OrderStatus.Audited)).SumAsync(i => (long)i.Quantity);
            var reserved = await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse).SumAsync(b => b.Reserved);
            Assert.Equal(reservedByOrders, reserved);
        }
    }
}

public abstract partial class CarrierChoiceTests
{
    [Fact]
    public async Task A_carrier_set_by_hand_is_kept_by_audit_changes_an_audited_orders_service_and_freight_at_once_and_a_job_sets_it_on_many()
    {
        var (_, _, zto, pending, skus) = await SetUpAsync();
        var weights = await WeightsAsync(skus);
        // Light parcels, where ZTO is the cheaper one: SF by hand must win over the price.
        var light = pending.Where(o => weights[o.Id] < 2000).Select(o => o.Id).ToList();
        Assert.True(light.Count >= 8, $"only {light.Count} light orders");
        var byHand = light.Take(4).ToList();
        var set = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/set-carrier", new { orderIds = byHand, carrierCode = "sf" });
        Assert.All(set, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = pending.Select(o => o.Id) });
        await using (var db = Session.OpenDb())
        {
            var orders = await db.Set<Order>().Where(o => light.Contains(o.Id)).ToDictionaryAsync(o => o.Id);
            var estimates = await db.Set<OrderEstimate>().Where(e => light.Contains(e.OrderId)).ToDictionaryAsync(e => e.OrderId);
            Assert.All(byHand, id => Assert.Equal(("SF", "manual", Sf(weights[id])), (orders[id].CarrierCode, orders[id].CarrierBy, estimates[id].Freight!.Value)));
            Assert.All(light.Except(byHand), id => Assert.Equal("ZTO", orders[id].CarrierCode));
            Assert.Contains(await db.Set<OrderLogEntry>().Where(e => e.OrderId == byHand[0]).Select(e => e.Action).ToListAsync(), a => a == "carrier");
        }

        // Back to automatic on an audited order: priced again at once, ZTO; SF by hand on another audited one.
        var back = byHand[0];
        var toSf = light.Except(byHand).First();
        await Session.PostAsync<List<OrderChange>>("/api/v1/orders/set-carrier", new { orderIds = new[] { back }, carrierCode = (string?)null });
        await Session.PostAsync<List<OrderChange>>("/api/v1/orders/set-carrier", new { orderIds = new[] { toSf }, carrierCode = "SF" });
        await using (var db = Session.OpenDb())
        {
            var orders = await db.Set<Order>().Where(o => o.Id == back || o.Id == toSf).ToDictionaryAsync(o => o.Id);
            var estimates = await db.Set<OrderEstimate>().Where(e => e.OrderId == back || e.OrderId == toSf).ToDictionaryAsync(e => e.OrderId);
            Assert.Equal(("ZTO", zto.Services[0].Id, "cheapest", Zto(weights[back])), (orders[back].CarrierCode, orders[back].CarrierServiceId!.Value, orders[back].CarrierBy, estimates[back].Freight!.Value));
            Assert.Equal(("SF", "manual", Sf(weights[toSf])), (orders[toSf].CarrierCode, orders[toSf].CarrierBy, estimates[toSf].Freight!.Value));
        }

        // A cancelled order is skipped with the reason; an unknown carrier is refused before anything changes.
        var cancelled = light[^1];
        await Session.PostAsync<List<OrderChange>>("/api/v1/orders/cancel", new { orderIds = new[] { cancelled }, reason = "买家取消" });
        var skipped = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/set-carrier", new { orderIds = new[] { cancelled, back }, carrierCode = "SF" });
        Assert.Equal([(ChangeOutcome.Skipped, "order.carrier_locked"), (ChangeOutcome.Done, (string?)null)], skipped.Select(r => (r.Outcome, r.Code)));
        var unknown = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/set-carrier", new { orderIds = new[] { toSf }, carrierCode = "EMS" }, HttpStatusCode.BadRequest);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("carrierCode", out _));

        // A job sets ZTO on every audited order; those ZTO cannot take (over 3 kg) keep ZTO wanted with no freight.
        var job = await Session.PostAsync<OrderJobView>("/api/v1/orders/jobs", new { action = "SetCarrier", filter = new { status = "Audited" }, carrierCode = "ZTO" },
            HttpStatusCode.Accepted);
        Assert.Equal("ZTO", job.CarrierCode);
        var done = await Session.WithAsync<OrderJobs, OrderJobView>(j => j.RunAsync(job.Id, "node-a", TimeSpan.FromMinutes(5), null, CancellationToken.None));
        Assert.Equal((JobState.Finished, job.Total, 0), (done.State, done.Done, done.Failed));
        await using (var db = Session.OpenDb())
        {
            var audited = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).ToListAsync();
            var estimates = await db.Set<OrderEstimate>().ToDictionaryAsync(e => e.OrderId);
            Assert.All(audited, o => Assert.Equal(("ZTO", "manual"), (o.CarrierCode, o.CarrierBy)));
            Assert.All(audited, o => Assert.Equal(weights[o.Id] <= 3000 ? Zto(weights[o.Id]) : null, estimates[o.Id].Freight));
            Assert.Contains(audited, o => weights[o.Id] > 3000);
        }
    }
}

public sealed class CarrierChoiceTestsOnSqlite(SqliteApp app, Sandbox sandbox) : CarrierChoiceTests(app, sandbox);

public sealed class CarrierChoiceTestsOnPostgres(PostgresApp app, Sandbox sandbox) : CarrierChoiceTests(app, sandbox);
