using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.ManageConnections;

/// <summary>A shop with its platform link as the API and the pages show it: which credentials are set, never their values.</summary>
public sealed record ShopConnectionView(
    Guid ShopId, string Code, string Name, ShopPlatform Platform, bool Supported, IReadOnlyList<string> RequiredCredentials, IReadOnlyList<string> CredentialsSet,
    DateTime? CredentialsChangedAt, string? ApiBaseUrl, bool SyncEnabled, int SyncIntervalSeconds, DateTime FirstPullFrom, DateTime? Cursor,
    DateTime? NextSyncAt, DateTime? LastSuccessAt, string? LastError, DateTime? LastErrorAt, ConnectionHealth Health, bool Syncing)
{
    /// <summary>The sync monitor's figures: new platform orders stored today (the tenant's day), write-backs waiting or refused, open quarantine.</summary>
    public ShopMonitor Monitor { get; init; } = ShopMonitor.None;

    /// <summary>How far behind now the stored orders reach (now − cursor), in seconds; null before the first window.</summary>
    public long? LagSeconds { get; init; }

    /// <summary>Credentials the shop may also hold (a refresh token that renews an expired access token).</summary>
    public IReadOnlyList<string> OptionalCredentials { get; init; } = [];

    /// <summary>The platform has its own consent page (店铺授权): the app's credentials are entered, the rest comes from the seller's consent.</summary>
    public IReadOnlyList<string>? ConsentCredentials { get; init; }
}

public sealed record ShopMonitor(int OrdersToday, int ConfirmationsWaiting, int ConfirmationsRefused, int Quarantined)
{
    public static readonly ShopMonitor None = new(0, 0, 0, 0);

    /// <summary>Today's sync runs, how often the platform throttled them, and how many stopped early.</summary>
    public int RunsToday { get; init; }

    public int ThrottledToday { get; init; }

    public int FailedRunsToday { get; init; }

    /// <summary>The stock-push queue: listings whose quantity waits to be pushed, and listings the platform refused.</summary>
    public int StockWaiting { get; init; }

    public int StockRefused { get; init; }
}

public sealed record CredentialsInput(Dictionary<string, string?>? Values);

/// <summary>Shops' platform links: credentials (encrypted, write-only), sync settings, and the list the sync monitor reads.</summary>
public sealed class ManageConnections(TenantDbContext db, ConnectorRegistry connectors, ConnectionSecrets secrets, Shelfbook.Platform.Tenancy.CurrentUser user)
{
    public async Task<Page<ShopConnectionView>> ListAsync(PageRequest page, CancellationToken ct)
    {
        var after = page.AfterKey();
        var shops = await ShopQueries.Summaries(db).Where(s => s.Active && s.Platform != ShopPlatform.Offline)
            .Where(s => after == null || s.Code.CompareTo(after) > 0)
            .OrderBy(s => s.Code).Take(page.Limit + 1).ToListAsync(ct);
        var ids = shops.Select(s => s.Id).ToList();
        var links = await db.Set<ShopConnection>().AsNoTracking().Where(c => ids.Contains(c.ShopId)).ToDictionaryAsync(c => c.ShopId, ct);
        var now = db.Time.StoredUtcNow();
        var monitors = await MonitorsAsync(ids, ct);
        return Page.From(shops.Select(s => View(s, links.GetValueOrDefault(s.Id), now) with { Monitor = monitors.GetValueOrDefault(s.Id, ShopMonitor.None) }).ToList(),
            page.Limit, v => v.Code);
    }

    public async Task<ShopConnectionView> GetAsync(Guid shopId, CancellationToken ct)
    {
        var shop = await ShopAsync(shopId, ct);
        var view = View(shop, await db.Set<ShopConnection>().AsNoTracking().SingleOrDefaultAsync(c => c.ShopId == shopId, ct), db.Time.StoredUtcNow());
        return view with { Monitor = (await MonitorsAsync([shopId], ct)).GetValueOrDefault(shopId, ShopMonitor.None) };
    }

    /// <summary>The monitor's counts for a page of shops: one grouped query per figure.</summary>
    private async Task<Dictionary<Guid, ShopMonitor>> MonitorsAsync(List<Guid> shopIds, CancellationToken ct)
    {
        var today = TenantTime.StartOfToday(db.Time, Shelfbook.Platform.Tenancy.PrincipalExtensions.TenantZone(user.Principal));
        var orders = await db.Set<PlatformOrder>().Where(o => shopIds.Contains(o.ShopId) && o.FirstStoredAt >= today)
            .GroupBy(o => o.ShopId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var confirmations = await db.Set<ShipmentConfirmation>()
            .Where(c => shopIds.Contains(c.ShopId) && c.State != ConfirmationState.Accepted)
            .GroupBy(c => new { c.ShopId, Refused = c.State == ConfirmationState.Rejected }).Select(g => new { g.Key.ShopId, g.Key.Refused, Count = g.Count() })
            .ToListAsync(ct);
        var quarantined = await db.Set<QuarantinedRecord>().Where(q => shopIds.Contains(q.ShopId) && q.State == QuarantineState.Open)
            .GroupBy(q => q.ShopId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var runs = await db.Set<SyncRunLog>().Where(r => shopIds.Contains(r.ShopId) && r.StartedAt >= today)
            .GroupBy(r => r.ShopId).Select(g => new { g.Key, Runs = g.Count(), Throttled = g.Sum(r => r.Throttled), Failed = g.Count(r => r.Error != null) })
            .ToDictionaryAsync(x => x.Key, ct);
        var stock = await db.Set<ListingStock>().Where(l => shopIds.Contains(l.ShopId) && (l.LastError != null || (l.WantedQuantity != null && l.WantedQuantity != l.PushedQuantity)))
            .GroupBy(l => l.ShopId).Select(g => new { g.Key, Waiting = g.Count(l => l.WantedQuantity != l.PushedQuantity), Refused = g.Count(l => l.LastError != null) })
            .ToDictionaryAsync(x => x.Key, ct);
        return shopIds.ToDictionary(id => id, id => new ShopMonitor(
            orders.GetValueOrDefault(id), confirmations.Where(c => c.ShopId == id && !c.Refused).Sum(c => c.Count),
            confirmations.Where(c => c.ShopId == id && c.Refused).Sum(c => c.Count), quarantined.GetValueOrDefault(id))
        {
            RunsToday = runs.GetValueOrDefault(id)?.Runs ?? 0, ThrottledToday = runs.GetValueOrDefault(id)?.Throttled ?? 0, FailedRunsToday = runs.GetValueOrDefault(id)?.Failed ?? 0,
            StockWaiting = stock.GetValueOrDefault(id)?.Waiting ?? 0, StockRefused = stock.GetValueOrDefault(id)?.Refused ?? 0,
        });
    }

    /// <summary>Replaces the shop's credentials: every one the platform needs, none it does not know; blank values are refused.</summary>
    public async Task<ShopConnectionView> SetCredentialsAsync(Guid shopId, CredentialsInput input, CancellationToken ct)
    {
        var shop = await ShopAsync(shopId, ct);
        var connector = connectors.For(shop.Platform);
        var check = new InputCheck();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in connector.CredentialNames)
        {
            var value = input.Values?.GetValueOrDefault(name)?.Trim();
            if (string.IsNullOrEmpty(value)) check.Add($"values.{name}", "required", $"{name} is required for {shop.Platform}.", name);
            else if (value.Length > 2000) check.Add($"values.{name}", "too_long", $"{name} is longer than 2000 characters.", name, 2000);
            else values[name] = value;
        }
        foreach (var name in connector.OptionalCredentialNames)
            if (input.Values?.GetValueOrDefault(name)?.Trim() is { Length: > 0 } value)
            {
                if (value.Length > 2000) check.Add($"values.{name}", "too_long", $"{name} is longer than 2000 characters.", name, 2000);
                else values[name] = value;
            }
        foreach (var name in input.Values?.Keys ?? Enumerable.Empty<string>())
            if (!connector.CredentialNames.Contains(name) && !connector.OptionalCredentialNames.Contains(name))
                check.Add($"values.{name}", "unknown_credential",
                    $"{shop.Platform} has no credential '{name}'; it takes {string.Join(", ", connector.CredentialNames.Concat(connector.OptionalCredentialNames))}.", name);
        check.ThrowIfAny();
        var now = db.Time.StoredUtcNow();
        var connection = await LinkAsync(shopId, now, ct);
        connection.SetCredentials(values.Keys, secrets.Protect(shopId, values), now);
        await db.SaveChangesAsync(ct);
        await PushStock.PushStock.ResumeAsync(db, shopId, ct);
        return await GetAsync(shopId, ct);
    }

    /// <summary>The shop's most recent sync runs (同步日志), newest first.</summary>
    public async Task<IReadOnlyList<SyncRunLog>> RunsAsync(Guid shopId, int? limit, CancellationToken ct)
    {
        await ShopAsync(shopId, ct);
        if (limit is < 1 or > 200) throw new InputRejectedException("limit", "out_of_range", "limit must be between 1 and 200.", 1, 200);
        return await db.Set<SyncRunLog>().AsNoTracking().Where(r => r.ShopId == shopId).OrderByDescending(r => r.Id).Take(limit ?? 50).ToListAsync(ct);
    }

    public async Task<ShopConnectionView> ConfigureAsync(Guid shopId, ConnectionSettings input, CancellationToken ct)
    {
        var shop = await ShopAsync(shopId, ct);
        connectors.For(shop.Platform);
        var now = db.Time.StoredUtcNow();
        var connection = await LinkAsync(shopId, now, ct);
        connection.Configure(input, now);
        await db.SaveChangesAsync(ct);
        return await GetAsync(shopId, ct);
    }

    private async Task<ShopConnection> LinkAsync(Guid shopId, DateTime now, CancellationToken ct)
    {
        var connection = await db.Set<ShopConnection>().SingleOrDefaultAsync(c => c.ShopId == shopId, ct);
        if (connection is not null) return connection;
        connection = ShopConnection.Create(shopId, now);
        db.Set<ShopConnection>().Add(connection);
        return connection;
    }

    private async Task<ShopSummary> ShopAsync(Guid shopId, CancellationToken ct) =>
        await ShopQueries.Summaries(db).SingleOrDefaultAsync(s => s.Id == shopId, ct) ?? throw new NotFoundException("shop", shopId);

    private ShopConnectionView View(ShopSummary shop, ShopConnection? c, DateTime now)
    {
        var connector = connectors.Find(shop.Platform);
        return new ShopConnectionView(
            shop.Id, shop.Code, shop.Name, shop.Platform, connector is not null, connector?.CredentialNames ?? [],
            c is null || c.CredentialNames == "" ? [] : c.CredentialNames.Split(','), c?.CredentialsChangedAt, c?.ApiBaseUrl,
            c?.SyncEnabled ?? false, c?.SyncIntervalSeconds ?? 300, c?.FirstPullFrom ?? now.AddDays(-1), c?.Cursor, c?.NextSyncAt, c?.LastSuccessAt,
            c?.LastError, c?.LastErrorAt, c?.Health ?? ConnectionHealth.New, c?.LeaseUntil > now)
        {
            LagSeconds = c?.Cursor is { } cursor ? (long)(now - cursor).TotalSeconds : null,
            ConsentCredentials = (connector as IConsentFlow)?.AppCredentialNames,
            OptionalCredentials = connector?.OptionalCredentialNames ?? [],
        };
    }
}
