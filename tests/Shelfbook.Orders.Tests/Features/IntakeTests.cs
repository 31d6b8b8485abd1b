using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>订单接入 and the order's own moves, from platform orders a Taobao shop synced from the sandbox over real HTTP.</summary>
public abstract class IntakeTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    private Task<Guid> SyncedShopAsync(int count, double remarkShare = 0, double refundShare = 0) =>
        _kit.SyncedShopAsync(Session, count, ["A-1", "B-2", "AB-SET", "ZZ-9"], remarkShare, refundShare);

    [Fact]
    public async Task Paid_platform_orders_become_system_orders_once_with_their_lines_resolved_and_the_unmapped_ones_in_exception()
    {
        await SyncedShopAsync(60);

        var run = await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var again = await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);

        await using var db = Session.OpenDb();
        var paid = await db.Set<Shelfbook.Channels.Domain.PlatformOrder>().CountAsync(o => o.Status == Shelfbook.Channels.Domain.PlatformOrderStatus.AwaitingShipment);
        Assert.Equal((paid, false), (run.TakenIn, run.More));
        Assert.Equal(0, again.TakenIn);
        var orders = await db.Set<Order>().ToListAsync();
        Assert.Equal(paid, orders.Count);
        Assert.Equal(orders.Count, orders.Select(o => o.OrderNo).Distinct().Count());
        Assert.All(orders, o => Assert.Matches(@"^SO\d{6}\d{5,}$", o.OrderNo));
        var lines = await db.Set<OrderLine>().ToListAsync();
        var items = await db.Set<OrderItem>().ToListAsync();
        // Every line keeps the shop's code; a mapped one has its SKU and items, a combo its two components, an unknown one its reason.
        Assert.All(lines.Where(l => l.SellerCode is "A-1" or "B-2"), l => Assert.Equal(l.SellerCode, l.SkuCode));
        Assert.All(lines.Where(l => l.SellerCode == "AB-SET"), l => Assert.Equal(["A-1", "B-2"], items.Where(i => i.LineId == l.Id).Select(i => i.SkuCode).Order()));
        var unmapped = lines.Where(l => l.SellerCode == "ZZ-9" || l.SellerCode!.StartsWith("UNMAPPED", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(unmapped);
        Assert.Contains(lines, l => l.SellerCode == "AB-SET");
        Assert.All(unmapped, l => Assert.Equal(("unmapped", (Guid?)null), (l.ResolutionCode, l.SkuId)));
        var inException = orders.Where(o => lines.Any(l => l.OrderId == o.Id && l.ResolutionCode is not null)).ToList();
        Assert.NotEmpty(inException);
        Assert.All(inException, o => Assert.Equal((OrderStatus.Exception, OrderExceptions.SkuNotMapped), (o.Status, o.Exceptions)));
        Assert.All(orders.Except(inException), o => Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None), (o.Status, o.Exceptions)));
        // The amounts of each order's items add up to what was paid for its resolved lines.
        foreach (var line in lines.Where(l => l.ResolutionCode is null)) Assert.Equal(line.Paid, items.Where(i => i.LineId == line.Id).Sum(i => i.Amount));
        Assert.Equal(orders.Count, await db.Set<OrderLogEntry>().CountAsync(e => e.Action == "intake"));

        var counts = await Session.GetAsync<OrderCounts>("/api/v1/orders/counts");
        Assert.Equal(inException.Count, counts.ByStatus.GetValueOrDefault(OrderStatus.Exception));
        Assert.Equal(inException.Count, counts.ByException[OrderExceptions.SkuNotMapped]);
        var page = await Session.GetAsync<Page<OrderRow>>("/api/v1/orders?status=Exception&limit=500");
        Assert.Equal(inException.Select(o => o.OrderNo).Order(), page.Items.Select(r => r.OrderNo).Order());
        var found = await Session.GetAsync<Page<OrderRow>>($"/api/v1/orders?search={orders[0].PlatformOrderNo}");
        Assert.Equal(orders[0].OrderNo, Assert.Single(found.Items).OrderNo);
    }

    [Fact]
    public async Task Places_are_read_against_the_region_list_and_an_unknown_province_is_an_exception()
    {
        await SyncedShopAsync(6);
        List<Guid> ids;
        await using (var db = Session.OpenDb())
        {
            ids = await db.Set<Shelfbook.Channels.Domain.PlatformOrder>().Where(o => o.Status == Shelfbook.Channels.Domain.PlatformOrderStatus.AwaitingShipment)
                .OrderBy(o => o.PlatformOrderId).Select(o => o.Id).Take(3).ToListAsync();
            // Short names, a one-line address with no parts, and a province that is none.
            await db.Set<Shelfbook.Channels.Domain.PlatformOrder>().Where(o => o.Id == ids[0]).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Province, "浙江").SetProperty(o => o.City, "杭州").SetProperty(o => o.District, "西湖区").SetProperty(o => o.Address, "浙江省杭州市西湖区文三路 478 号"));
            await db.Set<Shelfbook.Channels.Domain.PlatformOrder>().Where(o => o.Id == ids[1]).ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Province, (string?)null).SetProperty(o => o.City, (string?)null).SetProperty(o => o.District, (string?)null)
                .SetProperty(o => o.Address, "广东省深圳市南山区科技园南区 9 号"));
            await db.Set<Shelfbook.Channels.Domain.PlatformOrder>().Where(o => o.Id == ids[2]).ExecuteUpdateAsync(s => s.SetProperty(o => o.Province, "火星省"));
        }

        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);

        await using var check = Session.OpenDb();
        var orders = await check.Set<OrderSourceLink>().Where(l => ids.Contains(l.PlatformOrderId))
            .Join(check.Set<Order>(), l => l.OrderId, o => o.Id, (l, o) => new { l.PlatformOrderId, o }).ToDictionaryAsync(x => x.PlatformOrderId, x => x.o);
        Assert.Equal(("浙江省", "杭州市", "西湖区", "文三路 478 号"), (orders[ids[0]].Province, orders[ids[0]].City, orders[ids[0]].District, orders[ids[0]].Address));
        Assert.Equal(("广东省", "深圳市", "南山区", "科技园南区 9 号"), (orders[ids[1]].Province, orders[ids[1]].City, orders[ids[1]].District, orders[ids[1]].Address));
        Assert.False(orders[ids[0]].Exceptions.HasFlag(OrderExceptions.AddressIncomplete));
        Assert.False(orders[ids[1]].Exceptions.HasFlag(OrderExceptions.AddressIncomplete));
        Assert.Equal("火星省", orders[ids[2]].Province);
        Assert.Equal((OrderStatus.Exception, true), (orders[ids[2]].Status, orders[ids[2]].Exceptions.HasFlag(OrderExceptions.AddressIncomplete)));
    }

    [Fact]
    public async Task Three_intakes_running_at_once_take_each_platform_order_in_exactly_once()
    {
        await SyncedShopAsync(80);

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Session.WithAsync<IntakeOrders, IntakeRun>(i => i.RunAsync(null, CancellationToken.None))));

        await using var db = Session.OpenDb();
        var paid = await db.Set<Shelfbook.Channels.Domain.PlatformOrder>().CountAsync(o => o.Status == Shelfbook.Channels.Domain.PlatformOrderStatus.AwaitingShipment);
        Assert.Equal(paid, runs.Sum(r => r.TakenIn));
        Assert.Equal(paid, await db.Set<Order>().CountAsync());
        Assert.Equal(paid, await db.Set<OrderSourceLink>().CountAsync());
        Assert.Equal(paid, await db.Set<OrderLogEntry>().CountAsync(e => e.Action == "intake"));
        Assert.False(runs.Last().More && runs.All(r => r.More));
    }

    [Fact]
    public async Task A_buyer_remark_and_a_refund_under_way_are_exceptions_and_the_list_pages_by_keyset()
    {
        await SyncedShopAsync(30, remarkShare: 1.0, refundShare: 0.3);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);

        await using var db = Session.OpenDb();
        var orders = await db.Set<Order>().ToListAsync();
        Assert.All(orders, o => Assert.True(o.Exceptions.HasFlag(OrderExceptions.RemarkToRead)));
        Assert.Contains(orders, o => o.Exceptions.HasFlag(OrderExceptions.RefundInProgress));

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await Session.GetAsync<Page<OrderRow>>($"/api/v1/orders?limit=7{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}");
            seen.AddRange(page.Items.Select(r => r.OrderNo));
            after = page.Next;
        }
        while (after is not null);
        Assert.Equal(orders.Select(o => o.OrderNo).OrderDescending(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Hold_release_and_cancel_move_an_order_as_its_status_allows_and_each_move_is_logged()
    {
        await SyncedShopAsync(12);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        var rows = (await Session.GetAsync<Page<OrderRow>>("/api/v1/orders?status=PendingAudit&limit=2")).Items;
        var (first, second) = (rows[0].Id, rows[1].Id);

        var held = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/hold", new { orderIds = new[] { first, second }, reason = "等买家确认颜色" });
        Assert.All(held, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        var heldAgain = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/hold", new { orderIds = new[] { first }, reason = "again" });
        Assert.Equal(("order.illegal_transition", ChangeOutcome.Skipped), (heldAgain[0].Code, heldAgain[0].Outcome));
        var noReason = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/hold", new { orderIds = new[] { first }, reason = " " }, HttpStatusCode.BadRequest);
        Assert.Contains("reason", noReason.ToString(), StringComparison.Ordinal);

        await Session.PostAsync<List<OrderChange>>("/api/v1/orders/release", new { orderIds = new[] { first } });
        var cancelled = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/cancel", new { orderIds = new[] { first, second, Guid.NewGuid() }, reason = "买家不要了" });
        Assert.Equal([ChangeOutcome.Done, ChangeOutcome.Done, ChangeOutcome.Skipped], cancelled.Select(c => c.Outcome));
        var releaseCancelled = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/release", new { orderIds = new[] { first } });
        Assert.Equal(ChangeOutcome.Skipped, releaseCancelled[0].Outcome);

        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{first}");
        Assert.Equal(OrderStatus.Cancelled, detail.Order.Status);
        Assert.Equal(["intake", "held", "released", "cancelled"], detail.Log.Select(e => e.Action));
        Assert.Equal([null, OrderStatus.PendingAudit, OrderStatus.Held, OrderStatus.PendingAudit], detail.Log.Select(e => e.From));
        Assert.Equal("等买家确认颜色", detail.Log[1].Reason);
        Assert.NotNull(detail.Log[1].UserName);
        await using var db = Session.OpenDb();
        Assert.Equal(5, await db.Set<Shelfbook.Data.Audit.AuditEntry>().CountAsync(a => a.Category == Shelfbook.Data.Audit.AuditCategory.Order));
    }
}

public sealed class IntakeTestsOnSqlite(SqliteApp app, Sandbox sandbox) : IntakeTests(app, sandbox);

public sealed class IntakeTestsOnPostgres(PostgresApp app, Sandbox sandbox) : IntakeTests(app, sandbox);
