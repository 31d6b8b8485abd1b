using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Shelfbook.Data;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.ListOrders;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.BatchJobs;

/// <summary>A batch job to make: the action, and either the ticked orders or a filter (all orders it matches now).</summary>
public sealed record JobRequest(
    string? Action, IReadOnlyList<Guid>? OrderIds, OrderFilter? Filter, string? Reason, DateTime? Until, string? CarrierCode = null, Guid? WarehouseId = null,
    string? FromSkuCode = null, string? ToSkuCode = null);

public sealed record OrderJobView(
    Guid Id, BatchAction Action, string? Reason, DateTime? Until, string? CarrierCode, string Selection, JobState State, int Total, int Done, int Skipped, int Failed, string? Error,
    string CreatedBy, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, Guid? WarehouseId = null, string? FromSkuCode = null, string? ToSkuCode = null)
{
    /// <summary>Orders with a result so far.</summary>
    public int Processed => Done + Skipped + Failed;
}

public sealed record OrderJobItemView(int Seq, Guid OrderId, string? OrderNo, ItemOutcome Outcome, string? Code, string? Message);

/// <summary>
/// 批量处理: batch jobs over up to <see cref="OrderJob.MaxOrders"/> orders. Making one fixes its orders (the ticked ones,
/// or what the filter matches at that moment, oldest payment first); a worker runs it a chunk at a time, each chunk's
/// action and its orders' results in one transaction, under a lease on the job, so a job stopped anywhere goes on from
/// its first order without a result and nothing is done twice. Every order ends done, skipped (with the reason) or
/// failed (with the error), and the results can be filtered and exported.
/// </summary>
public sealed class OrderJobs(
    TenantDbContext db, OrderQueries queries, AuditOrders.AuditOrders audit, ChangeOrders.ChangeOrders change, SetCarrier.SetCarrier carriers,
    EditGoods.EditGoods goods, MergeSplit.RearrangeOrders rearrange, CurrentUser user, IConfiguration configuration)
{
    /// <summary>
    /// How long a worker holds a job between chunks before another may take it over (<c>Orders:Jobs:LeaseSeconds</c>,
    /// 2 minutes by default): the wait after a node dies mid-job.
    /// </summary>
    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(5, configuration.GetValue("Orders:Jobs:LeaseSeconds", 120)));

    public async Task<OrderJobView> CreateAsync(JobRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var action = check.OneOf<BatchAction>("action", request.Action);
        if (action is null && request.Action is null) check.Add("action", "required", "Choose what to do.");
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (action == BatchAction.Hold && reason is null) check.Add("reason", "required", "A hold needs a reason.");
        if (reason is { Length: > 200 }) check.Add("reason", "too_long", "The reason is longer than 200 characters.", 200);
        if (request.Until is { } until && TenantTime.FromApi(until) <= db.Time.StoredUtcNow()) check.Add("until", "past", "The release time must lie in the future.");
        var carrier = action == BatchAction.SetCarrier ? await carriers.CheckCarrierAsync(check, request.CarrierCode, ct) : null;
        if (action == BatchAction.SetWarehouse) await goods.CheckWarehouseAsync(check, request.WarehouseId, ct);
        var (from, to) = action == BatchAction.ReplaceSku ? await goods.CheckSkusAsync(check, request.FromSkuCode, request.ToSkuCode, ct) : (null, null);
        if (request.OrderIds is null && request.Filter is null) check.Add("orderIds", "required", "Choose orders or a filter.");
        if (request.OrderIds is not null && request.Filter is not null) check.Add("filter", "both", "Give the orders or a filter, not both.");
        if (request.OrderIds is { Count: > OrderJob.MaxOrders }) check.Add("orderIds", "too_many", $"At most {OrderJob.MaxOrders} orders in one job.", OrderJob.MaxOrders);
        check.ThrowIfAny();

        List<(Guid Id, string? No)> orders;
        string selection;
        if (request.OrderIds is { } ids)
        {
            var wanted = ids.Distinct().ToList();
            var numbers = new Dictionary<Guid, string>();
            foreach (var chunk in wanted.Chunk(10_000))
                foreach (var o in await db.Set<Order>().Where(o => EF.Parameter(chunk).Contains(o.Id)).Select(o => new { o.Id, o.OrderNo }).ToListAsync(ct))
                    numbers[o.Id] = o.OrderNo;
            orders = wanted.Select(id => (id, numbers.GetValueOrDefault(id))).ToList();
            selection = $"selected:{orders.Count}";
        }
        else
        {
            var filter = request.Filter! with
            {
                PaidFrom = request.Filter.PaidFrom is { } f ? TenantTime.FromApi(f) : null, PaidTo = request.Filter.PaidTo is { } t ? TenantTime.FromApi(t) : null,
                CreatedFrom = request.Filter.CreatedFrom is { } cf ? TenantTime.FromApi(cf) : null,
                CreatedTo = request.Filter.CreatedTo is { } ctTo ? TenantTime.FromApi(ctTo) : null,
                ShippedFrom = request.Filter.ShippedFrom is { } sf ? TenantTime.FromApi(sf) : null,
                ShippedTo = request.Filter.ShippedTo is { } st ? TenantTime.FromApi(st) : null,
            };
            orders = (await queries.Filtered(filter).OrderBy(o => o.PaidAt).ThenBy(o => o.OrderNo).Take(OrderJob.MaxOrders + 1).Select(o => new { o.Id, o.OrderNo })
                .ToListAsync(ct)).Select(o => (o.Id, (string?)o.OrderNo)).ToList();
            if (orders.Count > OrderJob.MaxOrders)
                throw new InputRejectedException("filter", "too_many", $"The filter matches more than {OrderJob.MaxOrders} orders; narrow it.", OrderJob.MaxOrders);
            selection = Describe(filter);
        }
        if (orders.Count == 0) throw new InputRejectedException(request.Filter is null ? "orderIds" : "filter", "none", "No order is chosen or matches the filter.");

        var now = db.Time.StoredUtcNow();
        var job = new OrderJob
        {
            Action = action!.Value, Reason = reason, Until = request.Until is { } u ? TenantTime.FromApi(u) : null, CarrierCode = carrier, Selection = selection,
            WarehouseId = action == BatchAction.SetWarehouse ? request.WarehouseId : null, FromSkuCode = from?.Code, ToSkuCode = to?.Code,
            State = JobState.Queued,
            Total = orders.Count, CreatedById = user.UserId, CreatedBy = user.UserName, CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(job);
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order_job", EntityId = job.Id.ToString(),
            Action = "create",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
                {
                    ["action"] = [null, job.Action.ToString()], ["orders"] = [null, job.Total], ["selection"] = [null, selection], ["reason"] = [null, reason],
                    ["carrier"] = [null, carrier], ["warehouse"] = [null, job.WarehouseId], ["sku"] = [null, from is null ? null : $"{from.Code} → {to!.Code}"],
                }),
        });
        await db.SaveChangesAsync(ct);
        await db.BulkInsertAsync(orders.Select((o, i) => new OrderJobItem { JobId = job.Id, Seq = i, OrderId = o.Id, OrderNo = o.No, Outcome = ItemOutcome.Pending }), ct);
        await tx.CommitAsync(ct);
        return View(job);
    }

    /// <summary>"status=PendingAudit shop=… paid<2026-12-01T00:00:00Z": the filter as it was, for the job list.</summary>
    private static string Describe(OrderFilter f)
    {
        var parts = new List<string>();
        if (f.Status is { } s) parts.Add("status=" + s);
        if (f.Exception is { } e) parts.Add("exception=" + e);
        if (f.ShopId is { } shop) parts.Add("shop=" + shop);
        if (!string.IsNullOrWhiteSpace(f.Search)) parts.Add("search=" + f.Search.Trim());
        if (f.Platform is { } platform) parts.Add("platform=" + platform);
        if (!string.IsNullOrWhiteSpace(f.Sku)) parts.Add("sku=" + f.Sku.Trim());
        if (!string.IsNullOrWhiteSpace(f.Buyer)) parts.Add("buyer=" + f.Buyer.Trim());
        if (!string.IsNullOrWhiteSpace(f.Tag)) parts.Add("tag=" + f.Tag.Trim());
        if (f.WarehouseId is { } warehouse) parts.Add("warehouse=" + warehouse);
        if (!string.IsNullOrWhiteSpace(f.Carrier)) parts.Add("carrier=" + f.Carrier.Trim());
        if (f.CreatedFrom is { } createdFrom) parts.Add("created>=" + createdFrom.ToString("u", CultureInfo.InvariantCulture));
        if (f.CreatedTo is { } createdTo) parts.Add("created<" + createdTo.ToString("u", CultureInfo.InvariantCulture));
        if (f.ShippedFrom is { } shippedFrom) parts.Add("shipped>=" + shippedFrom.ToString("u", CultureInfo.InvariantCulture));
        if (f.ShippedTo is { } shippedTo) parts.Add("shipped<" + shippedTo.ToString("u", CultureInfo.InvariantCulture));
        if (f.PaidFrom is { } from) parts.Add("paid>=" + from.ToString("u", CultureInfo.InvariantCulture));
        if (f.PaidTo is { } to) parts.Add("paid<" + to.ToString("u", CultureInfo.InvariantCulture));
        var text = "filter:" + string.Join(" ", parts);
        return text.Length > 500 ? text[..500] : text;
    }

    public async Task<Page<OrderJobView>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var query = db.Set<OrderJob>().AsNoTracking();
        if (page.AfterKey() is { } after)
        {
            if (!long.TryParse(after, out var ticks)) throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            var at = new DateTime(ticks, DateTimeKind.Utc);
            query = query.Where(j => j.CreatedAt < at);
        }
        var rows = await query.OrderByDescending(j => j.CreatedAt).Take(page.Limit + 1).ToListAsync(ct);
        return Page.From(rows.Select(View).ToList(), page.Limit, j => j.CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture));
    }

    public async Task<OrderJobView> GetAsync(Guid id, CancellationToken ct) =>
        View(await db.Set<OrderJob>().AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException("order_job", id));

    /// <summary>The job's orders in its order, one outcome or all, a keyset page at a time.</summary>
    public async Task<Page<OrderJobItemView>> ItemsAsync(Guid id, ItemOutcome? outcome, PageRequest page, CancellationToken ct)
    {
        await GetAsync(id, ct);
        var query = db.Set<OrderJobItem>().AsNoTracking().Where(i => i.JobId == id);
        if (outcome is { } o) query = query.Where(i => i.Outcome == o);
        if (page.AfterKey() is { } after)
        {
            if (!int.TryParse(after, out var seq)) throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            query = query.Where(i => i.Seq > seq);
        }
        var rows = await query.OrderBy(i => i.Seq).Take(page.Limit + 1)
            .Select(i => new OrderJobItemView(i.Seq, i.OrderId, i.OrderNo, i.Outcome, i.Code, i.Message)).ToListAsync(ct);
        return Page.From(rows, page.Limit, r => r.Seq.ToString(CultureInfo.InvariantCulture));
    }

    public static readonly IReadOnlyList<SheetColumn> ExportColumns =
    [
        new("seq", "序号", "No."), new("orderNo", "订单号", "Order no."), new("outcome", "结果", "Outcome"), new("code", "原因代码", "Reason code"),
        new("message", "说明", "Message"),
    ];

    /// <summary>The results as xlsx (one outcome or all), read a page at a time.</summary>
    public async Task<Stream> ExportAsync(Guid id, ItemOutcome? outcome, CancellationToken ct)
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        string? after = null;
        do
        {
            var page = await ItemsAsync(id, outcome, new PageRequest(after, PageRequest.MaxLimit), ct);
            rows.AddRange(page.Items.Select(i => new Dictionary<string, object?>
                { ["seq"] = i.Seq + 1, ["orderNo"] = i.OrderNo, ["outcome"] = i.Outcome.ToString(), ["code"] = i.Code, ["message"] = i.Message }));
            after = page.Next;
        }
        while (after is not null);
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        Workbooks.Write(file, ExportColumns, rows);
        file.Position = 0;
        return file;
    }

    /// <summary>Stops a queued or running job: the orders it has not reached keep no result and are left as they are.</summary>
    public async Task<OrderJobView> CancelAsync(Guid id, CancellationToken ct)
    {
        var job = await db.Set<OrderJob>().SingleOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException("order_job", id);
        if (job.State is JobState.Finished or JobState.Cancelled)
            throw new RuleViolatedException("order_job.ended", $"The job is {job.State} already.", job.State);
        (job.State, job.FinishedAt) = (JobState.Cancelled, db.Time.StoredUtcNow());
        await db.SaveChangesAsync(ct);
        return View(job);
    }

    /// <summary>Jobs a worker may run now: queued, or running under a lease that has run out (its worker is gone).</summary>
    public async Task<IReadOnlyList<(Guid Id, string CreatedBy)>> RunnableAsync(CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        return (await db.Set<OrderJob>().AsNoTracking()
            .Where(j => j.State == JobState.Queued || (j.State == JobState.Running && (j.LeaseUntil == null || j.LeaseUntil < now)))
            .OrderBy(j => j.CreatedAt).Select(j => new { j.Id, j.CreatedBy }).Take(5).ToListAsync(ct)).Select(j => (j.Id, j.CreatedBy)).ToList();
    }

    /// <summary>The chunk size for an action: the handler's own cap, or less when configured (<c>Orders:Jobs:ChunkSize</c>).</summary>
    private int ChunkSize(BatchAction action)
    {
        var cap = action == BatchAction.Audit ? AuditOrders.AuditOrders.JobChunk : ChangeOrders.ChangeOrders.MaxSelection;
        return Math.Clamp(configuration.GetValue("Orders:Jobs:ChunkSize", cap), 1, cap);
    }

    /// <summary>
    /// Runs the job as <paramref name="node"/> for at most <paramref name="budget"/> (or <paramref name="maxChunks"/>
    /// chunks), then lets go: another round (of this worker or any other) goes on. Answers the job as it stands.
    /// </summary>
    public async Task<OrderJobView> RunAsync(Guid id, string node, TimeSpan budget, int? maxChunks, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        if (!await LeaseAsync(id, node, ct)) return await GetAsync(id, ct);
        for (var chunks = 0; ; chunks++)
        {
            var job = await db.Set<OrderJob>().AsNoTracking().SingleAsync(j => j.Id == id, ct);
            if (job.State != JobState.Running || job.LeaseOwner != node) return View(job);
            if (chunks >= (maxChunks ?? int.MaxValue) || DateTime.UtcNow - started > budget)
            {
                // Let go now, so the next round need not wait for the lease to run out.
                await db.Set<OrderJob>().Where(j => j.Id == id && j.LeaseOwner == node).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, (DateTime?)null), ct);
                return await GetAsync(id, ct);
            }
            var chunk = await db.Set<OrderJobItem>().AsNoTracking().Where(i => i.JobId == id && i.Outcome == ItemOutcome.Pending).OrderBy(i => i.Seq)
                .Take(ChunkSize(job.Action)).ToListAsync(ct);
            if (chunk.Count == 0)
            {
                var end = db.Time.StoredUtcNow();
                await db.Set<OrderJob>().Where(j => j.Id == id && j.LeaseOwner == node && j.State == JobState.Running).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, JobState.Finished).SetProperty(j => j.FinishedAt, end).SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseUntil, (DateTime?)null), ct);
                return await GetAsync(id, ct);
            }
            try
            {
                await RunChunkAsync(job, chunk, node, ct);
            }
            catch (JobLeaseLostException)
            {
                return await GetAsync(id, ct);
            }
            catch (Exception e) when (!DatabaseErrors.IsStop(e, ct))
            {
                db.ChangeTracker.Clear();
                await FailedAsync(job, chunk, node, e, ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<bool> LeaseAsync(Guid id, string node, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var until = now + Lease;
        return await db.Set<OrderJob>()
            .Where(j => j.Id == id && (j.State == JobState.Queued || j.State == JobState.Running) && (j.LeaseUntil == null || j.LeaseUntil < now || j.LeaseOwner == node))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.LeaseOwner, node).SetProperty(j => j.LeaseUntil, until)
                .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now), ct) == 1;
    }

    /// <summary>The action on one chunk and its orders' results, in one transaction; a lost lease undoes both.</summary>
    private async Task RunChunkAsync(OrderJob job, List<OrderJobItem> chunk, string node, CancellationToken ct)
    {
        var ids = chunk.Select(i => i.OrderId).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var results = job.Action switch
        {
            BatchAction.Audit => (await audit.AuditBatchAsync(ids, ct)).Results,
            BatchAction.Unaudit => await change.UnauditAsync(new OrdersRequest(ids, job.Reason), ct),
            BatchAction.Hold => await change.HoldAsync(new HoldRequest(ids, job.Reason, job.Until is { } u && u > db.Time.StoredUtcNow() ? u : null), ct),
            BatchAction.Release => await change.ReleaseAsync(new OrdersRequest(ids, job.Reason), ct),
            BatchAction.Cancel => await change.CancelAsync(new OrdersRequest(ids, job.Reason), ct),
            BatchAction.SetCarrier => await carriers.SetAsync(new SetCarrier.SetCarrierRequest(ids, job.CarrierCode), ct),
            BatchAction.SetWarehouse => await goods.SetWarehouseAsync(new EditGoods.SetWarehouseRequest(ids, job.WarehouseId), ct),
            BatchAction.ReplaceSku => await goods.ReplaceSkuAsync(new EditGoods.ReplaceSkuRequest(ids, job.FromSkuCode, job.ToSkuCode), ct),
            // The job's later orders may be merged into this chunk's; they get their results now.
            BatchAction.Merge => await rearrange.MergeBatchAsync(ids,
                db.Set<OrderJobItem>().Where(i => i.JobId == job.Id && i.Outcome == ItemOutcome.Pending).Select(i => i.OrderId), ct),
            _ => throw new InvalidOperationException($"No runner for {job.Action}."),
        };
        var inChunk = ids.ToHashSet();
        var beyond = results.Select(r => r.OrderId).Where(id => !inChunk.Contains(id)).Distinct().ToList();
        if (beyond.Count > 0)
            chunk = [.. chunk, .. await db.Set<OrderJobItem>().AsNoTracking()
                .Where(i => i.JobId == job.Id && i.Outcome == ItemOutcome.Pending && EF.Parameter(beyond).Contains(i.OrderId)).ToListAsync(ct)];
        var byOrder = results.GroupBy(r => r.OrderId).ToDictionary(g => g.Key, g => g.First());
        var done = chunk.Select(i => byOrder.TryGetValue(i.OrderId, out var r)
            ? new OrderJobItem
            {
                JobId = i.JobId, Seq = i.Seq, OrderId = i.OrderId, OrderNo = r.OrderNo ?? i.OrderNo,
                Outcome = r.Outcome == ChangeOutcome.Done ? ItemOutcome.Done : ItemOutcome.Skipped, Code = r.Code, Message = Cut(r.Message),
            }
            : new OrderJobItem { JobId = i.JobId, Seq = i.Seq, OrderId = i.OrderId, OrderNo = i.OrderNo, Outcome = ItemOutcome.Skipped, Code = "order.not_found" }).ToList();
        await WriteResultsAsync(job, done, node, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A chunk that failed is tried again twice (by this round's next step or the next round); then its orders are marked failed.</summary>
    private async Task FailedAsync(OrderJob job, List<OrderJobItem> chunk, string node, Exception error, CancellationToken ct)
    {
        var message = Cut(error.Message)!;
        if (job.Attempts + 1 < 3)
        {
            await db.Set<OrderJob>().Where(j => j.Id == job.Id && j.LeaseOwner == node)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Attempts, j => j.Attempts + 1).SetProperty(j => j.Error, message), ct);
            return;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await WriteResultsAsync(job, chunk.Select(i => new OrderJobItem
        {
            JobId = i.JobId, Seq = i.Seq, OrderId = i.OrderId, OrderNo = i.OrderNo, Outcome = ItemOutcome.Failed, Code = "job.chunk_failed", Message = message,
        }).ToList(), node, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The chunk's pending rows replaced by their results, and the job's counts moved on, only while this worker holds the job.</summary>
    private async Task WriteResultsAsync(OrderJob job, List<OrderJobItem> results, string node, CancellationToken ct)
    {
        var (first, last) = (results.Min(i => i.Seq), results.Max(i => i.Seq));
        var seqs = results.Select(i => i.Seq).ToList();
        var (done, skipped, failed) = (results.Count(i => i.Outcome == ItemOutcome.Done), results.Count(i => i.Outcome == ItemOutcome.Skipped),
            results.Count(i => i.Outcome == ItemOutcome.Failed));
        var until = db.Time.StoredUtcNow() + Lease;
        var error = failed > 0 ? results.First(i => i.Outcome == ItemOutcome.Failed).Message : null;
        var moved = await db.Set<OrderJob>().Where(j => j.Id == job.Id && j.LeaseOwner == node && j.State == JobState.Running).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Done, j => j.Done + done).SetProperty(j => j.Skipped, j => j.Skipped + skipped).SetProperty(j => j.Failed, j => j.Failed + failed)
            .SetProperty(j => j.Attempts, 0).SetProperty(j => j.Error, error).SetProperty(j => j.LeaseUntil, until), ct);
        if (moved != 1) throw new JobLeaseLostException();
        var removed = await db.Set<OrderJobItem>()
            .Where(i => i.JobId == job.Id && i.Seq >= first && i.Seq <= last && i.Outcome == ItemOutcome.Pending && EF.Parameter(seqs).Contains(i.Seq))
            .ExecuteDeleteAsync(ct);
        if (removed != results.Count) throw new JobLeaseLostException();
        await db.BulkInsertAsync(results, ct);
    }

    private static string? Cut(string? text) => text is null || text.Length <= 500 ? text : text[..500];

    public static OrderJobView View(OrderJob j) => new(j.Id, j.Action, j.Reason, j.Until, j.CarrierCode, j.Selection, j.State, j.Total, j.Done, j.Skipped, j.Failed, j.Error,
        j.CreatedBy, j.CreatedAt, j.StartedAt, j.FinishedAt, j.WarehouseId, j.FromSkuCode, j.ToSkuCode);
}

/// <summary>Another worker took the job over (this one's lease ran out): this chunk's work is undone, and this worker stops.</summary>
public sealed class JobLeaseLostException() : Exception("The job's lease was lost to another worker.");
