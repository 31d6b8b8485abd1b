using System.Net;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.TestKit;

namespace Shelfbook.Fulfillment.Tests.Features;

/// <summary>批量发货任务: a batch shipped in the background chunk by chunk, its progress exact, resumed after a stop, nothing shipped twice.</summary>
public abstract class ShipJobTests(ShelfbookApp app, Sandbox sandbox) : TenantTest(app)
{
    private readonly OrdersKit _kit = new(sandbox);

    [Fact]
    public async Task A_batch_ships_chunk_by_chunk_resumes_after_a_stop_and_names_what_it_skipped()
    {
        var (_, _, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 8);
        Assert.True(audited.Count >= 4, $"{audited.Count} audited");
        var rows = audited.Select((o, i) => new { orderNo = o.OrderNo, trackingNo = $"SF66{i:D8}", carrierCode = "SF" })
            .Append(new { orderNo = "NO-SUCH-ORDER", trackingNo = "SF6699999999", carrierCode = "SF" }).ToList();

        // Malformed rows refuse the job before anything is stored; modes with a station are not batched.
        var bad = await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/ship-jobs",
            new { mode = "Simple", rows = new[] { new { orderNo = audited[0].OrderNo, trackingNo = "" } } }, HttpStatusCode.BadRequest);
        Assert.Equal("required", bad.GetProperty("codes").GetProperty("rows[0].trackingNo")[0].GetString());
        Assert.Equal("not_batched", (await Session.ProblemAsync(HttpMethod.Post, "/api/v1/fulfillment/ship-jobs",
            new { mode = "WeighShip", rows = new[] { new { orderNo = audited[0].OrderNo, trackingNo = "SF1" } } }, HttpStatusCode.BadRequest))
            .GetProperty("codes").GetProperty("mode")[0].GetString());

        var job = await Session.PostAsync<ShipJobView>("/api/v1/fulfillment/ship-jobs", new { mode = "Simple", rows }, HttpStatusCode.Accepted);
        Assert.Equal((ShipJobState.Queued, rows.Count, 0), (job.State, job.Total, job.Done));

        // One chunk (two rows here), then the node stops: progress says so, and those two have shipped.
        var first = await Session.WithAsync<ShipJobs, ShipJobView>(j => j.RunAsync(job.Id, "node-a", TimeSpan.FromMinutes(1), 1, default));
        Assert.Equal((ShipJobState.Running, 2, 2), (first.State, first.Shipped, first.Done));
        var progress = await Session.GetAsync<ShipJobView>($"/api/v1/fulfillment/ship-jobs/{job.Id}");
        Assert.Equal(2, progress.Shipped);
        await using (var db = Session.OpenDb())
            Assert.Equal(2, await db.Set<Order>().CountAsync(o => o.Status == OrderStatus.Shipped));

        // Another node takes it up (the first let go) and finishes it from the first pending row.
        Assert.Contains(await Session.WithAsync<ShipJobs, IReadOnlyList<(Guid, string)>>(j => j.RunnableAsync(default)), r => r.Item1 == job.Id);
        var done = await Session.WithAsync<ShipJobs, ShipJobView>(j => j.RunAsync(job.Id, "node-b", TimeSpan.FromMinutes(1), null, default));
        Assert.Equal((ShipJobState.Finished, audited.Count, 1, 0), (done.State, done.Shipped, done.Skipped, done.Failed));
        var skipped = await Session.GetAsync<Page<ShipJobRowView>>($"/api/v1/fulfillment/ship-jobs/{job.Id}/rows?outcome=Skipped");
        Assert.Equal([(rows.Count, "NO-SUCH-ORDER", "order.not_found")], skipped.Items.Select(r => (r.Row, r.OrderNo, r.Code)));
        await using (var db = Session.OpenDb())
        {
            Assert.Equal(audited.Count, await db.Set<Order>().CountAsync(o => o.Status == OrderStatus.Shipped));
            Assert.Equal(audited.Count, await db.Set<Parcel>().CountAsync());
            Assert.Equal(audited.Count, await db.Set<ShipmentConfirmation>().CountAsync());
        }

        // Finished: nothing runs again, it cannot be cancelled, and a second job of the same rows ships nothing twice.
        Assert.DoesNotContain(await Session.WithAsync<ShipJobs, IReadOnlyList<(Guid, string)>>(j => j.RunnableAsync(default)), r => r.Item1 == job.Id);
        await Session.ProblemAsync(HttpMethod.Post, $"/api/v1/fulfillment/ship-jobs/{job.Id}/cancel", null, HttpStatusCode.Conflict);
        var again = await Session.PostAsync<ShipJobView>("/api/v1/fulfillment/ship-jobs", new { mode = "Simple", rows }, HttpStatusCode.Accepted);
        var second = await Session.WithAsync<ShipJobs, ShipJobView>(j => j.RunAsync(again.Id, "node-a", TimeSpan.FromMinutes(1), null, default));
        Assert.Equal((0, rows.Count), (second.Shipped, second.Skipped));
    }

    [Fact]
    public async Task A_cancelled_job_ships_nothing_more()
    {
        var (_, _, audited) = await FulfillmentKit.AuditedAsync(Session, _kit, 6);
        var job = await Session.PostAsync<ShipJobView>("/api/v1/fulfillment/ship-jobs", new { mode = "OneClick", orderIds = audited.Select(o => o.Id) }, HttpStatusCode.Accepted);
        await Session.WithAsync<ShipJobs, ShipJobView>(j => j.RunAsync(job.Id, "node-a", TimeSpan.FromMinutes(1), 1, default));
        var cancelled = await Session.PostAsync<ShipJobView>($"/api/v1/fulfillment/ship-jobs/{job.Id}/cancel", null);
        Assert.Equal(ShipJobState.Cancelled, cancelled.State);
        var after = await Session.WithAsync<ShipJobs, ShipJobView>(j => j.RunAsync(job.Id, "node-a", TimeSpan.FromMinutes(1), null, default));
        Assert.Equal((ShipJobState.Cancelled, 2), (after.State, after.Shipped));
        await using var db = Session.OpenDb();
        Assert.Equal(2, await db.Set<Order>().CountAsync(o => o.Status == OrderStatus.Shipped));
        await Session.ProblemAsync(HttpMethod.Get, $"/api/v1/fulfillment/ship-jobs/{Guid.NewGuid()}", null, HttpStatusCode.NotFound);
    }
}

public sealed class ShipJobTestsOnSqlite(SqliteApp app, Sandbox sandbox) : ShipJobTests(app, sandbox);

public sealed class ShipJobTestsOnPostgres(PostgresApp app, Sandbox sandbox) : ShipJobTests(app, sandbox);
