using System.Net;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Shelfbook.Data;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Verify;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.BatchJobs;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.TestKit;

namespace Shelfbook.Orders.Tests.Features;

/// <summary>批量处理: jobs over a filter or a selection, run chunk by chunk, stopped anywhere and resumed without doing anything twice.</summary>
public abstract class BatchJobTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    /// <summary>Taken-in orders of A-1, B-2 and the set, with plenty of both in one warehouse (and A-1 short if asked).</summary>
    private async Task<(Guid Shop, Guid Warehouse, Dictionary<string, Guid> Skus)> ShopWithStockAsync(int orders, int a1 = 10_000)
    {
        var shop = await _kit.SyncedShopAsync(Session, orders, ["A-1", "B-2", "AB-SET"]);
        await Session.PostAsync<IntakeRun>("/api/v1/orders/intake", null);
        Dictionary<string, Guid> skus;
        await using (var db = Session.OpenDb())
            skus = await db.Set<Shelfbook.Catalog.Domain.Sku>().ToDictionaryAsync(s => s.Code, s => s.Id);
        var warehouse = await OrdersKit.WarehouseAsync(Session, "A-WH1");
        await OrdersKit.ReceiveAsync(Session, warehouse, skus["B-2"], 10_000);
        if (a1 > 0) await OrdersKit.ReceiveAsync(Session, warehouse, skus["A-1"], a1);
        return (shop, warehouse, skus);
    }

    private Task<OrderJobView> RunAsync(Guid job, string node, int? maxChunks = null, CancellationToken ct = default) =>
        Session.WithAsync<OrderJobs, OrderJobView>(j => j.RunAsync(job, node, TimeSpan.FromMinutes(5), maxChunks, ct));

    /// <summary>Each order's audits and the stock it holds: exactly once each, and the book equal to the items.</summary>
    private async Task AssertAuditedOnceAsync()
    {
        await using var db = Session.OpenDb();
        var audits = await db.Set<OrderLogEntry>().Where(e => e.Action == "audited").GroupBy(e => e.OrderId).Select(g => g.Count()).ToListAsync();
        Assert.All(audits, n => Assert.Equal(1, n));
        var audited = await db.Set<Order>().Where(o => o.Status == OrderStatus.Audited).Select(o => o.Id).ToListAsync();
        Assert.Equal(audited.Count, audits.Count);
        var held = await db.Set<OrderItem>().Where(i => audited.Contains(i.OrderId)).SumAsync(i => (long)i.Quantity);
        Assert.Equal(held, await db.Set<StockBalance>().SumAsync(b => b.Reserved));
        Assert.Equal(held, await db.Set<StockReservation>().SumAsync(r => (long)r.Quantity));
        Assert.Empty(await Session.WithAsync<StockVerification, IReadOnlyList<StockDrift>>(v => v.RunAsync()));
    }

    [Fact]
    public async Task A_job_over_a_filter_audits_each_matching_order_once_and_records_a_result_per_order_that_exports()
    {
        var (shop, _, _) = await ShopWithStockAsync(40);
        await using (var db = Session.OpenDb())
        {
            // One order is held before the job runs: the job, made before, skips it with the reason.
            var first = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).OrderBy(o => o.PaidAt).FirstAsync();
            await Session.PostAsync<List<Shelfbook.Orders.Features.ChangeOrders.OrderChange>>("/api/v1/orders/hold", new { orderIds = new[] { first.Id }, reason = "等确认" });
        }
        var job = await Session.PostAsync<OrderJobView>("/api/v1/orders/jobs",
            new { action = "Audit", filter = new { status = "PendingAudit", shopId = shop } }, HttpStatusCode.Accepted);
        Assert.Equal((JobState.Queued, BatchAction.Audit), (job.State, job.Action));
        int pending;
        await using (var db = Session.OpenDb())
            pending = await db.Set<Order>().CountAsync(o => o.Status == OrderStatus.PendingAudit);
        Assert.Equal(pending, job.Total);

        var done = await RunAsync(job.Id, "node-a");
        Assert.Equal((JobState.Finished, job.Total, 0, 0), (done.State, done.Done, done.Skipped, done.Failed));
        await AssertAuditedOnceAsync();

        // The orders' results page by keyset and export as xlsx; a job over ticked orders records the skipped one's reason.
        var items = await Session.GetAsync<Page<OrderJobItemView>>($"/api/v1/orders/jobs/{job.Id}/items?outcome=Done&limit=500");
        Assert.Equal(job.Total, items.Items.Count);
        Assert.Equal(Enumerable.Range(0, job.Total), items.Items.Select(i => i.Seq));
        var ticked = await Session.PostAsync<OrderJobView>("/api/v1/orders/jobs", new { action = "Audit", orderIds = items.Items.Take(3).Select(i => i.OrderId) },
            HttpStatusCode.Accepted);
        var again = await RunAsync(ticked.Id, "node-a");
        Assert.Equal((3, 0), (again.Skipped, again.Done));
        var skipped = await Session.GetAsync<Page<OrderJobItemView>>($"/api/v1/orders/jobs/{ticked.Id}/items?outcome=Skipped");
        Assert.All(skipped.Items, i => Assert.Equal("order.not_auditable", i.Code));
        using var export = await Session.Api.GetAsync(new Uri($"/api/v1/orders/jobs/{ticked.Id}/items/export", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var rows = (await export.Content.ReadAsStreamAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(skipped.Items.Select(i => i.OrderNo), rows.Select(r => r["订单号"]?.ToString()));
        var list = await Session.GetAsync<Page<OrderJobView>>("/api/v1/orders/jobs");
        Assert.Equal([ticked.Id, job.Id], list.Items.Select(j => j.Id));
    }

    [Fact]
    public async Task A_job_stopped_anywhere_and_taken_over_by_another_worker_audits_no_order_twice_and_reserves_no_stock_twice()
    {
        // A-1 runs short, so orders compete for it and the order of the audits matters.
        await ShopWithStockAsync(150, a1: 50);
        var job = await Session.PostAsync<OrderJobView>("/api/v1/orders/jobs", new { action = "Audit", filter = new { status = "PendingAudit" } }, HttpStatusCode.Accepted);

        // The first worker dies after one chunk (the test kit's chunk is 7 orders): its lease stays until it runs out, and
        // meanwhile no other worker takes the job.
        var first = await RunAsync(job.Id, "node-a", maxChunks: 1);
        Assert.Equal(JobState.Running, first.State);
        Assert.Equal(7, first.Processed);
        await using (var db = Session.OpenDb())
            await db.Set<OrderJob>().Where(j => j.Id == job.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseOwner, "node-a").SetProperty(j => j.LeaseUntil, DateTime.UtcNow.AddMinutes(1)));
        var blocked = await RunAsync(job.Id, "node-b");
        Assert.Equal(7, blocked.Processed);

        // Then workers are killed mid-run, again and again (cancelled 1–8 ms after they start): a chunk's action and its results commit together or not at all.
        var kills = 0;
        for (var round = 0; round < 60; round++)
        {
            await using (var db = Session.OpenDb())
                await db.Set<OrderJob>().Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, DateTime.UtcNow.AddMinutes(-1)));
            using var kill = new CancellationTokenSource(TimeSpan.FromMilliseconds(1 + round % 8));
            try
            {
                if ((await RunAsync(job.Id, $"node-{round}", ct: kill.Token)).State == JobState.Finished) break;
            }
            catch (Exception e) when (DatabaseErrors.IsStop(e, kill.Token))
            {
                // Killed, perhaps while a database call was under way (SQLite then answers "interrupted").
                kills++;
            }
        }
        await using (var db = Session.OpenDb())
            await db.Set<OrderJob>().Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, DateTime.UtcNow.AddMinutes(-1)));
        var finished = await RunAsync(job.Id, "node-last");
        Assert.True(kills > 0, "no worker was killed mid-run");

        Assert.Equal((JobState.Finished, job.Total, 0), (finished.State, finished.Done + finished.Skipped, finished.Failed));
        await using (var db = Session.OpenDb())
        {
            Assert.Equal(0, await db.Set<OrderJobItem>().CountAsync(i => i.JobId == job.Id && i.Outcome == ItemOutcome.Pending));
            Assert.Equal(finished.Done, await db.Set<Order>().CountAsync(o => o.Status == OrderStatus.Audited));
            Assert.Equal(finished.Skipped, await db.Set<Order>().CountAsync(o => o.Exceptions == OrderExceptions.OutOfStock));
        }
        await AssertAuditedOnceAsync();
    }

    [Fact]
    public async Task Hold_and_cancel_jobs_need_their_inputs_and_a_stopped_job_leaves_the_rest_untouched()
    {
        await ShopWithStockAsync(30);
        var problem = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/jobs", new { action = "Hold", filter = new { status = "PendingAudit" } }, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        var nothing = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/jobs", new { action = "Explode" }, HttpStatusCode.BadRequest);
        Assert.True(nothing.GetProperty("errors").TryGetProperty("action", out _));
        Assert.True(nothing.GetProperty("errors").TryGetProperty("orderIds", out _));
        var none = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/orders/jobs", new { action = "Release", filter = new { status = "Held" } }, HttpStatusCode.BadRequest);
        Assert.True(none.GetProperty("errors").TryGetProperty("filter", out _));
        await using (var db = Session.OpenDb())
            Assert.Equal(0, await db.Set<OrderJob>().CountAsync());

        var hold = await Session.PostAsync<OrderJobView>("/api/v1/orders/jobs", new { action = "Hold", reason = "大促暂停发货", filter = new { status = "PendingAudit" } },
            HttpStatusCode.Accepted);
        await RunAsync(hold.Id, "node-a", maxChunks: 2);
        var stopped = await Session.PostAsync<OrderJobView>($"/api/v1/orders/jobs/{hold.Id}/cancel", null);
        Assert.Equal(JobState.Cancelled, stopped.State);
        var after = await RunAsync(hold.Id, "node-b");
        Assert.Equal((JobState.Cancelled, 14), (after.State, after.Processed));
        await using (var db = Session.OpenDb())
        {
            Assert.Equal(14, await db.Set<Order>().CountAsync(o => o.Status == OrderStatus.Held && o.HoldReason == "大促暂停发货"));
            Assert.Equal(hold.Total - 14, await db.Set<OrderJobItem>().CountAsync(i => i.JobId == hold.Id && i.Outcome == ItemOutcome.Pending));
        }
        var ended = await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/orders/jobs/{hold.Id}/cancel", null, HttpStatusCode.Conflict);
        Assert.Equal("order_job.ended", ended.GetProperty("code").GetString());
    }
}

public sealed class BatchJobTestsOnSqlite(SqliteApp app, Sandbox sandbox) : BatchJobTests(app, sandbox);

public sealed class BatchJobTestsOnPostgres(PostgresApp app, Sandbox sandbox) : BatchJobTests(app, sandbox);
