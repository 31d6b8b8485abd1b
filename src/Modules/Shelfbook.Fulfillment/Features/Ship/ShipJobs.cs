using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Ship;

public sealed record ShipJobView(Guid Id, ShipMode Mode, ShipJobState State, int Total, int Shipped, int Skipped, int Failed, DateTime CreatedAt, string CreatedBy,
    DateTime? StartedAt, DateTime? FinishedAt)
{
    public int Done => Shipped + Skipped + Failed;
}

public sealed record ShipJobRowView(int Row, string? OrderNo, Guid? OrderId, string? TrackingNo, ShipRowOutcome Outcome, string? Code, string? Message);

/// <summary>
/// 批量发货任务: <c>POST /ship-jobs</c> takes a 简易发货 or 一键发货 batch of up to 500,000 orders (checked row by row as a
/// call is, before anything is stored) and answers at once; a worker ships it chunk by chunk through <see cref="ShipParcels"/>,
/// each chunk and its rows' outcomes in one transaction under the job's lease, so progress is exact and a job stopped
/// anywhere resumes from its first pending row without shipping anything twice.
/// </summary>
public sealed class ShipJobs(TenantDbContext db, ShipParcels ship, IConfiguration configuration, CurrentUser user)
{
    /// <summary>How long a job stays leased to a worker that stopped answering (<c>Fulfillment:Jobs:LeaseSeconds</c>, 2 minutes by default); each chunk renews it.</summary>
    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(5, configuration.GetValue("Fulfillment:Jobs:LeaseSeconds", 120)));

    /// <summary>Rows per chunk: <c>Fulfillment:Jobs:ChunkSize</c> (5,000 by default; a chunk is one transaction).</summary>
    private int ChunkSize => Math.Clamp(configuration.GetValue("Fulfillment:Jobs:ChunkSize", 5_000), 1, ShipParcels.MaxRows);

    public async Task<ShipJobView> CreateAsync(ShipRequest request, CancellationToken ct)
    {
        var mode = ShipParcels.Validate(request, ShipJob.MaxRows);
        if (mode is not (ShipMode.Simple or ShipMode.OneClick))
            throw new InputRejectedException("mode", "not_batched", "Only 简易发货 (Simple) and 一键发货 (OneClick) run as a batch job; the other modes ship at their station.",
                mode.ToString());
        var job = new ShipJob
        {
            Mode = mode, State = ShipJobState.Queued, CreatedAt = db.Time.StoredUtcNow(), CreatedBy = user.UserName,
            Total = (request.Rows?.Count ?? 0) + (request.OrderIds?.Distinct().Count() ?? 0),
        };
        var rows = request.Rows is { Count: > 0 } given
            ? given.Select((r, i) => new ShipJobRow
            {
                JobId = job.Id, Seq = i, OrderNo = r.OrderNo!.Trim(), TrackingNo = string.IsNullOrWhiteSpace(r.TrackingNo) ? null : r.TrackingNo.Trim(),
                CarrierCode = string.IsNullOrWhiteSpace(r.CarrierCode) ? null : r.CarrierCode.Trim().ToUpperInvariant(),
            }).ToList()
            : request.OrderIds!.Distinct().Select((id, i) => new ShipJobRow { JobId = job.Id, Seq = i, OrderId = id }).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(job);
        await db.SaveChangesAsync(ct);
        await db.BulkInsertAsync(rows, ct);
        await tx.CommitAsync(ct);
        return View(job);
    }

    public async Task<ShipJobView> GetAsync(Guid id, CancellationToken ct) =>
        View(await db.Set<ShipJob>().AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException("ship_job", id));

    /// <summary>The tenant's latest jobs, newest first.</summary>
    public async Task<IReadOnlyList<ShipJobView>> RecentAsync(CancellationToken ct) =>
        (await db.Set<ShipJob>().AsNoTracking().OrderByDescending(j => j.CreatedAt).Take(20).ToListAsync(ct)).Select(View).ToList();

    /// <summary>A job's rows in their order, of one outcome or all, a keyset page at a time.</summary>
    public async Task<Page<ShipJobRowView>> RowsAsync(Guid id, ShipRowOutcome? outcome, PageRequest page, CancellationToken ct)
    {
        await GetAsync(id, ct);
        var query = db.Set<ShipJobRow>().AsNoTracking().Where(r => r.JobId == id);
        if (outcome is { } o) query = query.Where(r => r.Outcome == o);
        if (page.AfterKey() is { } after)
        {
            if (!int.TryParse(after, System.Globalization.CultureInfo.InvariantCulture, out var last))
                throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            query = query.Where(r => r.Seq > last);
        }
        var rows = await query.OrderBy(r => r.Seq).Take(page.Limit + 1)
            .Select(r => new ShipJobRowView(r.Seq + 1, r.OrderNo, r.OrderId, r.TrackingNo, r.Outcome, r.Code, r.Message)).ToListAsync(ct);
        return Page.From(rows, page.Limit, r => (r.Row - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Stops a job between chunks: what shipped stays shipped, the rest stays pending and is not shipped.</summary>
    public async Task<ShipJobView> CancelAsync(Guid id, CancellationToken ct)
    {
        var job = await db.Set<ShipJob>().SingleOrDefaultAsync(j => j.Id == id, ct) ?? throw new NotFoundException("ship_job", id);
        if (job.State is ShipJobState.Finished or ShipJobState.Cancelled)
            throw new RuleViolatedException("ship_job.over", $"The job is {job.State} already.", job.State.ToString());
        (job.State, job.FinishedAt, job.LeaseOwner, job.LeaseUntil) = (ShipJobState.Cancelled, db.Time.StoredUtcNow(), null, null);
        await db.SaveChangesAsync(ct);
        return View(job);
    }

    /// <summary>Jobs a worker may run now: queued, or running under a lease that has run out (its worker is gone).</summary>
    public async Task<IReadOnlyList<(Guid Id, string CreatedBy)>> RunnableAsync(CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        return (await db.Set<ShipJob>().AsNoTracking()
            .Where(j => j.State == ShipJobState.Queued || (j.State == ShipJobState.Running && (j.LeaseUntil == null || j.LeaseUntil < now)))
            .OrderBy(j => j.CreatedAt).Select(j => new { j.Id, j.CreatedBy }).Take(5).ToListAsync(ct)).Select(j => (j.Id, j.CreatedBy)).ToList();
    }

    /// <summary>
    /// Runs the job as <paramref name="node"/> for at most <paramref name="budget"/> (or <paramref name="maxChunks"/>
    /// chunks), then lets go of it: the next round, here or on another node, goes on. Answers the job as it stands.
    /// </summary>
    public async Task<ShipJobView> RunAsync(Guid id, string node, TimeSpan budget, int? maxChunks, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var now = db.Time.StoredUtcNow();
        var leased = await db.Set<ShipJob>()
            .Where(j => j.Id == id && (j.State == ShipJobState.Queued || j.State == ShipJobState.Running) && (j.LeaseUntil == null || j.LeaseUntil < now || j.LeaseOwner == node))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ShipJobState.Running).SetProperty(j => j.LeaseOwner, node).SetProperty(j => j.LeaseUntil, now + Lease)
                .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now), ct);
        if (leased == 0) return await GetAsync(id, ct);
        for (var chunks = 0; ; chunks++)
        {
            var job = await db.Set<ShipJob>().AsNoTracking().SingleAsync(j => j.Id == id, ct);
            if (job.State != ShipJobState.Running || job.LeaseOwner != node) return View(job);
            if (chunks >= (maxChunks ?? int.MaxValue) || DateTime.UtcNow - started > budget)
            {
                await db.Set<ShipJob>().Where(j => j.Id == id && j.LeaseOwner == node).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, (DateTime?)null), ct);
                return await GetAsync(id, ct);
            }
            var chunk = await db.Set<ShipJobRow>().AsNoTracking().Where(r => r.JobId == id && r.Outcome == ShipRowOutcome.Pending).OrderBy(r => r.Seq)
                .Take(ChunkSize).ToListAsync(ct);
            if (chunk.Count == 0)
            {
                var end = db.Time.StoredUtcNow();
                await db.Set<ShipJob>().Where(j => j.Id == id && j.LeaseOwner == node && j.State == ShipJobState.Running).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, ShipJobState.Finished).SetProperty(j => j.FinishedAt, end).SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseUntil, (DateTime?)null), ct);
                return await GetAsync(id, ct);
            }
            try
            {
                await ShipOrSplitAsync(job, chunk, node, ct);
            }
            catch (LeaseLostException)
            {
                return await GetAsync(id, ct);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Ships the rows; when they cannot ship together (an order changed meanwhile refuses its whole transaction) each
    /// half is tried on its own, down to the one row at fault, which is marked failed with the reason — the rest ship.
    /// </summary>
    private async Task ShipOrSplitAsync(ShipJob job, List<ShipJobRow> rows, string node, CancellationToken ct)
    {
        try
        {
            await ShipChunkAsync(job, rows, node, ct);
        }
        catch (Exception e) when (e is ShelfbookException or DbUpdateException)
        {
            db.ChangeTracker.Clear();
            foreach (var row in rows) (row.Outcome, row.Code, row.Message) = (ShipRowOutcome.Pending, null, null);
            if (rows.Count == 1)
            {
                await FailChunkAsync(job, rows, node, e is ShelfbookException s ? s.Message : "The order could not be saved: " + e.GetBaseException().Message, ct);
                return;
            }
            var half = rows.Count / 2;
            await ShipOrSplitAsync(job, rows[..half], node, ct);
            await ShipOrSplitAsync(job, rows[half..], node, ct);
        }
    }

    /// <summary>The chunk shipped and its rows' outcomes written in one transaction, the lease renewed in it; a lost lease undoes both.</summary>
    private async Task ShipChunkAsync(ShipJob job, List<ShipJobRow> chunk, string node, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = chunk[0].OrderId is null
            ? new ShipRequest(job.Mode.ToString(), chunk.Select(r => new ShipRow(r.OrderNo, r.TrackingNo, r.CarrierCode)).ToList())
            : new ShipRequest(job.Mode.ToString(), OrderIds: chunk.Select(r => r.OrderId!.Value).ToList());
        var run = await ship.ShipAsync(request, ct);
        var byRow = run.Results.ToDictionary(r => r.Row);
        foreach (var (row, i) in chunk.Select((r, i) => (r, i)))
        {
            var result = byRow.GetValueOrDefault(i);
            var (outcome, code, message) = result is null ? (ShipRowOutcome.Skipped, "order.not_found", "Not shipped.")
                : result.Shipped ? (ShipRowOutcome.Shipped, result.WriteBack == WriteBackState.Failed ? "write_back.Failed" : null, result.WriteBackProblem)
                : (ShipRowOutcome.Skipped, result.Code, result.Message);
            (row.Outcome, row.Code, row.Message) = (outcome, code, ShipParcels.Cut(message));
            if (outcome == ShipRowOutcome.Shipped && code is null) continue;
            // Skips and write-back problems carry their own reason: written one by one (a clean batch has few).
            db.Attach(row);
            db.Entry(row).Property(r => r.Outcome).IsModified = true;
            db.Entry(row).Property(r => r.Code).IsModified = true;
            db.Entry(row).Property(r => r.Message).IsModified = true;
        }
        await db.SaveChangesAsync(ct);
        // The plain shipped rows in one statement per thousand.
        foreach (var seqs in chunk.Where(r => r.Outcome == ShipRowOutcome.Shipped && r.Code is null).Select(r => r.Seq).Chunk(1_000))
            await db.Set<ShipJobRow>().Where(r => r.JobId == job.Id && seqs.Contains(r.Seq))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Outcome, ShipRowOutcome.Shipped), ct);
        await CountAsync(job.Id, node, chunk, ct);
        await tx.CommitAsync(ct);
    }

    private async Task FailChunkAsync(ShipJob job, List<ShipJobRow> chunk, string node, string reason, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var seqs = chunk.Select(r => r.Seq).ToList();
        await db.Set<ShipJobRow>().Where(r => r.JobId == job.Id && seqs.Contains(r.Seq))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, ShipRowOutcome.Failed).SetProperty(r => r.Code, "ship_job.chunk_failed")
                .SetProperty(r => r.Message, ShipParcels.Cut(reason)), ct);
        foreach (var row in chunk) row.Outcome = ShipRowOutcome.Failed;
        await CountAsync(job.Id, node, chunk, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds the chunk's outcomes to the job's counts and renews the lease — only while this node holds it.</summary>
    private async Task CountAsync(Guid id, string node, List<ShipJobRow> chunk, CancellationToken ct)
    {
        var (shipped, skipped, failed) = (chunk.Count(r => r.Outcome == ShipRowOutcome.Shipped), chunk.Count(r => r.Outcome == ShipRowOutcome.Skipped),
            chunk.Count(r => r.Outcome == ShipRowOutcome.Failed));
        var until = db.Time.StoredUtcNow() + Lease;
        var held = await db.Set<ShipJob>().Where(j => j.Id == id && j.LeaseOwner == node && j.State == ShipJobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Shipped, j => j.Shipped + shipped).SetProperty(j => j.Skipped, j => j.Skipped + skipped)
                .SetProperty(j => j.Failed, j => j.Failed + failed).SetProperty(j => j.LeaseUntil, until), ct);
        if (held != 1) throw new LeaseLostException();
    }

    private static ShipJobView View(ShipJob j) =>
        new(j.Id, j.Mode, j.State, j.Total, j.Shipped, j.Skipped, j.Failed, j.CreatedAt, j.CreatedBy, j.StartedAt, j.FinishedAt);

    private sealed class LeaseLostException() : Exception("The ship job's lease was lost to another worker or it was cancelled.");
}
