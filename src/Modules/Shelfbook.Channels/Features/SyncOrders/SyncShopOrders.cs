using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.SyncOrders;

/// <summary>What one sync run of a shop did; <see cref="Error"/> is the platform's message when it stopped early.</summary>
public sealed record SyncRun(Guid ShopId, int Windows, int Pages, int Inserted, int Updated, int Unchanged, int Quarantined, int Throttled, string? Error)
{
    /// <summary>Time on the wire, parsing answers into records, and storing them.</summary>
    public TimeSpan Http { get; init; }

    public TimeSpan Parse { get; init; }

    public TimeSpan Store { get; init; }

    public static SyncRun Skipped(Guid shopId) => new(shopId, 0, 0, 0, 0, 0, 0, 0, "leased");
}

/// <summary>
/// Pulls one shop's orders from its cursor (less the platform's overlap) up to the platform's clock less its lag, in
/// windows no longer than the platform allows. Each window's pages are stored before the cursor moves to the window's
/// end, so a crash repeats at most one window (and storing is idempotent). A database lease (owner and expiry on the
/// shop's row, taken with one conditional update) lets any number of app nodes run the sync without double work;
/// every cursor write is guarded by the lease. Throttling waits and retries the window with back-off.
/// </summary>
public sealed class SyncShopOrders(TenantDbContext db, ShopLinks links, StorePlatformOrders store, IConfiguration configuration)
{
    /// <summary>
    /// How long a shop stays leased to a node that stopped answering (<c>Channels:Sync:LeaseSeconds</c>, 5 minutes by
    /// default): a node that dies mid-run leaves its shop to the next one after this. Each stored window renews it.
    /// </summary>
    private TimeSpan LeaseTime => TimeSpan.FromSeconds(Math.Max(5, configuration.GetValue("Channels:Sync:LeaseSeconds", 300)));
    private const int ThrottleRetries = 5;

    /// <summary>One run's share of a long catch-up; the rest follows at the next round, so other shops and write-backs are not kept waiting.</summary>
    private static readonly TimeSpan RunBudget = TimeSpan.FromMinutes(2);

    /// <summary>The platforms serve the last three months of changes; a cursor older than that starts at the edge (the gap is reported).</summary>
    private static readonly TimeSpan History = TimeSpan.FromDays(89);

    /// <summary>Keeps the run in the shop's sync log; a log that cannot be written does not undo the run.</summary>
    private async Task LogAsync(SyncRunLog log)
    {
        try
        {
            db.ChangeTracker.Clear();
            db.Set<SyncRunLog>().Add(log);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
        }
    }

    public async Task<SyncRun> RunAsync(Guid shopId, string node, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var until = now + LeaseTime;
        var claimed = await db.Set<ShopConnection>()
            .Where(c => c.ShopId == shopId && (c.LeaseOwner == null || c.LeaseUntil < now || c.LeaseOwner == node))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, node).SetProperty(c => c.LeaseUntil, until), ct);
        if (claimed == 0) return SyncRun.Skipped(shopId);

        var connection = await db.Set<ShopConnection>().AsNoTracking().SingleAsync(c => c.ShopId == shopId, ct);
        var (windows, pages, inserted, updated, unchanged, quarantined, throttled) = (0, 0, 0, 0, 0, 0, 0);
        string? error = null;
        var storing = new System.Diagnostics.Stopwatch();
        ConnectorContext? context = null;
        try
        {
            var (shop, _, connector, opened) = await links.OpenAsync(shopId, ct);
            context = opened;
            // Channels:Sync:LagSeconds overrides the platform's lag (the tests run against a sandbox whose indexes are never
            // late), but never below the least lag the platform accepts.
            var lag = configuration.GetValue<int?>("Channels:Sync:LagSeconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : connector.Lag;
            var end = now - (lag > connector.MinimumLag ? lag : connector.MinimumLag);
            var from = connection.PullStart(connector.Overlap);
            string? gap = null;
            if (from < now - History)
            {
                gap = $"Orders changed before {now - History:yyyy-MM-dd} are past what the platform still serves; the sync went on from there.";
                from = now - History;
            }
            var budget = System.Diagnostics.Stopwatch.StartNew();
            var more = false;
            while (from < end)
            {
                if (budget.Elapsed > RunBudget)
                {
                    more = true;
                    break;
                }
                var to = from + connector.MaxWindow < end ? from + connector.MaxWindow : end;
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        await foreach (var page in connector.PullAsync(context, from, to, ct))
                        {
                            // The lease is renewed before each page is stored: a long window never outlives it, and a node
                            // that lost it (it ran out while this one was stalled) stops before writing.
                            var renewed = db.Time.StoredUtcNow() + LeaseTime;
                            if (await db.Set<ShopConnection>().Where(c => c.ShopId == shopId && c.LeaseOwner == node)
                                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseUntil, renewed), ct) == 0)
                            {
                                error = "lease lost";
                                break;
                            }
                            storing.Start();
                            var stored = await store.StoreAsync(shopId, shop.Platform, page, ct);
                            storing.Stop();
                            (pages, inserted, updated, unchanged, quarantined) =
                                (pages + 1, inserted + stored.Inserted, updated + stored.Updated, unchanged + stored.Unchanged, quarantined + stored.Quarantined);
                        }
                        break;
                    }
                    catch (PlatformCallException e) when (e.Failure == PlatformFailure.Throttled && attempt < ThrottleRetries)
                    {
                        throttled++;
                        var wait = (e.RetryAfter ?? TimeSpan.FromSeconds(1)) * Math.Pow(2, attempt);
                        await Task.Delay(wait < TimeSpan.FromSeconds(30) ? wait : TimeSpan.FromSeconds(30), db.Time, ct);
                    }
                }
                if (error is not null) break;
                windows++;
                var leaseUntil = db.Time.StoredUtcNow() + LeaseTime;
                var moved = await db.Set<ShopConnection>().Where(c => c.ShopId == shopId && c.LeaseOwner == node)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.Cursor, to).SetProperty(c => c.LeaseUntil, leaseUntil), ct);
                if (moved == 0)
                {
                    error = "lease lost";
                    break;
                }
                from = to;
            }
            var done = db.Time.StoredUtcNow();
            DateTime? gapAt = gap is null ? null : done;
            await db.Set<ShopConnection>().Where(c => c.ShopId == shopId && c.LeaseOwner == node).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.LastSuccessAt, done).SetProperty(c => c.Health, ConnectionHealth.Ok).SetProperty(c => c.LastError, gap)
                .SetProperty(c => c.LastErrorAt, gapAt).SetProperty(c => c.NextSyncAt, more ? done : done.AddSeconds(connection.SyncIntervalSeconds)), ct);
        }
        catch (Exception e) when (!DatabaseErrors.IsStop(e, ct))
        {
            // A platform's refusal, or anything else (a database error, a shop whose link is gone): recorded on the shop,
            // which waits before the next attempt instead of failing every round.
            error = e is PlatformCallException or RuleViolatedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            var authorization = e is PlatformCallException { Failure: PlatformFailure.Authorization } or RuleViolatedException;
            var failedAt = db.Time.StoredUtcNow();
            DateTime? retryAt = authorization ? null : failedAt.AddSeconds(Math.Min(connection.SyncIntervalSeconds, 60));
            var message = PlatformValues.Cut(error, 1000);
            await db.Set<ShopConnection>().Where(c => c.ShopId == shopId && c.LeaseOwner == node).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.LastError, message).SetProperty(c => c.LastErrorAt, failedAt)
                .SetProperty(c => c.Health, authorization ? ConnectionHealth.AuthorizationNeeded : ConnectionHealth.Failing)
                .SetProperty(c => c.NextSyncAt, retryAt), CancellationToken.None);
        }
        finally
        {
            await db.Set<ShopConnection>().Where(c => c.ShopId == shopId && c.LeaseOwner == node)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null), CancellationToken.None);
        }
        await LogAsync(new SyncRunLog
        {
            ShopId = shopId, StartedAt = now, FinishedAt = db.Time.StoredUtcNow(), Windows = windows, Pages = pages, Inserted = inserted, Updated = updated,
            Quarantined = quarantined, Throttled = throttled, Error = PlatformValues.Cut(error, 1000),
        });
        return new SyncRun(shopId, windows, pages, inserted, updated, unchanged, quarantined, throttled, error)
        {
            Http = context?.Timings.Http ?? TimeSpan.Zero, Parse = context?.Timings.Parse ?? TimeSpan.Zero, Store = storing.Elapsed,
        };
    }
}
