using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Inventory.Domain;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Orders.Features.ManageAllocationRules;
using Shelfbook.Orders.Features.Presale;
using Shelfbook.Orders.Features.Settings;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>
/// What the order settings and the goods conditions of allocation rules change: allocation by SKU and category, 按仓拆单,
/// 金额异常 at intake and 自动合并.
/// </summary>
public abstract class OrderSettingsTests(ShelfbookApp app) : TenantTest(app)
{
    private Guid _shop;
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-2);
    private int _next;

    /// <summary>
    /// Shirts TEE-R and TEE-B (category T恤 under 服装, cost 20.00) and a mug MUG (no category, cost 15.00), and a shop.
    /// </summary>
    private async Task<(Dictionary<string, Guid> Skus, Guid Clothes)> SetUpAsync()
    {
        var clothes = (await Session.PostAsync<JsonElement>("/api/v1/catalog/categories", new { name = "服装" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var tees = (await Session.PostAsync<JsonElement>("/api/v1/catalog/categories", new { name = "T恤", parentId = clothes }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products",
            new { name = "T恤", categoryId = tees, skus = new[] { new { code = "TEE-R", costPrice = 2000 }, new { code = "TEE-B", costPrice = 2000 } } }, HttpStatusCode.Created);
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products", new { name = "马克杯", skus = new[] { new { code = "MUG", costPrice = 1500 } } }, HttpStatusCode.Created);
        _shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Taobao", code = "ST1", name = "设置店" }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await using var db = Session.OpenDb();
        return (await db.Set<Shelfbook.Catalog.Domain.Sku>().ToDictionaryAsync(s => s.Code, s => s.Id), clothes);
    }

    /// <summary>A paid platform order of <paramref name="buyer"/> with the lines (code, units, paid per unit in fen).</summary>
    private async Task<string> PlatformOrderAsync(string buyer, string currency, params (string Code, int Units, long Each)[] lines)
    {
        var n = ++_next;
        var paid = _start.AddMinutes(n);
        var order = new PlatformOrder
        {
            ShopId = _shop, Platform = ShopPlatform.Taobao, PlatformOrderId = $"ST{n:D4}", Status = PlatformOrderStatus.AwaitingShipment, PlatformStatus = "WAIT_SELLER_SEND_GOODS",
            PlacedAt = paid, PaidAt = paid, PlatformUpdatedAt = paid, BuyerNick = buyer, ReceiverName = "李雷", ReceiverPhone = "13900000000", Country = "CN",
            Province = "广东省", City = "广州市", District = "天河区", Address = "体育西路 1 号", Currency = currency, RawPayload = "{}", FirstStoredAt = paid, StoredAt = paid,
            LineCount = lines.Length, GoodsAmount = lines.Sum(l => l.Units * l.Each), Paid = lines.Sum(l => l.Units * l.Each),
        };
        await using var db = Session.OpenDb();
        db.Add(order);
        db.AddRange(lines.Select((l, i) => new PlatformOrderLine
        {
            OrderId = order.Id, Position = i, PlatformLineId = $"{n}-{i}", SellerCode = l.Code, Title = l.Code, Quantity = l.Units, Price = l.Each, Paid = l.Units * l.Each,
        }));
        await db.SaveChangesAsync();
        return order.PlatformOrderId;
    }

    private async Task<Order> OrderOfAsync(string platformOrderNo)
    {
        await using var db = Session.OpenDb();
        var id = await db.Set<OrderSourceLink>().Where(s => s.PlatformOrderNo == platformOrderNo).Select(s => s.OrderId).SingleAsync();
        return await db.Set<Order>().SingleAsync(o => o.Id == id);
    }

    private async Task<long> ReservedAsync(Guid warehouse, Guid sku)
    {
        await using var db = Session.OpenDb();
        return await db.Set<StockBalance>().Where(b => b.WarehouseId == warehouse && b.SkuId == sku).SumAsync(b => b.Reserved);
    }

    [Fact]
    public async Task Allocation_rules_send_orders_by_their_skus_and_categories_and_name_unknown_categories()
    {
        var (skus, clothes) = await SetUpAsync();
        var (north, south, mugs) = (await OrdersKit.WarehouseAsync(Session, "A-N"), await OrdersKit.WarehouseAsync(Session, "B-S"), await OrdersKit.WarehouseAsync(Session, "C-M"));
        foreach (var w in new[] { north, south, mugs })
            foreach (var sku in skus.Values) await OrdersKit.ReceiveAsync(Session, w, sku, 50);
        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/allocation-rules",
            new { name = "坏", warehouseIds = new[] { south }, categoryIds = new[] { Guid.NewGuid() }, skuCodes = new[] { new string('X', 65) } }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("categoryIds", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("skuCodes", out _));
        // Mugs ship from C-M; clothes (T恤 is under 服装) from B-S; the rest by code (A-N first).
        var mugRule = await Session.PostAsync<AllocationRuleView>("/api/v1/orders/allocation-rules",
            new { name = "杯子走杯仓", priority = 10, warehouseIds = new[] { mugs }, skuCodes = new[] { "mug" } }, HttpStatusCode.Created);
        Assert.Equal(["mug"], mugRule.SkuCodes);
        await Session.PostAsync<AllocationRuleView>("/api/v1/orders/allocation-rules",
            new { name = "服装走南仓", priority = 20, warehouseIds = new[] { south }, categoryIds = new[] { clothes } }, HttpStatusCode.Created);
        var (pMug, pTee) = (await PlatformOrderAsync("b1", "CNY", ("MUG", 1, 3000), ("TEE-R", 1, 5000)), await PlatformOrderAsync("b2", "CNY", ("TEE-B", 2, 5000)));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var (oMug, oTee) = (await OrderOfAsync(pMug), await OrderOfAsync(pTee));
        var run = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { oMug.Id, oTee.Id } });
        Assert.Equal(2, run.Audited);
        (oMug, oTee) = (await OrderOfAsync(pMug), await OrderOfAsync(pTee));
        Assert.Equal(((Guid?)mugs, "rule:杯子走杯仓"), (oMug.WarehouseId, oMug.AllocatedBy));
        Assert.Equal(((Guid?)south, "rule:服装走南仓"), (oTee.WarehouseId, oTee.AllocatedBy));
        Assert.Equal(2, await ReservedAsync(south, skus["TEE-B"]));
    }

    [Fact]
    public async Task Split_by_weight_cuts_a_heavy_order_into_parcels_within_the_limit_each_reserving_its_own_units()
    {
        var (skus, _) = await SetUpAsync();
        // A shirt weighs 400 g, a mug 1.5 kg (heavier than a parcel may be).
        await using (var catalog = Session.OpenDb())
            foreach (var (code, grams) in new[] { ("TEE-R", 400), ("MUG", 1500) })
                await catalog.Set<Shelfbook.Catalog.Domain.Sku>().Where(s => s.Id == skus[code]).ExecuteUpdateAsync(s => s.SetProperty(x => x.WeightGrams, grams));
        var warehouse = await OrdersKit.WarehouseAsync(Session, "W-A");
        foreach (var sku in skus.Values) await OrdersKit.ReceiveAsync(Session, warehouse, sku, 50);
        var heavy = await PlatformOrderAsync("w1", "CNY", ("TEE-R", 5, 5000), ("MUG", 2, 3000));
        var light = await PlatformOrderAsync("w2", "CNY", ("TEE-R", 2, 5000));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var (o1, o2) = (await OrderOfAsync(heavy), await OrderOfAsync(light));

        var bad = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/orders/settings", new { splitAboveGrams = 0 }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("splitAboveGrams", out _));
        Assert.Equal(1000, (await Session.PutAsync<OrderSettingsView>("/api/v1/orders/settings", new { splitAboveGrams = 1000 })).SplitAboveGrams);
        var run = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { o1.Id, o2.Id } });

        // 5 shirts and 2 mugs (5 kg) at 1 kg a parcel: 2 + 2 shirts, 1 shirt, a mug, a mug; the light order stays whole.
        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.Done], run.Results.Select(r => r.Outcome));
        Assert.Equal(2, run.Results.Count);
        Assert.Equal(6, run.Audited);
        await using var db = Session.OpenDb();
        var parcels = await db.Set<Order>().Where(o => o.Id == o1.Id || o.SplitFrom == o1.Id).ToListAsync();
        Assert.All(parcels, p => Assert.Equal(OrderStatus.Audited, p.Status));
        var ids = parcels.Select(p => p.Id).ToList();
        var items = await db.Set<OrderItem>().Where(i => ids.Contains(i.OrderId)).ToListAsync();
        var weight = items.GroupBy(i => i.OrderId).Select(g => g.Sum(i => i.Quantity * (i.SkuId == skus["MUG"] ? 1500 : 400))).Order().ToList();
        Assert.Equal([400, 800, 800, 1500, 1500], weight);
        Assert.Equal(o1.Paid, parcels.Sum(p => p.Paid));
        Assert.Equal((5L, 2L), (await ReservedAsync(warehouse, skus["TEE-R"]) - 2, await ReservedAsync(warehouse, skus["MUG"])));
        Assert.Equal(OrderStatus.Audited, (await db.Set<Order>().SingleAsync(o => o.Id == o2.Id)).Status);
        Assert.Equal(4, await db.Set<OrderLogEntry>().CountAsync(e => e.OrderId == o1.Id && e.Action == "split_by_weight"));
    }

    [Fact]
    public async Task Presale_skus_hold_their_orders_until_their_day_whole_or_split_off_and_due_holds_are_released()
    {
        var (skus, _) = await SetUpAsync();
        var warehouse = await OrdersKit.WarehouseAsync(Session, "W-A");
        foreach (var sku in skus.Values) await OrdersKit.ReceiveAsync(Session, warehouse, sku, 50);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone));
        DateTime Start(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue), zone);

        // Bad input is named by field and nothing is stored.
        var bad = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/orders/presale-skus", new { skuCode = "NOPE", shipFrom = today, note = new string('x', 201) }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "skuCode", "shipFrom", "note" }) Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        bad = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/orders/presale-skus", new { skuCode = "MUG" }, HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("shipFrom", out _));
        Assert.Empty(await Session.GetAsync<List<PresaleSkuView>>("/api/v1/orders/presale-skus"));

        var mug = await Session.PutAsync<PresaleSkuView>("/api/v1/orders/presale-skus", new { skuCode = "mug", shipFrom = today.AddDays(10), note = "十日后到货" });
        Assert.Equal(("MUG", today.AddDays(10), Start(today.AddDays(10)), true), (mug.SkuCode, mug.ShipFrom, mug.ShipFromUtc, mug.Active));
        var blue = await Session.PutAsync<PresaleSkuView>("/api/v1/orders/presale-skus", new { skuCode = "TEE-B", shipFrom = today.AddDays(3) });
        // Setting it again changes its day.
        blue = await Session.PutAsync<PresaleSkuView>("/api/v1/orders/presale-skus", new { skuCode = "TEE-B", shipFrom = today.AddDays(5) });
        Assert.Equal(2, (await Session.GetAsync<List<PresaleSkuView>>("/api/v1/orders/presale-skus")).Count);

        var mixed = await PlatformOrderAsync("p1", "CNY", ("TEE-R", 2, 5000), ("MUG", 1, 3000), ("TEE-B", 1, 4000));
        var onlyPresale = await PlatformOrderAsync("p2", "CNY", ("MUG", 1, 3000));
        var inStock = await PlatformOrderAsync("p3", "CNY", ("TEE-R", 1, 5000));
        var mixedToo = await PlatformOrderAsync("p4", "CNY", ("TEE-R", 1, 5000), ("MUG", 1, 3000));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var (o1, o2, o3, o4) = (await OrderOfAsync(mixed), await OrderOfAsync(onlyPresale), await OrderOfAsync(inStock), await OrderOfAsync(mixedToo));
        // The order page marks each presale line with its day, from arrival on; the line in stock has no mark.
        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{o1.Id}");
        Assert.Equal([("TEE-R", (DateTime?)null), ("MUG", Start(today.AddDays(10))), ("TEE-B", Start(today.AddDays(5)))],
            detail.Lines.Select(l => (l.SellerCode, detail.PresaleLines!.TryGetValue(l.Id, out var day) ? (DateTime?)day : null)));
        Assert.Empty((await Session.GetAsync<OrderDetail>($"/api/v1/orders/{o3.Id}")).PresaleLines!);

        // Off (the default): an order with presale goods waits whole for its latest day.
        var off = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { o4.Id, o3.Id } });
        Assert.Equal([(ChangeOutcome.Skipped, "order.presale_held"), (ChangeOutcome.Done, null)], off.Results.Select(r => (r.Outcome, r.Code)));
        await using (var db = Session.OpenDb())
        {
            var held = await db.Set<Order>().SingleAsync(o => o.Id == o4.Id);
            Assert.Equal((OrderStatus.Held, "presale", (DateTime?)Start(today.AddDays(10)), true, 2), (held.Status, held.HoldReason, held.HoldUntil, held.Presale, held.LineCount));
        }

        // On: the presale lines go into one order per day, each held until it; the rest is audited now.
        await Session.PutAsync<OrderSettingsView>("/api/v1/orders/settings", new { splitPresale = true });
        var on = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { o1.Id, o2.Id } });
        Assert.Equal([(ChangeOutcome.Done, null), (ChangeOutcome.Skipped, "order.presale_held")], on.Results.Select(r => (r.Outcome, r.Code)));
        Assert.Equal(1, on.Audited);
        Guid bluePart;
        await using (var db = Session.OpenDb())
        {
            var main = await db.Set<Order>().SingleAsync(o => o.Id == o1.Id);
            Assert.Equal((OrderStatus.Audited, 2, 10000L, false), (main.Status, main.Quantity, main.Paid, main.Presale));
            var parts = await db.Set<Order>().Where(o => o.SplitFrom == o1.Id).OrderBy(o => o.HoldUntil).ToListAsync();
            Assert.Equal([(OrderStatus.Held, "presale", (DateTime?)Start(today.AddDays(5)), 4000L), (OrderStatus.Held, "presale", Start(today.AddDays(10)), 3000L)],
                parts.Select(p => (p.Status, p.HoldReason, p.HoldUntil, p.Paid)));
            Assert.Equal(["TEE-B"], await db.Set<OrderLine>().Where(l => l.OrderId == parts[0].Id).Select(l => l.SellerCode!).ToListAsync());
            Assert.Equal(2, await db.Set<OrderLogEntry>().CountAsync(e => e.OrderId == o1.Id && e.Action == "split_presale"));
            Assert.Equal(OrderStatus.Held, (await db.Set<Order>().SingleAsync(o => o.Id == o2.Id)).Status);
            bluePart = parts[0].Id;
        }
        Assert.Equal((3L, 0L, 0L), (await ReservedAsync(warehouse, skus["TEE-R"]), await ReservedAsync(warehouse, skus["TEE-B"]), await ReservedAsync(warehouse, skus["MUG"])));

        // The blue shirts' day comes: the part is released by the intake round's due release and then audits like any order.
        await using (var db = Session.OpenDb())
        {
            var past = DateTime.UtcNow.AddMinutes(-1);
            await db.Set<PresaleSku>().Where(p => p.Id == blue.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ShipFrom, past));
            await db.Set<Order>().Where(o => o.Id == bluePart).ExecuteUpdateAsync(s => s.SetProperty(o => o.HoldUntil, past));
        }
        Assert.Equal(1, await Session.WithAsync<ChangeOrders, int>(c => c.ReleaseDueAsync(100, CancellationToken.None)));
        Assert.Equal(0, await Session.WithAsync<ChangeOrders, int>(c => c.ReleaseDueAsync(100, CancellationToken.None)));
        Assert.Equal([false, true], (await Session.GetAsync<List<PresaleSkuView>>("/api/v1/orders/presale-skus")).Select(p => p.Active));
        var released = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { bluePart } });
        Assert.Equal(1, released.Audited);
        Assert.Equal(1L, await ReservedAsync(warehouse, skus["TEE-B"]));
        await using (var db = Session.OpenDb())
            Assert.Contains(await db.Set<OrderLogEntry>().Where(e => e.OrderId == bluePart).Select(e => e.Reason).ToListAsync(), r => r == "hold_due");

        await TenantSession.Expect(await Session.Api.DeleteAsync($"/api/v1/orders/presale-skus/{mug.Id}"), HttpStatusCode.NoContent);
        Assert.Equal(["TEE-B"], (await Session.GetAsync<List<PresaleSkuView>>("/api/v1/orders/presale-skus")).Select(p => p.SkuCode));
    }

    [Fact]
    public async Task Split_by_warehouse_makes_one_order_per_warehouse_when_on_and_never_when_a_line_has_no_stock()
    {
        var (skus, _) = await SetUpAsync();
        var (a, b) = (await OrdersKit.WarehouseAsync(Session, "W-A"), await OrdersKit.WarehouseAsync(Session, "W-B"));
        await OrdersKit.ReceiveAsync(Session, a, skus["TEE-R"], 5);
        await OrdersKit.ReceiveAsync(Session, b, skus["TEE-B"], 5);
        await OrdersKit.ReceiveAsync(Session, b, skus["MUG"], 1);
        var p1 = await PlatformOrderAsync("s1", "CNY", ("TEE-R", 2, 5000), ("TEE-B", 1, 5000), ("MUG", 1, 3000));
        var p2 = await PlatformOrderAsync("s2", "CNY", ("TEE-R", 1, 5000), ("MUG", 3, 3000));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var (o1, o2) = (await OrderOfAsync(p1), await OrderOfAsync(p2));

        // Off (the default): neither warehouse has all of it.
        var off = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { o1.Id } });
        Assert.Equal((0, 1), (off.Audited, off.OutOfStock));

        var bad = await Session.ProblemAsync(HttpMethod.Put, "/api/v1/orders/settings",
            new { splitByWarehouse = true, anomalyBelowCostPercent = 0, anomalyAbove = -5, anomalyCurrency = "RMB1" }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "anomalyBelowCostPercent", "anomalyAbove", "anomalyCurrency" }) Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        Assert.False((await Session.GetAsync<OrderSettingsView>("/api/v1/orders/settings")).SplitByWarehouse);
        await Session.PutAsync<OrderSettingsView>("/api/v1/orders/settings", new { splitByWarehouse = true });

        // On: W-A takes the two TEE-R, W-B the TEE-B and the mug; the second order's three mugs fit nowhere, so it stays whole.
        var on = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { o1.Id, o2.Id } });
        Assert.Equal((2, 1), (on.Audited, on.OutOfStock));
        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.Skipped], on.Results.Select(r => r.Outcome));
        await using (var db = Session.OpenDb())
        {
            var main = await db.Set<Order>().SingleAsync(o => o.Id == o1.Id);
            var part = await db.Set<Order>().SingleAsync(o => o.SplitFrom == o1.Id);
            Assert.Equal((OrderStatus.Audited, (Guid?)a, "split:default", 2, 10000L), (main.Status, main.WarehouseId, main.AllocatedBy, main.Quantity, main.Paid));
            Assert.Equal((OrderStatus.Audited, (Guid?)b, 2, 8000L, main.PlatformOrderNo), (part.Status, part.WarehouseId, part.Quantity, part.Paid, part.PlatformOrderNo));
            Assert.Equal(["MUG", "TEE-B"], (await db.Set<OrderLine>().Where(l => l.OrderId == part.Id).Select(l => l.SellerCode!).ToListAsync()).Order());
            Assert.Contains(await db.Set<OrderLogEntry>().Where(e => e.OrderId == o1.Id).Select(e => e.Action).ToListAsync(), x => x == "split_by_warehouse");
            var left = await db.Set<Order>().SingleAsync(o => o.Id == o2.Id);
            Assert.Equal((OrderStatus.Exception, OrderExceptions.OutOfStock, 2), (left.Status, left.Exceptions, left.LineCount));
            Assert.False(await db.Set<Order>().AnyAsync(o => o.SplitFrom == o2.Id));
        }
        Assert.Equal((2L, 1L, 1L), (await ReservedAsync(a, skus["TEE-R"]), await ReservedAsync(b, skus["TEE-B"]), await ReservedAsync(b, skus["MUG"])));
    }

    [Fact]
    public async Task Amounts_below_cost_or_above_the_ceiling_are_flagged_at_intake_in_the_settings_currency_until_a_person_accepts_them()
    {
        var (skus, _) = await SetUpAsync();
        var w = await OrdersKit.WarehouseAsync(Session, "AM");
        await OrdersKit.ReceiveAsync(Session, w, skus["TEE-R"], 100);
        await Session.PutAsync<OrderSettingsView>("/api/v1/orders/settings", new { anomalyBelowCostPercent = 100, anomalyAbove = 50_000 });
        var cheap = await PlatformOrderAsync("c1", "CNY", ("TEE-R", 2, 1500));   // 30.00 for goods that cost 40.00
        var fair = await PlatformOrderAsync("c2", "CNY", ("TEE-R", 2, 2500));    // 50.00
        var dear = await PlatformOrderAsync("c3", "CNY", ("TEE-R", 20, 3000));   // 600.00, above 500.00
        var dollars = await PlatformOrderAsync("c4", "USD", ("TEE-R", 1, 100));  // another currency: not judged
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var (oCheap, oFair, oDear, oUsd) = (await OrderOfAsync(cheap), await OrderOfAsync(fair), await OrderOfAsync(dear), await OrderOfAsync(dollars));
        Assert.All(new[] { oCheap, oDear }, o => Assert.Equal((OrderStatus.Exception, OrderExceptions.AmountAnomaly), (o.Status, o.Exceptions)));
        Assert.All(new[] { oFair, oUsd }, o => Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None), (o.Status, o.Exceptions)));

        var audit = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { oCheap.Id } });
        Assert.Equal("order.not_auditable", audit.Results.Single().Code);
        var accepted = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/accept-amounts", new { orderIds = new[] { oCheap.Id, oFair.Id } });
        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.Skipped], accepted.Select(r => r.Outcome));
        Assert.Equal("order.no_amount_anomaly", accepted[1].Code);
        Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None), ((await OrderOfAsync(cheap)).Status, (await OrderOfAsync(cheap)).Exceptions));
        Assert.Equal(1, (await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { oCheap.Id } })).Audited);

        // Checks turned off: a cheap order arrives as any other.
        var settings = await Session.PutAsync<OrderSettingsView>("/api/v1/orders/settings", new { });
        Assert.Equal((null, null, "CNY"), (settings.AnomalyBelowCostPercent, settings.AnomalyAbove, settings.AnomalyCurrency));
        var later = await PlatformOrderAsync("c5", "CNY", ("TEE-R", 1, 100));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        Assert.Equal(OrderExceptions.None, (await OrderOfAsync(later)).Exceptions);
    }

    [Fact]
    public async Task Auto_merge_folds_a_buyers_orders_to_one_address_into_the_one_paid_first_at_intake()
    {
        await SetUpAsync();
        await Session.PutAsync<OrderSettingsView>("/api/v1/orders/settings", new { autoMerge = true });
        var p1 = await PlatformOrderAsync("m1", "CNY", ("TEE-R", 1, 5000));
        var p2 = await PlatformOrderAsync("m1", "CNY", ("MUG", 1, 3000));
        var p3 = await PlatformOrderAsync("m2", "CNY", ("MUG", 2, 3000));
        var run = await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        Assert.Equal((3, 1), (run.TakenIn, run.Merged));
        var (o1, o2, o3) = (await OrderOfAsync(p1), await OrderOfAsync(p2), await OrderOfAsync(p3));
        Assert.Equal((o1.Id, OrderStatus.PendingAudit, OrderExceptions.None, 2, 8000L), (o2.Id, o1.Status, o1.Exceptions, o1.Quantity, o1.Paid));
        Assert.Equal(OrderStatus.PendingAudit, o3.Status);
        await using var db = Session.OpenDb();
        var merged = await db.Set<Order>().SingleAsync(o => o.MergedInto == o1.Id);
        Assert.Equal(OrderStatus.Merged, merged.Status);
        Assert.Contains(await db.Set<Shelfbook.Data.Audit.AuditEntry>().Where(e => e.EntityId == o1.OrderNo).Select(e => e.Action).ToListAsync(), a => a == "auto_merge");
    }
}

public sealed class OrderSettingsTestsOnSqlite(SqliteApp app) : OrderSettingsTests(app);

public sealed class OrderSettingsTestsOnPostgres(PostgresApp app) : OrderSettingsTests(app);
