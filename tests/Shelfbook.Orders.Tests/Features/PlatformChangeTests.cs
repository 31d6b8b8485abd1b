using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Verify;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Orders.Features.PlatformChanges;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>拦截 and the platforms' changes: a refund, a cancellation or a new address reaches the order wherever it is.</summary>
public abstract class PlatformChangeTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    /// <summary>Pending orders that resolved whole, each with the platform order (tid) it came from, oldest payment first.</summary>
    private async Task<List<(Order Order, string Tid)>> PendingAsync()
    {
        await using var db = Session.OpenDb();
        return (await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).OrderBy(o => o.PaidAt).ThenBy(o => o.OrderNo)
                .Join(db.Set<OrderSourceLink>(), o => o.Id, s => s.OrderId, (o, s) => new { o, s.PlatformOrderNo }).ToListAsync())
            .Select(x => (x.o, x.PlatformOrderNo)).ToList();
    }

    /// <summary>A warehouse with <paramref name="units"/> of each T-shirt SKU.</summary>
    private async Task StockAsync(string warehouseCode, int units)
    {
        var warehouse = await OrdersKit.WarehouseAsync(Session, warehouseCode);
        await using var db = Session.OpenDb();
        foreach (var sku in await db.Set<Shelfbook.Catalog.Domain.Sku>().Where(s => s.Code == "A-1" || s.Code == "B-2").Select(s => s.Id).ToListAsync())
            await OrdersKit.ReceiveAsync(Session, warehouse, sku, units);
    }

    private async Task<Order> OrderAsync(Guid id) => (await Session.GetAsync<OrderDetail>($"/api/v1/orders/{id}")).Order;

    private async Task<int> ReservedAsync(Guid orderId)
    {
        await using var db = Session.OpenDb();
        return await db.Set<StockReservation>().Where(r => r.OrderId == orderId).SumAsync(r => r.Quantity);
    }

    private async Task PullChangesAsync(Guid shop)
    {
        await Task.Delay(1100); // the sandbox keeps TOP's whole-second modified times
        Assert.True((await OrdersKit.SyncAsync(Session, shop)).Updated > 0);
    }

    [Fact]
    public async Task Refunds_cancellations_and_new_addresses_intercept_audited_orders_cancel_or_flag_pending_ones_and_are_acted_on_once()
    {
        var shop = await _kit.SyncedShopAsync(Session, 16, ["A-1", "B-2", "AB-SET"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        await StockAsync("PC-WH1", 1000);
        var pending = await PendingAsync();
        Assert.True(pending.Count >= 7, $"{pending.Count} pending orders");
        var (refundAudited, movedAudited, untouched, closedPending, refundPending, movedPending, withdrawn) =
            (pending[0], pending[1], pending[2], pending[3], pending[4], pending[5], pending[6]);
        var audit = await Session.PostAsync<AuditRun>("/api/v1/orders/audit",
            new { orderIds = new[] { refundAudited, movedAudited, untouched, withdrawn }.Select(p => p.Order.Id) });
        Assert.Equal(4, audit.Audited);
        Assert.True(await ReservedAsync(refundAudited.Order.Id) > 0);

        await _kit.ChangeTradeAsync(refundAudited.Tid, new { refundStatus = "WAIT_SELLER_AGREE" });
        await _kit.ChangeTradeAsync(movedAudited.Tid, new { receiverAddress = "文一西路 969 号" });
        await _kit.ChangeTradeAsync(closedPending.Tid, new { status = "TRADE_CLOSED" });
        await _kit.ChangeTradeAsync(refundPending.Tid, new { refundStatus = "WAIT_SELLER_AGREE" });
        await _kit.ChangeTradeAsync(movedPending.Tid, new { receiverAddress = "莫干山路 1 号" });
        await _kit.ChangeTradeAsync(withdrawn.Tid, new { refundStatus = "WAIT_SELLER_AGREE" });
        await PullChangesAsync(shop);
        var run = await Session.PostAsync<PlatformChangesRun>("/api/v1/orders/platform-changes", null);

        Assert.Equal((3, 1, 2), (run.Intercepted, run.Cancelled, run.Readdressed));
        var a = await OrderAsync(refundAudited.Order.Id);
        Assert.Equal((OrderStatus.Intercepted, OrderExceptions.RefundInProgress, "refund_requested", 0),
            (a.Status, a.Exceptions, a.HoldReason, await ReservedAsync(a.Id)));
        var b = await OrderAsync(movedAudited.Order.Id);
        Assert.Equal((OrderStatus.Intercepted, "address_changed", "文一西路 969 号", 0), (b.Status, b.HoldReason, b.Address, await ReservedAsync(b.Id)));
        Assert.Equal(OrderStatus.Audited, (await OrderAsync(untouched.Order.Id)).Status);
        Assert.True(await ReservedAsync(untouched.Order.Id) > 0);
        Assert.Equal(OrderStatus.Cancelled, (await OrderAsync(closedPending.Order.Id)).Status);
        var e = await OrderAsync(refundPending.Order.Id);
        Assert.Equal((OrderStatus.Exception, OrderExceptions.RefundInProgress), (e.Status, e.Exceptions));
        var f = await OrderAsync(movedPending.Order.Id);
        Assert.Equal((OrderStatus.PendingAudit, "莫干山路 1 号"), (f.Status, f.Address));
        Assert.Equal(OrderStatus.Intercepted, (await OrderAsync(withdrawn.Order.Id)).Status);
        var log = (await Session.GetAsync<OrderDetail>($"/api/v1/orders/{a.Id}")).Log;
        Assert.Equal(["intake", "audited", "intercepted", "flagged"], log.Select(l => l.Action));

        // Each change is acted on once: the next run finds nothing.
        Assert.Equal(0, (await Session.PostAsync<PlatformChangesRun>("/api/v1/orders/platform-changes", null)).Changes);

        // The buyer withdraws two refunds: the pending one goes back to audit, the intercepted one loses its flag and waits for a person.
        await _kit.ChangeTradeAsync(refundPending.Tid, new { refundStatus = "CLOSED" });
        await _kit.ChangeTradeAsync(withdrawn.Tid, new { refundStatus = "CLOSED" });
        await PullChangesAsync(shop);
        Assert.Equal(2, (await Session.PostAsync<PlatformChangesRun>("/api/v1/orders/platform-changes", null)).Cleared);
        Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None), ((await OrderAsync(refundPending.Order.Id)).Status, (await OrderAsync(refundPending.Order.Id)).Exceptions));
        Assert.Equal((OrderStatus.Intercepted, OrderExceptions.None), ((await OrderAsync(withdrawn.Order.Id)).Status, (await OrderAsync(withdrawn.Order.Id)).Exceptions));

        // 释放 sends an intercepted order back to audit (or to 异常 while the refund is open); 继续发货 lets it go on.
        var released = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/release", new { orderIds = new[] { withdrawn.Order.Id, a.Id } });
        Assert.All(released, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        var back = await OrderAsync(withdrawn.Order.Id);
        Assert.Equal((OrderStatus.PendingAudit, (Guid?)null, (string?)null), (back.Status, back.WarehouseId, back.HoldReason));
        Assert.Equal(OrderStatus.Exception, (await OrderAsync(a.Id)).Status);
        var accepted = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/accept-refunds", new { orderIds = new[] { a.Id, back.Id } });
        Assert.Equal([(ChangeOutcome.Done, (string?)null), (ChangeOutcome.Skipped, "order.no_refund")], accepted.Select(r => (r.Outcome, r.Code)));
        Assert.Equal(2, (await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { a.Id, back.Id } })).Audited);

        await using var check = Session.OpenDb();
        Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));
        Assert.Equal(await check.Set<StockReservation>().SumAsync(r => (long)r.Quantity), await check.Set<StockBalance>().SumAsync(b => b.Reserved));
    }

    [Fact]
    public async Task A_person_intercepts_audited_orders_with_a_reason_and_orders_not_past_audit_are_skipped_with_why()
    {
        await _kit.SyncedShopAsync(Session, 6, ["A-1", "B-2"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        await StockAsync("PC-WH2", 100);
        var pending = await PendingAsync();
        var (audited, waiting) = (pending[0].Order, pending[1].Order);
        Assert.Equal(1, (await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { audited.Id } })).Audited);

        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/intercept", new { orderIds = new[] { audited.Id }, reason = " " }, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(OrderStatus.Audited, (await OrderAsync(audited.Id)).Status);

        var results = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/intercept", new { orderIds = new[] { audited.Id, waiting.Id }, reason = "买家来电要求暂停" });
        Assert.Equal([(ChangeOutcome.Done, (string?)null), (ChangeOutcome.Skipped, "order.not_interceptable")], results.Select(r => (r.Outcome, r.Code)));
        var stopped = await OrderAsync(audited.Id);
        Assert.Equal((OrderStatus.Intercepted, "买家来电要求暂停", 0), (stopped.Status, stopped.HoldReason, await ReservedAsync(audited.Id)));
        Assert.Equal("order.illegal_transition",
            (await Session.PostAsync<List<OrderChange>>("/api/v1/orders/unaudit", new { orderIds = new[] { audited.Id } })).Single().Code);
        var cancelled = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/cancel", new { orderIds = new[] { audited.Id } });
        Assert.Equal(ChangeOutcome.Done, cancelled.Single().Outcome);
        Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));
    }

    [Fact]
    public async Task A_platform_order_cancelled_after_its_order_was_split_and_audited_intercepts_both_parts()
    {
        var shop = await _kit.SyncedShopAsync(Session, 12, ["A-1", "B-2"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        await StockAsync("PC-WH3", 1000);
        var (order, tid) = (await PendingAsync()).First(p => p.Order.Quantity >= 2);
        var line = (await Session.GetAsync<OrderDetail>($"/api/v1/orders/{order.Id}")).Lines.OrderByDescending(l => l.Quantity).First();
        var split = await Session.PostAsync<Shelfbook.Orders.Features.MergeSplit.RearrangeResult>($"/api/v1/orders/{order.Id}/split",
            new { lines = new[] { new { lineId = line.Id, quantity = line.Quantity >= 2 ? 1 : line.Quantity } } });
        var part = split.NewOrderId!.Value;
        Assert.Equal(2, (await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { order.Id, part } })).Audited);

        await _kit.ChangeTradeAsync(tid, new { status = "TRADE_CLOSED" });
        await PullChangesAsync(shop);
        var run = await Session.PostAsync<PlatformChangesRun>("/api/v1/orders/platform-changes", null);

        Assert.Equal(2, run.Intercepted);
        foreach (var id in new[] { order.Id, part })
        {
            var stopped = await OrderAsync(id);
            // Marked 退款中 too, so that releasing it by mistake sends it to 异常, not to audit.
            Assert.Equal((OrderStatus.Intercepted, "platform_cancelled", 0, OrderExceptions.RefundInProgress),
                (stopped.Status, stopped.HoldReason, await ReservedAsync(id), stopped.Exceptions));
        }
        // Cancelling an intercepted order is a person's call; its stock is already back.
        Assert.All(await Session.PostAsync<List<OrderChange>>("/api/v1/orders/cancel", new { orderIds = new[] { order.Id, part } }),
            r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));
    }
}

public sealed class PlatformChangeTestsOnSqlite(SqliteApp app, Sandbox sandbox) : PlatformChangeTests(app, sandbox);

public sealed class PlatformChangeTestsOnPostgres(PostgresApp app, Sandbox sandbox) : PlatformChangeTests(app, sandbox);
