using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Orders.Features.ResolveExceptions;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>异常处理: the exception queues are left by putting the order right — the address, the remark, the SKU mapping.</summary>
public abstract class ExceptionTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    [Fact]
    public async Task An_incomplete_address_is_completed_field_by_field_and_the_order_goes_back_to_pending_audit()
    {
        await _kit.SyncedShopAsync(Session, 6, ["A-1", "B-2"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        Order order;
        await using (var db = Session.OpenDb())
        {
            // The platform sent no street and no city for this one.
            order = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).OrderBy(o => o.OrderNo).FirstAsync();
            await db.Set<Order>().Where(o => o.Id == order.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Address, (string?)null).SetProperty(o => o.City, (string?)null)
                .SetProperty(o => o.Status, OrderStatus.Exception).SetProperty(o => o.Exceptions, OrderExceptions.AddressIncomplete));
        }

        var problem = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/orders/{order.Id}/address",
            new { receiverName = " ", country = "Zhejiang", province = "浙江省" }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "receiverName", "country", "city", "address" }) Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.Equal(OrderStatus.Exception, (await Session.GetAsync<OrderDetail>($"/api/v1/orders/{order.Id}")).Order.Status);

        // A province that is none is named; short names are taken and saved whole.
        var unknown = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/orders/{order.Id}/address",
            new { receiverName = "王小二", province = "火星", city = "杭州市", address = "文三路 100 号" }, HttpStatusCode.BadRequest);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("province", out _));
        using var saved = await Session.Api.PutAsJsonAsync(new Uri($"/api/v1/orders/{order.Id}/address", UriKind.Relative),
            new { receiverName = "王小二", receiverPhone = "13800000000", province = "浙江", city = "杭州", district = "西湖区", address = "文三路 100 号" });
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        var detail = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{order.Id}");
        Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None, "CN", "浙江省", "杭州市", "文三路 100 号"),
            (detail.Order.Status, detail.Order.Exceptions, detail.Order.Country, detail.Order.Province, detail.Order.City, detail.Order.Address));
        Assert.Equal(["intake", "address_changed", "cleared"], detail.Log.Select(e => e.Action));

        // Once audited, the address is fixed until the order is unaudited (its warehouse was chosen by it).
        var warehouse = await OrdersKit.WarehouseAsync(Session, "A-WH1");
        await using (var db = Session.OpenDb())
            foreach (var sku in await db.Set<Shelfbook.Catalog.Domain.Sku>().Where(s => s.Code == "A-1" || s.Code == "B-2").Select(s => s.Id).ToListAsync())
                await OrdersKit.ReceiveAsync(Session, warehouse, sku, 100);
        Assert.Equal(1, (await Session.PostAsync<AuditRun>("/api/v1/orders/audit", new { orderIds = new[] { order.Id } })).Audited);
        var locked = await Session.ProblemAsync(HttpMethod.Put, $"/api/v1/orders/{order.Id}/address",
            new { receiverName = "王小二", province = "浙江省", city = "宁波市", address = "中山路 1 号" }, HttpStatusCode.Conflict);
        Assert.Equal("order.address_locked", locked.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Accepting_remarks_releases_orders_with_nothing_else_wrong_and_keeps_a_refund_in_the_queue()
    {
        await _kit.SyncedShopAsync(Session, 30, ["A-1", "B-2"], remarkShare: 1.0, refundShare: 0.3);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        List<Order> orders;
        await using (var db = Session.OpenDb())
            orders = await db.Set<Order>().ToListAsync();

        var results = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/accept-remarks", new { orderIds = orders.Select(o => o.Id) });
        Assert.All(results, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        var again = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/accept-remarks", new { orderIds = orders.Take(2).Select(o => o.Id) });
        Assert.All(again, r => Assert.Equal(("order.no_remark", ChangeOutcome.Skipped), (r.Code, r.Outcome)));

        await using var check = Session.OpenDb();
        var after = await check.Set<Order>().ToDictionaryAsync(o => o.Id);
        foreach (var order in orders)
        {
            var left = order.Exceptions & ~OrderExceptions.RemarkToRead;
            Assert.Equal(left, after[order.Id].Exceptions);
            Assert.Equal(left == OrderExceptions.None ? OrderStatus.PendingAudit : OrderStatus.Exception, after[order.Id].Status);
        }
        Assert.Contains(after.Values, o => o.Exceptions == OrderExceptions.RefundInProgress);
    }

    [Fact]
    public async Task The_same_buyer_ordering_the_same_again_is_suspected_a_duplicate_until_a_person_says_it_is_not()
    {
        await _kit.SyncedShopAsync(Session, 6, ["A-1", "B-2"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        // The platform sends the same order again under a new number (a buyer paying twice, a re-created order).
        await using (var db = Session.OpenDb())
        {
            var original = await db.Set<Shelfbook.Channels.Domain.PlatformOrder>().AsNoTracking()
                .Where(o => o.Status == Shelfbook.Channels.Domain.PlatformOrderStatus.AwaitingShipment).OrderBy(o => o.PlatformOrderId).FirstAsync();
            var lines = await db.Set<Shelfbook.Channels.Domain.PlatformOrderLine>().AsNoTracking().Where(l => l.OrderId == original.Id).ToListAsync();
            var again = original;
            (again.Id, again.PlatformOrderId) = (Guid.CreateVersion7(), original.PlatformOrderId + "9");
            foreach (var line in lines) (line.Id, line.OrderId) = (0, again.Id);
            db.Add(again);
            db.AddRange(lines);
            await db.SaveChangesAsync();
        }
        var second = await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        Assert.Equal(1, second.TakenIn);
        Order suspect;
        await using (var db = Session.OpenDb())
            suspect = await db.Set<Order>().SingleAsync(o => (o.Exceptions & OrderExceptions.DuplicateSuspect) != 0);
        Assert.EndsWith("9", suspect.PlatformOrderNo, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Exception, suspect.Status);

        var dismissed = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/dismiss-duplicates", new { orderIds = new[] { suspect.Id } });
        Assert.Equal(ChangeOutcome.Done, Assert.Single(dismissed).Outcome);
        var after = await Session.GetAsync<OrderDetail>($"/api/v1/orders/{suspect.Id}");
        Assert.Equal(suspect.Exceptions & ~OrderExceptions.DuplicateSuspect, after.Order.Exceptions);
    }

    [Fact]
    public async Task Once_the_catalog_knows_a_code_the_unmatched_orders_are_matched_again_with_their_items()
    {
        await _kit.SyncedShopAsync(Session, 40, ["A-1", "ZZ-9"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        List<Guid> unmatched;
        await using (var db = Session.OpenDb())
            unmatched = await db.Set<Order>().Where(o => o.Exceptions == OrderExceptions.SkuNotMapped).Select(o => o.Id).ToListAsync();
        Assert.NotEmpty(unmatched);

        var before = await Session.PostAsync<List<OrderChange>>("/api/v1/orders/re-resolve", new { orderIds = unmatched });
        Assert.All(before, r => Assert.Equal(("order.still_unmatched", ChangeOutcome.Skipped), (r.Code, r.Outcome)));

        // The seller adds the missing SKU; the intake round (here called as the worker calls it) matches them again.
        await Session.PostAsync<JsonElement>("/api/v1/catalog/products", new { name = "帆布包", skus = new[] { new { code = "ZZ-9" } } }, HttpStatusCode.Created);
        var matched = await Session.WithAsync<ResolveExceptions, int>(r => r.ReResolveWaitingAsync(1000, CancellationToken.None));

        await using var check = Session.OpenDb();
        var lines = await check.Set<OrderLine>().Where(l => unmatched.Contains(l.OrderId)).ToListAsync();
        var items = await check.Set<OrderItem>().Where(i => unmatched.Contains(i.OrderId)).ToListAsync();
        var orders = await check.Set<Order>().Where(o => unmatched.Contains(o.Id)).ToListAsync();
        // Orders whose only unknown code was ZZ-9 are whole now; one with an UNMAPPED-… code from the platform still waits.
        var whole = orders.Where(o => lines.Where(l => l.OrderId == o.Id).All(l => l.SellerCode is "A-1" or "ZZ-9")).ToList();
        Assert.Equal(whole.Count, matched);
        Assert.All(whole, o => Assert.Equal((OrderStatus.PendingAudit, OrderExceptions.None), (o.Status, o.Exceptions)));
        Assert.All(lines.Where(l => l.SellerCode == "ZZ-9"), l =>
        {
            Assert.Equal(("ZZ-9", (string?)null), (l.SkuCode, l.ResolutionCode));
            Assert.Equal(l.Quantity, items.Where(i => i.LineId == l.Id).Sum(i => i.Quantity));
            Assert.Equal(l.Paid, items.Where(i => i.LineId == l.Id).Sum(i => i.Amount));
        });
        Assert.All(orders.Except(whole), o => Assert.Equal(OrderExceptions.SkuNotMapped, o.Exceptions));
    }
}

public sealed class ExceptionTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ExceptionTests(app, sandbox);

public sealed class ExceptionTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ExceptionTests(app, sandbox);
