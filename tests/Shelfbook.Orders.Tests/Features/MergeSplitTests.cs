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
using Shelfbook.Orders.Features.MergeSplit;
using Shelfbook.Kernel;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>合并 / 拆分: candidates found at intake, merged into the order paid first, split by lines and units; audit then reserves exactly the lines each has.</summary>
public abstract class MergeSplitTests(ShelfbookApp app) : TenantTest(app)
{
    private Guid _shop, _warehouse;
    private readonly DateTime _start = DateTime.UtcNow.AddHours(-2);
    private int _next;

    /// <summary>A-1 (19.90), B-2 (29.90) and the set AB-SET, a shop, and a warehouse with 100 of each.</summary>
    private async Task<Dictionary<string, Guid>> SetUpAsync()
    {
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products", new { name = "纯棉T恤", skus = new[] { new { code = "A-1" }, new { code = "B-2" } } }, HttpStatusCode.Created);
        await Session.PostAsync<JsonElement>("/api/v1/catalog/combos",
            new { name = "T恤两件套", code = "AB-SET", components = new[] { new { code = "A-1", quantity = 1 }, new { code = "B-2", quantity = 1 } } }, HttpStatusCode.Created);
        _shop = (await Session.PostAsync<JsonElement>("/api/v1/catalog/shops", new { platform = "Taobao", code = "MS1", name = "合并店" }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        _warehouse = await OrdersKit.WarehouseAsync(Session, "SH");
        await using var db = Session.OpenDb();
        var skus = await db.Set<Shelfbook.Catalog.Domain.Sku>().ToDictionaryAsync(s => s.Code, s => s.Id);
        await OrdersKit.ReceiveAsync(Session, _warehouse, skus["A-1"], 100);
        await OrdersKit.ReceiveAsync(Session, _warehouse, skus["B-2"], 100);
        return skus;
    }

    /// <summary>A paid platform order of <paramref name="buyer"/> to <paramref name="street"/> with the lines (code, units), each at 10.00 a unit.</summary>
    private async Task<string> PlatformOrderAsync(string buyer, string street, params (string Code, int Units)[] lines)
    {
        var n = ++_next;
        var paid = _start.AddMinutes(n);
        var order = new PlatformOrder
        {
            ShopId = _shop, Platform = ShopPlatform.Taobao, PlatformOrderId = $"MS{n:D4}", Status = PlatformOrderStatus.AwaitingShipment, PlatformStatus = "WAIT_SELLER_SEND_GOODS",
            PlacedAt = paid, PaidAt = paid, PlatformUpdatedAt = paid, BuyerNick = buyer, ReceiverName = "王小明", ReceiverPhone = "13800000000", Country = "CN",
            Province = "浙江省", City = "杭州市", District = "西湖区", Address = street, Currency = "CNY", RawPayload = "{}", FirstStoredAt = paid, StoredAt = paid,
            LineCount = lines.Length, GoodsAmount = lines.Sum(l => l.Units * 1000L), Paid = lines.Sum(l => l.Units * 1000L),
        };
        await using var db = Session.OpenDb();
        db.Add(order);
        db.AddRange(lines.Select((l, i) => new PlatformOrderLine
        {
            OrderId = order.Id, Position = i, PlatformLineId = $"{n}-{i}", SellerCode = l.Code, Title = l.Code, Quantity = l.Units, Price = 1000, Paid = l.Units * 1000L,
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

    private async Task<Dictionary<Guid, long>> ReservedAsync()
    {
        await using var db = Session.OpenDb();
        return await db.Set<StockBalance>().Where(b => b.WarehouseId == _warehouse).ToDictionaryAsync(b => b.SkuId, b => b.Reserved);
    }

    [Fact]
    public async Task Orders_of_one_buyer_at_one_address_are_flagged_merged_into_the_one_paid_first_and_the_merged_order_reserves_exactly_its_lines()
    {
        var skus = await SetUpAsync();
        var p1 = await PlatformOrderAsync("tb-wang", "文三路 1 号", ("A-1", 1));
        var p2 = await PlatformOrderAsync("tb-wang", "文三路 1 号", ("AB-SET", 1), ("B-2", 2));
        // Another address (and not the same goods, which would look like a duplicate): not a partner.
        var p3 = await PlatformOrderAsync("tb-wang", "文三路 99 号", ("A-1", 2));
        var p4 = await PlatformOrderAsync("tb-li", "文三路 1 号", ("B-2", 1));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var (o1, o2, o3, o4) = (await OrderOfAsync(p1), await OrderOfAsync(p2), await OrderOfAsync(p3), await OrderOfAsync(p4));
        Assert.All(new[] { o1, o2 }, o => Assert.Equal((OrderStatus.Exception, OrderExceptions.MergeCandidate), (o.Status, o.Exceptions)));
        Assert.All(new[] { o3, o4 }, o => Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None), (o.Status, o.Exceptions)));
        Assert.Equal([o1.OrderNo], (await Session.GetAsync<List<MergePartner>>($"/api/v1/orders/{o2.Id}/merge-partners")).Select(p => p.OrderNo));

        var merged = await Session.PostAsync<RearrangeResult>("/api/v1/orders/merge", new { orderIds = new[] { o2.Id, o1.Id } });
        Assert.Equal((o1.Id, o1.OrderNo, o2.OrderNo), (merged.OrderId, merged.OrderNo, merged.Others.Single()));
        await using (var db = Session.OpenDb())
        {
            var main = await db.Set<Order>().SingleAsync(o => o.Id == o1.Id);
            var gone = await db.Set<Order>().SingleAsync(o => o.Id == o2.Id);
            Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None, 3, 4, 4000L), (main.Status, main.Exceptions, main.LineCount, main.Quantity, main.Paid));
            Assert.Equal((OrderStatus.Merged, (Guid?)o1.Id), (gone.Status, gone.MergedInto));
            Assert.Equal([p1, p2], (await db.Set<OrderSourceLink>().Where(s => s.OrderId == o1.Id).Select(s => s.PlatformOrderNo).ToListAsync()).Order());
            Assert.Equal([0, 1, 2], await db.Set<OrderLine>().Where(l => l.OrderId == o1.Id).OrderBy(l => l.Position).Select(l => l.Position).ToListAsync());
            Assert.False(await db.Set<OrderItem>().AnyAsync(i => i.OrderId == o2.Id));
        }

        // Another order of the buyer to the same address arrives: it and the waiting merged order are both flagged.
        var p5 = await PlatformOrderAsync("tb-wang", "文三路 1 号", ("B-2", 1));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var (again, o5) = (await OrderOfAsync(p1), await OrderOfAsync(p5));
        Assert.All(new[] { again, o5 }, o => Assert.Equal((OrderStatus.Exception, OrderExceptions.MergeCandidate), (o.Status, o.Exceptions)));
        var dismissed = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/dismiss-merge", new { orderIds = new[] { o1.Id, o5.Id, o4.Id } });
        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.Done, ChangeOutcome.Skipped], dismissed.Select(r => r.Outcome));

        var run = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { o1.Id } });
        Assert.Equal(1, run.Audited);
        // 1 A-1, the set (1 A-1 + 1 B-2) and 2 B-2.
        var reserved = await ReservedAsync();
        Assert.Equal((2L, 3L), (reserved[skus["A-1"]], reserved[skus["B-2"]]));
    }

    [Fact]
    public async Task A_merge_job_merges_each_group_of_its_orders_across_chunks_and_skips_the_rest_with_the_reason()
    {
        var skus = await SetUpAsync();
        var (w1, l1, z1, c1, w4, c2) = (await PlatformOrderAsync("tb-wang", "文三路 1 号", ("A-1", 1)), await PlatformOrderAsync("tb-li", "文三路 1 号", ("A-1", 1)),
            await PlatformOrderAsync("tb-zhao", "文二路 5 号", ("A-1", 1)), await PlatformOrderAsync("tb-chen", "文一路 8 号", ("A-1", 1)),
            await PlatformOrderAsync("tb-wang", "文三路 99 号", ("A-1", 4)), await PlatformOrderAsync("tb-chen", "文一路 8 号", ("B-2", 2)));
        // Paid amounts differ, or the orders would look like duplicates (which a merge job leaves to a person).
        var (w2, w3, l2) = (await PlatformOrderAsync("tb-wang", "文三路 1 号", ("B-2", 2)), await PlatformOrderAsync("tb-wang", "文三路 1 号", ("AB-SET", 3)),
            await PlatformOrderAsync("tb-li", "文三路 1 号", ("B-2", 2)));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var numbers = new[] { w1, l1, z1, c1, w4, c2, w2, w3, l2 };
        var orders = new List<Order>();
        foreach (var n in numbers) orders.Add(await OrderOfAsync(n));
        await Session.PostAsync<List<OrderChange>>("/api/v1/orders/cancel", new { orderIds = new[] { orders[3].Id }, reason = "买家不要了" });

        // Chunks of 7 in the tests: wang's third order and li's second come after the first chunk, and are merged with it.
        var job = await Session.PostAsync<Shelfbook.Orders.Features.BatchJobs.OrderJobView>("/api/v1/orders/jobs", new { action = "Merge", orderIds = orders.Select(o => o.Id) },
            HttpStatusCode.Accepted);
        var done = await Session.WithAsync<Shelfbook.Orders.Features.BatchJobs.OrderJobs, Shelfbook.Orders.Features.BatchJobs.OrderJobView>(j => j.RunAsync(job.Id, "node-a", TimeSpan.FromMinutes(5), 1, CancellationToken.None));
        Assert.Equal((5, 4, 0, 9), (done.Done, done.Skipped, done.Failed, done.Processed));
        done = await Session.WithAsync<Shelfbook.Orders.Features.BatchJobs.OrderJobs, Shelfbook.Orders.Features.BatchJobs.OrderJobView>(j => j.RunAsync(job.Id, "node-a", TimeSpan.FromMinutes(5), null, CancellationToken.None));
        Assert.Equal(JobState.Finished, done.State);
        var items = await Session.GetAsync<Page<Shelfbook.Orders.Features.BatchJobs.OrderJobItemView>>($"/api/v1/orders/jobs/{job.Id}/items?limit=100");
        Assert.Equal(
            [(w1, ItemOutcome.Done, null), (l1, ItemOutcome.Done, null), (z1, ItemOutcome.Skipped, "order.no_merge_partner"), (c1, ItemOutcome.Skipped, "order.merge_not_pending"),
             (w4, ItemOutcome.Skipped, "order.no_merge_partner"), (c2, ItemOutcome.Skipped, "order.no_merge_partner"), (w2, ItemOutcome.Done, "order.merged_into"),
             (w3, ItemOutcome.Done, "order.merged_into"), (l2, ItemOutcome.Done, "order.merged_into")],
            items.Items.Select(i => (numbers[orders.FindIndex(o => o.Id == i.OrderId)], i.Outcome, i.Code)));
        await using (var db = Session.OpenDb())
        {
            var main = await db.Set<Order>().SingleAsync(o => o.Id == orders[0].Id);
            Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None, 3, 6), (main.Status, main.Exceptions, main.LineCount, main.Quantity));
            Assert.Equal([w1, w2, w3], (await db.Set<OrderSourceLink>().Where(s => s.OrderId == main.Id).Select(s => s.PlatformOrderNo).ToListAsync()).Order());
            Assert.Equal([OrderStatus.Merged, OrderStatus.Merged, OrderStatus.Merged],
                await db.Set<Order>().Where(o => o.Id == orders[6].Id || o.Id == orders[7].Id || o.Id == orders[8].Id).Select(o => o.Status).ToListAsync());
            Assert.Equal(orders[1].Id, (await db.Set<Order>().SingleAsync(o => o.Id == orders[8].Id)).MergedInto);
            Assert.Equal(2, await db.Set<Shelfbook.Data.Audit.AuditEntry>().CountAsync(e => e.Action == "batch_merge"));
        }

        var run = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { orders[0].Id } });
        Assert.Equal(1, run.Audited);
        // 1 A-1, 2 B-2 and three sets (3 A-1 + 3 B-2).
        var reserved = await ReservedAsync();
        Assert.Equal((4L, 5L), (reserved[skus["A-1"]], reserved[skus["B-2"]]));
    }

    [Fact]
    public async Task A_split_moves_whole_lines_or_some_units_with_their_share_of_items_and_amounts_and_both_orders_reserve_exactly_their_lines()
    {
        var skus = await SetUpAsync();
        var p1 = await PlatformOrderAsync("tb-zhao", "莫干山路 5 号", ("A-1", 3), ("AB-SET", 2));
        var p2 = await PlatformOrderAsync("tb-zhao", "莫干山路 5 号", ("B-2", 1));
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var merged = await Session.PostAsync<RearrangeResult>("/api/v1/orders/merge", new { orderIds = new[] { (await OrderOfAsync(p1)).Id, (await OrderOfAsync(p2)).Id } });
        List<OrderLine> lines;
        await using (var db = Session.OpenDb())
            lines = await db.Set<OrderLine>().Where(l => l.OrderId == merged.OrderId).OrderBy(l => l.Position).ToListAsync();
        Assert.Equal(["A-1", "AB-SET", "B-2"], lines.Select(l => l.SellerCode));

        var bad = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/orders/{merged.OrderId}/split",
            new { lines = new object[] { new { lineId = lines[0].Id, quantity = 0 }, new { lineId = Guid.NewGuid(), quantity = 1 }, new { lineId = lines[0].Id, quantity = 1 } } },
            HttpStatusCode.BadRequest);
        foreach (var field in new[] { "lines[0].quantity", "lines[1].lineId", "lines[2].lineId" }) Assert.True(bad.GetProperty("errors").TryGetProperty(field, out _), field);
        var all = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/orders/{merged.OrderId}/split",
            new { lines = lines.Select(l => new { lineId = l.Id, quantity = l.Quantity }) }, HttpStatusCode.BadRequest);
        Assert.True(all.GetProperty("errors").TryGetProperty("lines", out _));

        // One A-1 of three and the whole set line go; two A-1 and the B-2 stay.
        var split = await Session.PostAsync<RearrangeResult>($"/api/v1/orders/{merged.OrderId}/split",
            new { lines = new[] { new { lineId = lines[0].Id, quantity = 1 }, new { lineId = lines[1].Id, quantity = 2 } } });
        var partId = split.NewOrderId!.Value;
        await using (var db = Session.OpenDb())
        {
            var (parent, part) = (await db.Set<Order>().SingleAsync(o => o.Id == merged.OrderId), await db.Set<Order>().SingleAsync(o => o.Id == partId));
            Assert.Equal((3, 1000L + 2000L, 2, 3), (part.Quantity, part.Paid, part.LineCount, parent.Quantity));
            Assert.Equal((3000L, 2, 6000L), (parent.Paid, parent.LineCount, parent.Paid + part.Paid));
            Assert.Equal(((Guid?)parent.Id, OrderStatus.PendingAudit, parent.PlatformOrderNo), (part.SplitFrom, part.Status, part.PlatformOrderNo));
            var items = await db.Set<OrderItem>().Where(i => i.OrderId == parent.Id || i.OrderId == partId).ToListAsync();
            var allLines = await db.Set<OrderLine>().Where(l => l.OrderId == parent.Id || l.OrderId == partId).ToListAsync();
            Assert.All(allLines, l => Assert.Equal(l.Paid, items.Where(i => i.LineId == l.Id).Sum(i => i.Amount)));
            Assert.Equal((1, 2), (allLines.Single(l => l.OrderId == partId && l.SellerCode == "A-1").Quantity, allLines.Single(l => l.OrderId == parent.Id && l.SellerCode == "A-1").Quantity));
            Assert.Equal(4, items.Where(i => i.OrderId == partId && i.ComboSkuId != null).Sum(i => i.Quantity));
        }

        var run = await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { merged.OrderId, partId } });
        Assert.Equal(2, run.Audited);
        // Parent: 2 A-1 + 1 B-2; part: 1 A-1 + the set twice (2 A-1, 2 B-2).
        var reserved = await ReservedAsync();
        Assert.Equal((5L, 3L), (reserved[skus["A-1"]], reserved[skus["B-2"]]));
        // Audited now: neither may be split or merged any more.
        Guid partLine;
        await using (var db = Session.OpenDb())
            partLine = await db.Set<OrderLine>().Where(l => l.OrderId == partId && l.SellerCode == "A-1").Select(l => l.Id).SingleAsync();
        var refused = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/orders/{partId}/split", new { lines = new[] { new { lineId = partLine, quantity = 1 } } },
            HttpStatusCode.Conflict);
        Assert.Equal("order.split_not_pending", refused.GetProperty("code").GetString());
        var audited = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/merge", new { orderIds = new[] { merged.OrderId, partId } }, HttpStatusCode.Conflict);
        Assert.Equal("order.merge_not_pending", audited.GetProperty("code").GetString());
    }
}

public sealed class MergeSplitTestsOnSqlite(SqliteApp app) : MergeSplitTests(app);

public sealed class MergeSplitTestsOnPostgres(PostgresApp app) : MergeSplitTests(app);
