using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditRules;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>审核规则: rules are data; on arrival they hold, flag, fix the warehouse, tag and audit, in priority order.</summary>
public abstract class AuditRuleTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    private Task<RulesRun> ArrivedAsync() => Session.WithAsync<ApplyAuditRules, RulesRun>(a => a.ApplyArrivedAsync(ApplyAuditRules.Batch, CancellationToken.None));

    [Fact]
    public async Task On_arrival_big_orders_are_held_sets_go_to_their_warehouse_with_a_tag_and_the_rest_are_audited_automatically()
    {
        await _kit.SyncedShopAsync(Session, 50, ["A-1", "B-2", "AB-SET"]);
        Dictionary<string, Guid> skus;
        await using (var db = Session.OpenDb())
            skus = await db.Set<Shelfbook.Catalog.Domain.Sku>().ToDictionaryAsync(s => s.Code, s => s.Id);
        var (w1, w2) = (await OrdersKit.WarehouseAsync(Session, "A-WH1"), await OrdersKit.WarehouseAsync(Session, "B-WH2"));
        foreach (var w in new[] { w1, w2 })
        foreach (var code in new[] { "A-1", "B-2" })
            await OrdersKit.ReceiveAsync(Session, w, skus[code], 10_000);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        List<Order> arrived;
        await using (var db = Session.OpenDb())
            arrived = await db.Set<Order>().ToListAsync();
        var big = arrived.Select(o => o.Paid).Order().ElementAt(arrived.Count * 3 / 4);

        await Session.PostAsync<AuditRule>("/api/v1/orders/audit-rules", new { name = "大额订单", priority = 1, paidMin = big, holdReason = "大额需确认" }, HttpStatusCode.Created);
        await Session.PostAsync<AuditRule>("/api/v1/orders/audit-rules",
            new { name = "礼盒走二仓", priority = 2, skuCodes = new[] { "ab-set" }, warehouseId = w2, addTag = "礼盒" }, HttpStatusCode.Created);
        await Session.PostAsync<AuditRule>("/api/v1/orders/audit-rules", new { name = "其余自动审核", priority = 3, autoAudit = true }, HttpStatusCode.Created);

        var run = await ArrivedAsync();
        Assert.Equal(arrived.Count, run.Checked);
        Assert.Equal(0, (await ArrivedAsync()).Checked);

        await using var check = Session.OpenDb();
        var lines = (await check.Set<OrderLine>().ToListAsync()).ToLookup(l => l.OrderId);
        var after = await check.Set<Order>().ToDictionaryAsync(o => o.Id);
        Assert.All(after.Values, o => Assert.True(o.RulesChecked));
        foreach (var before in arrived)
        {
            var order = after[before.Id];
            var isSet = lines[before.Id].Any(l => l.SellerCode == "AB-SET");
            if (before.Status != OrderStatus.PendingAudit)
                Assert.NotEqual(OrderStatus.Audited, order.Status);
            else if (before.Paid >= big)
                Assert.Equal((OrderStatus.Held, "大额需确认"), (order.Status, order.HoldReason));
            else
                Assert.Equal((OrderStatus.Audited, isSet ? w2 : w1, isSet ? "audit_rule:礼盒走二仓" : "default"), (order.Status, order.WarehouseId!.Value, order.AllocatedBy));
            Assert.Equal(isSet && before.Status is OrderStatus.PendingAudit or OrderStatus.Exception, order.Tags.Contains("礼盒"));
        }
        Assert.Equal(run.AutoAudited, after.Values.Count(o => o.Status == OrderStatus.Audited));
        Assert.Contains(await check.Set<OrderLogEntry>().Where(e => e.Action == "rules").Select(e => e.Reason).ToListAsync(), r => r == "礼盒走二仓、其余自动审核");
    }

    [Fact]
    public async Task A_category_condition_matches_products_of_the_categories_below_it_and_a_brand_condition_its_brand()
    {
        var clothes = (await Session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/categories", new { name = "服装" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var tees = (await Session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/categories", new { name = "T恤", parentId = clothes }, HttpStatusCode.Created))
            .GetProperty("id").GetGuid();
        await Session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products",
            new { name = "纯棉T恤", brand = "棉田", categoryId = tees, skus = new[] { new { code = "TEE-1" } } }, HttpStatusCode.Created);
        await Session.PostAsync<System.Text.Json.JsonElement>("/api/v1/catalog/products", new { name = "马克杯", skus = new[] { new { code = "CUP-1" } } }, HttpStatusCode.Created);
        async Task<Guid> OrderAsync(string code) => (await Session.PostAsync<Shelfbook.Orders.Features.ManualOrders.ManualOrderCreated>("/api/v1/orders/manual", new
        {
            receiver = new { receiverName = "郑十一", province = "上海", city = "上海市", address = "南京路 1 号" }, lines = new[] { new { code, quantity = 1, price = 1000 } },
        }, HttpStatusCode.Created)).Id;
        var (tee, cup) = (await OrderAsync("TEE-1"), await OrderAsync("CUP-1"));
        await Session.PostAsync<AuditRule>("/api/v1/orders/audit-rules", new { name = "服装打标", categoryIds = new[] { clothes }, addTag = "服装" }, HttpStatusCode.Created);
        await Session.PostAsync<AuditRule>("/api/v1/orders/audit-rules", new { name = "品牌打标", brands = new[] { "棉田" }, addTag = "棉田" }, HttpStatusCode.Created);

        await ArrivedAsync();

        await using var db = Session.OpenDb();
        Assert.Equal(new[] { "服装", "棉田" }.Order(), (await db.Set<Order>().SingleAsync(o => o.Id == tee)).Tags.Order());
        Assert.Empty((await db.Set<Order>().SingleAsync(o => o.Id == cup)).Tags);
    }

    [Fact]
    public async Task A_rule_flags_orders_with_a_remark_and_a_person_clears_the_flag_after_looking()
    {
        await _kit.SyncedShopAsync(Session, 20, ["A-1", "B-2"], remarkShare: 0.5);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        await Session.PostAsync<AuditRule>("/api/v1/orders/audit-rules", new { name = "留言要看", hasRemark = true, flag = true, stop = true }, HttpStatusCode.Created);

        var run = await ArrivedAsync();
        List<Order> flagged;
        await using (var db = Session.OpenDb())
            flagged = await db.Set<Order>().Where(o => o.BuyerMessage != null).ToListAsync();
        Assert.Equal(flagged.Count, run.Flagged);
        Assert.All(flagged, o => Assert.True(o.Exceptions.HasFlag(OrderExceptions.RuleFlagged)));

        var cleared = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/clear-rule-flags", new { orderIds = flagged.Select(o => o.Id) });
        Assert.All(cleared, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        await using var check = Session.OpenDb();
        Assert.Equal(0, await check.Set<Order>().CountAsync(o => (o.Exceptions & OrderExceptions.RuleFlagged) != 0));
    }

    [Fact]
    public async Task A_rule_that_does_nothing_or_contradicts_itself_is_refused_field_by_field_and_without_rules_orders_are_only_marked()
    {
        var empty = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/audit-rules",
            new { name = "空规则", platforms = new[] { "Tmall", "Nowhere" }, paidMin = 500, paidMax = 100 }, HttpStatusCode.BadRequest);
        var errors = empty.GetProperty("errors");
        foreach (var field in new[] { "actions", "platforms", "paidMax" }) Assert.True(errors.TryGetProperty(field, out _), field);
        var both = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/audit-rules",
            new { name = "矛盾", holdReason = "看看", autoAudit = true, warehouseId = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        Assert.True(both.GetProperty("errors").TryGetProperty("autoAudit", out _));
        Assert.True(both.GetProperty("errors").TryGetProperty("warehouseId", out _));
        Assert.Empty(await Session.GetAsync<List<AuditRule>>("/api/v1/orders/audit-rules"));

        await _kit.SyncedShopAsync(Session, 8, ["A-1"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var run = await ArrivedAsync();
        Assert.Equal((0, 0), (run.Matched, run.AutoAudited));
        await using var db = Session.OpenDb();
        Assert.Equal(0, await db.Set<Order>().CountAsync(o => !o.RulesChecked || o.Status == OrderStatus.Audited));
    }
}

public sealed class AuditRuleTestsOnSqlite(SqliteApp app, Sandbox sandbox) : AuditRuleTests(app, sandbox);

public sealed class AuditRuleTestsOnPostgres(PostgresApp app, Sandbox sandbox) : AuditRuleTests(app, sandbox);
