using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.PushStock;

/// <summary>A shop's stock push as the page and the API show it.</summary>
public sealed record StockPushView(
    Guid ShopId, bool Enabled, int Buffer, int RatioPercent, IReadOnlyList<Guid> WarehouseIds, bool AllWarehouses, DateTime? NextPushAt, DateTime? LastPushAt,
    string? LastError, DateTime? LastErrorAt, int Waiting, int Refused);

/// <summary>
/// One listing's line on the drift page (库存同步): what Shelfbook would push (<see cref="Wanted"/>, null when the listing
/// is unmatched or left out), what the platform last accepted, and what it showed when its listings were last fetched.
/// </summary>
public sealed record ListingStockRow(
    Guid ListingId, string PlatformItemId, string PlatformSkuId, string? SellerCode, string? Title, string? Spec, Guid? SkuId, string? SkuCode, int Multiplier,
    long? Available, long? Wanted, long? Pushed, DateTime? PushedAt, long? PlatformQuantity, DateTime? PlatformQuantityAt, ListingStockSettings Settings,
    string? LastError, DateTime? RetryAt)
{
    /// <summary>What the platform shows less what it should show; null when either is unknown.</summary>
    public long? Drift => PlatformQuantity is { } shown && Wanted is { } wanted ? shown - wanted : null;

    /// <summary>The quantity of the last push attempt (a refused listing is retried early when its quantity moves on from it).</summary>
    public long? LastWanted { get; init; }

    /// <summary>Waiting to be pushed: the quantity changed since the last push, or was never pushed.</summary>
    public bool Waiting => Wanted is { } wanted && wanted != Pushed;
}

public enum ListingStockFilter
{
    All,

    /// <summary>The platform shows another quantity than Shelfbook would push.</summary>
    Drift,

    /// <summary>The quantity changed and waits for the next push.</summary>
    Waiting,

    /// <summary>The platform refused the last push.</summary>
    Refused,

    /// <summary>Not mapped to a SKU: nothing is pushed.</summary>
    Unmatched,
}

/// <summary>What one push run did; <see cref="Error"/> is why it stopped early (throttled, credentials refused, a server fault).</summary>
public sealed record StockPushRun(Guid ShopId, int Planned, int Pushed, int Refused, string? Error)
{
    public static StockPushRun Skipped(Guid shopId) => new(shopId, 0, 0, 0, "leased");
}

/// <summary>
/// Stock push (库存同步). For every mapped listing of a shop the quantity is computed set-based from the sellable stock
/// available in the shop's warehouses (all active warehouses when none are chosen): a combo offers the sets its
/// components make, a listing mapped with a multiplier offers that many fewer, then <see cref="StockFormula"/> applies the
/// shop's buffer and ratio and the listing's own rules. A run pushes only what changed since the last accepted push
/// (or everything when asked), in the platform's batch sizes, under a lease on the shop's push row; the worker runs
/// it every <c>Channels:StockPush:IntervalSeconds</c> (60), which debounces bursts of stock changes into one push.
/// </summary>
public sealed class PushStock(
    TenantDbContext db, ShopLinks links, IShopListings listings, ISkuDirectory skus, IReserveStock stock, IConfiguration configuration)
{
    public static readonly TimeSpan LeaseTime = TimeSpan.FromMinutes(5);
    public const int MaxWarehouses = 200;
    private const int Chunk = 1000;

    /// <summary>Listings sent between two lease renewals: at the platforms' one call per SKU and a 30 s timeout, well inside the lease.</summary>
    private const int Batch = 20;

    /// <summary>One run's share of a large push; the rest follows in the next round.</summary>
    private static readonly TimeSpan RunBudget = TimeSpan.FromMinutes(2);

    private TimeSpan Interval => TimeSpan.FromSeconds(Math.Max(5, configuration.GetValue("Channels:StockPush:IntervalSeconds", 60)));

    public async Task<StockPushView> GetAsync(Guid shopId, CancellationToken ct)
    {
        await ShopAsync(shopId, ct);
        var push = await db.Set<ShopStockPush>().AsNoTracking().SingleOrDefaultAsync(p => p.ShopId == shopId, ct);
        var warehouses = await db.Set<ShopWarehouse>().AsNoTracking().Where(w => w.ShopId == shopId).Select(w => w.WarehouseId).ToListAsync(ct);
        var waiting = await db.Set<ListingStock>().CountAsync(l => l.ShopId == shopId && l.WantedQuantity != null && l.WantedQuantity != l.PushedQuantity, ct);
        var refused = await db.Set<ListingStock>().CountAsync(l => l.ShopId == shopId && l.LastError != null, ct);
        return new StockPushView(shopId, push?.Enabled ?? false, push?.Buffer ?? 0, push?.RatioPercent ?? 100, warehouses, warehouses.Count == 0,
            push?.NextPushAt, push?.LastPushAt, push?.LastError, push?.LastErrorAt, waiting, refused);
    }

    /// <summary>The warehouses a shop may be served from (the settings' choices): the active ones and any it has chosen before.</summary>
    public async Task<List<WarehouseSummary>> WarehousesAsync(Guid shopId, CancellationToken ct)
    {
        var chosen = await db.Set<ShopWarehouse>().AsNoTracking().Where(w => w.ShopId == shopId).Select(w => w.WarehouseId).ToListAsync(ct);
        return await WarehouseQueries.Summaries(db).Where(w => w.Active || chosen.Contains(w.Id)).OrderBy(w => w.Code).ToListAsync(ct);
    }

    /// <summary>Sets the shop's rules; <c>warehouseIds</c> replaces the shop's warehouses (empty: every active warehouse).</summary>
    public async Task<StockPushView> ConfigureAsync(Guid shopId, StockPushSettings input, CancellationToken ct)
    {
        await ShopAsync(shopId, ct);
        var now = db.Time.StoredUtcNow();
        if (input.WarehouseIds is { } ids)
        {
            if (ids.Count > MaxWarehouses) throw new InputRejectedException("warehouseIds", "too_many", $"A shop is served by at most {MaxWarehouses} warehouses.", MaxWarehouses);
            var current = await db.Set<ShopWarehouse>().Where(w => w.ShopId == shopId).ToListAsync(ct);
            // A warehouse switched off since it was chosen may stay chosen (it counts for nothing); a new choice must be active.
            var known = await WarehouseQueries.Summaries(db).Where(w => ids.Contains(w.Id) && w.Active).Select(w => w.Id).ToListAsync(ct);
            known.AddRange(current.Select(w => w.WarehouseId));
            var check = new InputCheck();
            for (var i = 0; i < ids.Count; i++)
                if (!known.Contains(ids[i])) check.Add($"warehouseIds[{i}]", "not_found", "No active warehouse has this id.", ids[i].ToString());
            check.ThrowIfAny();
            db.Set<ShopWarehouse>().RemoveRange(current.Where(w => !ids.Contains(w.WarehouseId)));
            db.Set<ShopWarehouse>().AddRange(ids.Distinct().Where(id => current.All(w => w.WarehouseId != id)).Select(id => ShopWarehouse.Create(shopId, id)));
        }
        var push = await db.Set<ShopStockPush>().SingleOrDefaultAsync(p => p.ShopId == shopId, ct);
        if (push is null) db.Set<ShopStockPush>().Add(push = ShopStockPush.Create(shopId, now));
        var hasCredentials = await db.Set<ShopConnection>().AnyAsync(c => c.ShopId == shopId && c.ProtectedCredentials != null, ct);
        push.Configure(input, hasCredentials, now);
        await db.SaveChangesAsync(ct);
        return await GetAsync(shopId, ct);
    }

    /// <summary>Sets one listing's own rules (left out, fixed quantity, floor, ceiling).</summary>
    public async Task<ListingStockRow> ConfigureListingAsync(Guid shopId, Guid listingId, ListingStockSettings input, CancellationToken ct)
    {
        if (!await listings.Listings.AnyAsync(l => l.Id == listingId && l.ShopId == shopId, ct)) throw new NotFoundException("shop_listing", listingId);
        var now = db.Time.StoredUtcNow();
        var row = await db.Set<ListingStock>().SingleOrDefaultAsync(l => l.ListingId == listingId, ct);
        if (row is null) db.Set<ListingStock>().Add(row = ListingStock.Create(listingId, shopId, now));
        row.Configure(input, now);
        await db.SaveChangesAsync(ct);
        return (await PlanAsync(shopId, [listingId], ct)).Single();
    }

    /// <summary>The drift page's rows, filtered and paged by listing id.</summary>
    public async Task<Page<ListingStockRow>> ListAsync(Guid shopId, ListingStockFilter filter, string? search, PageRequest page, CancellationToken ct)
    {
        await ShopAsync(shopId, ct);
        var rows = await PlanAsync(shopId, null, ct);
        IEnumerable<ListingStockRow> shown = filter switch
        {
            ListingStockFilter.Drift => rows.Where(r => r.Drift is not null and not 0),
            ListingStockFilter.Waiting => rows.Where(r => r.Waiting),
            ListingStockFilter.Refused => rows.Where(r => r.LastError is not null),
            ListingStockFilter.Unmatched => rows.Where(r => r.SkuId is null),
            _ => rows,
        };
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            shown = shown.Where(r => r.PlatformItemId == term || r.PlatformSkuId == term || (r.SellerCode?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false)
                                     || (r.SkuCode?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false) || (r.Title?.Contains(term, StringComparison.Ordinal) ?? false));
        }
        if (page.AfterKey() is { } after && Guid.TryParse(after, out var afterId)) shown = shown.Where(r => r.ListingId.CompareTo(afterId) > 0);
        return Page.From(shown.OrderBy(r => r.ListingId).Take(page.Limit + 1).ToList(), page.Limit, r => r.ListingId.ToString());
    }

    /// <summary>
    /// Computes every listing's quantity (or the given ones'): a handful of set-based reads whatever the shop's size —
    /// listings, their push rows, combo parts, SKU codes and stock levels, each in chunks.
    /// </summary>
    public async Task<IReadOnlyList<ListingStockRow>> PlanAsync(Guid shopId, IReadOnlyCollection<Guid>? only, CancellationToken ct)
    {
        var push = await db.Set<ShopStockPush>().AsNoTracking().SingleOrDefaultAsync(p => p.ShopId == shopId, ct);
        var chosen = await db.Set<ShopWarehouse>().AsNoTracking().Where(w => w.ShopId == shopId).Select(w => w.WarehouseId).ToListAsync(ct);
        // Only active warehouses offer stock: the chosen ones, or every one when none is chosen.
        var warehouses = await WarehouseQueries.Summaries(db).Where(w => w.Active && (chosen.Count == 0 || chosen.Contains(w.Id))).Select(w => w.Id).ToListAsync(ct);
        var query = listings.Listings.Where(l => l.ShopId == shopId);
        if (only is not null) query = query.Where(l => only.Contains(l.Id));
        var found = await query.ToListAsync(ct);
        var rows = new Dictionary<Guid, ListingStock>();
        foreach (var chunk in found.Select(l => l.Id).Chunk(Chunk))
            foreach (var row in await db.Set<ListingStock>().AsNoTracking().Where(l => EF.Parameter(chunk).Contains(l.ListingId)).ToListAsync(ct))
                rows[row.ListingId] = row;
        var skuIds = found.Select(l => l.SkuId).OfType<Guid>().Distinct().ToList();
        var parts = new List<ComboPart>();
        foreach (var chunk in skuIds.Chunk(Chunk))
            parts.AddRange(await skus.ComboParts.Where(p => EF.Parameter(chunk).Contains(p.ComboSkuId)).ToListAsync(ct));
        var partsOf = parts.ToLookup(p => p.ComboSkuId);
        var codes = await skus.ByIdsAsync(skuIds, ct);
        var plain = skuIds.Where(id => !partsOf.Contains(id)).Concat(parts.Select(p => p.ComponentSkuId)).Distinct().ToList();
        var available = new Dictionary<(Guid Sku, Guid Warehouse), long>();
        if (warehouses.Count > 0)
            // A warehouse below zero (negative stock allowed) takes nothing from the others.
            foreach (var level in await stock.LevelsAsync(plain, warehouses, ct))
                available[(level.SkuId, level.WarehouseId)] = available.GetValueOrDefault((level.SkuId, level.WarehouseId)) + Math.Max(0, level.Available);
        // A combo is packed in one warehouse: each warehouse offers the sets its own components make, and the shop the
        // sum of those (a part in one warehouse and the other part in another make no set).
        long Available(Guid sku) => partsOf.Contains(sku)
            ? warehouses.Sum(w => partsOf[sku].Min(p => available.GetValueOrDefault((p.ComponentSkuId, w)) / Math.Max(1, p.Quantity)))
            : warehouses.Sum(w => available.GetValueOrDefault((sku, w)));
        var (buffer, ratio) = (push?.Buffer ?? 0, push?.RatioPercent ?? 100);
        return found.Select(l =>
        {
            var row = rows.GetValueOrDefault(l.Id);
            var settings = row?.Settings ?? new ListingStockSettings();
            long? units = l.SkuId is { } sku ? Available(sku) : null;
            long? wanted = units is { } u && !settings.OptOut ? StockFormula.Quantity(u, l.Multiplier, buffer, ratio, settings) : null;
            return new ListingStockRow(l.Id, l.PlatformItemId, l.PlatformSkuId, l.SellerCode, l.Title, l.Spec, l.SkuId,
                l.SkuId is { } id && codes.TryGetValue(id, out var s) ? s.Code : null, l.Multiplier, units, wanted, row?.PushedQuantity, row?.PushedAt,
                row?.PlatformQuantity, row?.PlatformQuantityAt, settings, row?.LastError, row?.RetryAt) { LastWanted = row?.WantedQuantity };
        }).ToList();
    }

    /// <summary>
    /// Pushes the shop's changed quantities (every quantity when <paramref name="everything"/>), in the platform's batch
    /// sizes, each batch's answers stored before the next is sent. Throttling ends the run (the rest waits for the next
    /// round, after the platform's wait); refused credentials also mark the shop 需要授权.
    /// </summary>
    public async Task<StockPushRun> RunAsync(Guid shopId, string node, bool everything, CancellationToken ct)
    {
        await ShopAsync(shopId, ct);
        var now = db.Time.StoredUtcNow();
        var until = now + LeaseTime;
        await OnceMoreIfRacedAsync(db, async () =>
        {
            if (await db.Set<ShopStockPush>().AnyAsync(p => p.ShopId == shopId, ct)) return;
            db.Set<ShopStockPush>().Add(ShopStockPush.Create(shopId, now));
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        });
        var claimed = await db.Set<ShopStockPush>()
            .Where(p => p.ShopId == shopId && (p.LeaseOwner == null || p.LeaseUntil < now || p.LeaseOwner == node))
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.LeaseOwner, node).SetProperty(p => p.LeaseUntil, until), ct);
        if (claimed == 0) return StockPushRun.Skipped(shopId);

        var (planned, pushed, refused) = (0, 0, 0);
        string? error = null;
        DateTime? next = null;
        var paused = false;
        try
        {
            var rows = await PlanAsync(shopId, null, ct);
            await ForgetStaleAsync(shopId, rows, ct);
            var plan = rows
                .Where(r => r.Wanted is not null && (everything || (r.Wanted != r.Pushed && (r.RetryAt is null || r.RetryAt <= now || r.Wanted != r.LastWanted))))
                .ToList();
            planned = plan.Count;
            if (plan.Count > 0)
            {
                var link = await links.OpenAsync(shopId, ct);
                await RecordWantedAsync(shopId, plan, now, ct);
                var budget = System.Diagnostics.Stopwatch.StartNew();
                foreach (var batch in plan.Chunk(Batch))
                {
                    // One run's share of a large push; the rest follows at once in the next round, so the shop's order
                    // sync and the tenant's write-backs are not kept waiting.
                    if (budget.Elapsed > RunBudget)
                    {
                        next = db.Time.StoredUtcNow();
                        break;
                    }
                    if (!await RenewAsync(shopId, node, ct))
                    {
                        error = "lease lost";
                        break;
                    }
                    var results = await link.Connector.PushStockAsync(link.Context,
                        batch.Select(r => new StockToPush(r.ListingId, r.PlatformItemId, r.PlatformSkuId, r.SellerCode, r.Wanted!.Value)).ToList(), ct);
                    // A run that lost its lease while the platform answered stops before writing: another node owns the shop now.
                    if (!await RenewAsync(shopId, node, ct))
                    {
                        error = "lease lost";
                        break;
                    }
                    var stop = await RecordResultsAsync(shopId, batch, results, ct);
                    pushed += results.Count(r => r.Error is null);
                    refused += results.Count(r => r.Error is { Failure: PlatformFailure.Request });
                    if (stop is not null)
                    {
                        error = stop.Message;
                        paused = stop.Failure == PlatformFailure.Authorization;
                        if (paused) await MarkAuthorizationAsync(shopId, stop.Message, ct);
                        next = db.Time.StoredUtcNow() + (stop.Failure == PlatformFailure.Throttled ? stop.RetryAfter ?? TimeSpan.FromSeconds(10) : Interval);
                        break;
                    }
                }
            }
        }
        catch (Exception e) when (!DatabaseErrors.IsStop(e, ct))
        {
            // A platform's refusal, or anything else (a database conflict, an answer of an unexpected shape): recorded on
            // the shop, which tries again at the next interval.
            error = e is PlatformCallException or RuleViolatedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            paused = e is PlatformCallException { Failure: PlatformFailure.Authorization };
            if (paused) await MarkAuthorizationAsync(shopId, e.Message, CancellationToken.None);
        }
        finally
        {
            var done = db.Time.StoredUtcNow();
            var message = PlatformValues.Cut(error, 1000);
            DateTime? errorAt = error is null ? null : done;
            // Refused credentials stop the schedule until someone enters new ones (ManageConnections resumes it).
            var nextAt = next ?? done + Interval;
            // (Two statements rather than a CASE over a null parameter, which PostgreSQL cannot type.)
            var released = db.Set<ShopStockPush>().Where(p => p.ShopId == shopId && p.LeaseOwner == node);
            if (paused)
                await released.ExecuteUpdateAsync(u => u
                    .SetProperty(p => p.LeaseOwner, (string?)null).SetProperty(p => p.LeaseUntil, (DateTime?)null)
                    .SetProperty(p => p.LastPushAt, done).SetProperty(p => p.LastError, message).SetProperty(p => p.LastErrorAt, errorAt)
                    .SetProperty(p => p.NextPushAt, (DateTime?)null), CancellationToken.None);
            else
                await released.ExecuteUpdateAsync(u => u
                    .SetProperty(p => p.LeaseOwner, (string?)null).SetProperty(p => p.LeaseUntil, (DateTime?)null)
                    .SetProperty(p => p.LastPushAt, done).SetProperty(p => p.LastError, message).SetProperty(p => p.LastErrorAt, errorAt)
                    .SetProperty(p => p.NextPushAt, p => p.Enabled ? nextAt : (DateTime?)null), CancellationToken.None);
        }
        return new StockPushRun(shopId, planned, pushed, refused, error);
    }

    /// <summary>
    /// Runs work that reads rows and adds the missing ones; when another run (a fetch and a push of the same shop) added
    /// one of them first, the unique key refuses the insert and the work runs once more, now finding that row.
    /// </summary>
    internal static async Task OnceMoreIfRacedAsync(TenantDbContext db, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (DbUpdateException e) when (Shelfbook.Data.DatabaseErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            await work();
        }
    }

    /// <summary>New credentials were given: a push schedule stopped by refused credentials starts again.</summary>
    public static Task ResumeAsync(TenantDbContext db, Guid shopId, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        return db.Set<ShopStockPush>().Where(p => p.ShopId == shopId && p.Enabled && p.NextPushAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.NextPushAt, now), ct);
    }

    /// <summary>Extends the lease; false when this node no longer holds it.</summary>
    private async Task<bool> RenewAsync(Guid shopId, string node, CancellationToken ct)
    {
        var renewed = db.Time.StoredUtcNow() + LeaseTime;
        return await db.Set<ShopStockPush>().Where(p => p.ShopId == shopId && p.LeaseOwner == node)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.LeaseUntil, renewed), ct) > 0;
    }

    /// <summary>Listings no longer pushed (left out, or their mapping gone) stop counting as waiting or refused.</summary>
    private async Task ForgetStaleAsync(Guid shopId, IReadOnlyList<ListingStockRow> rows, CancellationToken ct)
    {
        var stale = rows.Where(r => r.Wanted is null && (r.LastWanted is not null || r.LastError is not null)).Select(r => r.ListingId).ToList();
        foreach (var chunk in stale.Chunk(Chunk))
            await db.Set<ListingStock>().Where(l => l.ShopId == shopId && chunk.Contains(l.ListingId)).ExecuteUpdateAsync(u => u
                .SetProperty(l => l.WantedQuantity, (long?)null).SetProperty(l => l.LastError, (string?)null).SetProperty(l => l.RetryAt, (DateTime?)null), ct);
    }

    /// <summary>The quantities about to be sent, kept on the listings' rows (created on the way).</summary>
    private async Task RecordWantedAsync(Guid shopId, List<ListingStockRow> plan, DateTime now, CancellationToken ct)
    {
        foreach (var chunk in plan.Chunk(Chunk))
        {
            await OnceMoreIfRacedAsync(db, async () =>
            {
                var ids = chunk.Select(r => r.ListingId).ToList();
                var existing = await db.Set<ListingStock>().Where(l => ids.Contains(l.ListingId)).ToDictionaryAsync(l => l.ListingId, ct);
                foreach (var row in chunk)
                {
                    if (!existing.TryGetValue(row.ListingId, out var stored)) db.Set<ListingStock>().Add(stored = ListingStock.Create(row.ListingId, shopId, now));
                    stored.Want(row.Wanted!.Value, now);
                }
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            });
        }
    }

    /// <summary>Stores a batch's answers; returns the failure that stops the run, if any.</summary>
    private async Task<PlatformCallException?> RecordResultsAsync(Guid shopId, ListingStockRow[] batch, IReadOnlyList<StockPushResult> results, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var ids = results.Select(r => r.ListingId).ToList();
        var rows = await db.Set<ListingStock>().Where(l => l.ShopId == shopId && ids.Contains(l.ListingId)).ToDictionaryAsync(l => l.ListingId, ct);
        var wanted = batch.ToDictionary(r => r.ListingId, r => r.Wanted!.Value);
        PlatformCallException? stop = null;
        foreach (var result in results)
        {
            if (!rows.TryGetValue(result.ListingId, out var row)) continue;
            if (result.Error is null) row.Pushed(wanted[result.ListingId], now);
            else if (result.Error.Failure == PlatformFailure.Request) row.Refused(result.Error.Message, now);
            else stop ??= result.Error;
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return stop;
    }

    private async Task MarkAuthorizationAsync(Guid shopId, string message, CancellationToken ct)
    {
        var at = db.Time.StoredUtcNow();
        var text = PlatformValues.Cut(message, 1000);
        await db.Set<ShopConnection>().Where(c => c.ShopId == shopId).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.Health, ConnectionHealth.AuthorizationNeeded).SetProperty(c => c.LastError, text).SetProperty(c => c.LastErrorAt, at)
            .SetProperty(c => c.NextSyncAt, (DateTime?)null), ct);
    }

    private async Task ShopAsync(Guid shopId, CancellationToken ct)
    {
        if (!await ShopQueries.Summaries(db).AnyAsync(s => s.Id == shopId, ct)) throw new NotFoundException("shop", shopId);
    }
}
