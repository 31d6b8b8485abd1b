using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.ConfirmShipments;

public sealed record ConfirmationRow(
    long Id, Guid ShopId, string PlatformOrderId, string? PlatformLineIds, string TrackingNo, string CarrierCode, ConfirmationState State, int Attempts,
    DateTime? NextAttemptAt, string? LastError, DateTime CreatedAt, DateTime? AcceptedAt);

public sealed record SendRun(int Sent, int Accepted, int Retrying, int Rejected);

/// <summary>
/// The write-back outbox (回传): queues confirmations idempotently, and sends the due ones. A sender takes a row with a
/// conditional update (state Sending, owner, expiry), so two nodes never send the same row at once; a row whose sender
/// died is taken again when its lease expires. Passing failures (server errors, timeouts) wait 1, 2, 4 … minutes (at
/// most an hour, twelve attempts); throttling counts no attempt and waits what the platform asks (at least
/// <see cref="ThrottleWait"/>); refusals (bad carrier, closed order, credentials) wait for a person.
/// </summary>
public sealed class SendConfirmations(TenantDbContext db, ShopLinks links, IConfiguration configuration) : IConfirmShipments
{
    /// <summary>
    /// A send is one or two platform calls of at most Channels:Http:TimeoutSeconds each; the lease outlasts both with room
    /// (<c>Channels:WriteBack:LeaseSeconds</c>, 5 minutes by default). A row whose sender died is sent again after it, and
    /// the connector first asks the platform whether the number is there already.
    /// </summary>
    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(5, configuration.GetValue("Channels:WriteBack:LeaseSeconds", 300)));

    /// <summary>The least a throttled send waits before it is tried again.</summary>
    public static readonly TimeSpan ThrottleWait = TimeSpan.FromSeconds(5);

    public async Task<long> EnqueueAsync(ConfirmShipmentRequest request, CancellationToken ct) => (await QueueAsync(request, ct)).Id;

    public async Task<ConfirmationRow> QueueAsync(ConfirmShipmentRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var order = check.Required("platformOrderId", request.PlatformOrderId, PlatformOrder.IdMax);
        var tracking = check.Required("trackingNo", request.TrackingNo, 64);
        var carrier = check.Required("carrierCode", request.CarrierCode?.Trim().ToUpperInvariant(), 16);
        if (carrier.Length > 0 && !CarrierCodes.Names.ContainsKey(carrier))
            check.Add("carrierCode", "unknown_carrier", $"carrierCode must be one of {string.Join(", ", CarrierCodes.Names.Keys)}.", string.Join(", ", CarrierCodes.Names.Keys));
        var lines = request.PlatformLineIds?.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? [];
        if (lines.Any(l => l.Length > PlatformOrder.IdMax || l.Contains(',', StringComparison.Ordinal)))
            check.Add("platformLineIds", "invalid", "platformLineIds are platform line ids without commas.");
        check.ThrowIfAny();
        var shop = await ShopQueries.Summaries(db).SingleOrDefaultAsync(s => s.Id == request.ShopId, ct) ?? throw new NotFoundException("shop", request.ShopId);
        if (CarrierCodes.For(shop.Platform, carrier) is null)
            throw new InputRejectedException("carrierCode", "carrier_not_on_platform", $"{shop.Platform} has no code for carrier {carrier}.", shop.Platform.ToString(), carrier);
        if (!await db.Set<ShopConnection>().AnyAsync(c => c.ShopId == shop.Id && c.ProtectedCredentials != null, ct))
            throw new RuleViolatedException("connection.not_linked", $"Shop {shop.Code} has no platform credentials yet; link it before confirming shipments.", shop.Code);
        var lineIds = lines.Count == 0 ? null : string.Join(",", lines);
        var existing = await db.Set<ShipmentConfirmation>()
            .SingleOrDefaultAsync(c => c.ShopId == shop.Id && c.PlatformOrderId == order && c.TrackingNo == tracking, ct);
        if (existing is null)
        {
            existing = new ShipmentConfirmation
            {
                ShopId = shop.Id, PlatformOrderId = order, TrackingNo = tracking, CarrierCode = carrier, PlatformLineIds = lineIds,
                State = ConfirmationState.Pending, CreatedAt = db.Time.StoredUtcNow(),
            };
            db.Set<ShipmentConfirmation>().Add(existing);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (Shelfbook.Data.DatabaseErrors.IsUniqueViolation(e))
            {
                // The same parcel queued at the same moment by someone else: theirs is the one. Only this row is let go;
                // a caller's own pending changes (Fulfillment queues inside its transaction) stay tracked.
                db.Entry(existing).State = EntityState.Detached;
                existing = await db.Set<ShipmentConfirmation>().AsNoTracking()
                    .SingleAsync(c => c.ShopId == shop.Id && c.PlatformOrderId == order && c.TrackingNo == tracking, ct);
            }
        }
        else if (existing.State is ConfirmationState.Pending or ConfirmationState.Rejected && (existing.CarrierCode, existing.PlatformLineIds) != (carrier, lineIds))
        {
            // Not sent successfully yet: queuing it again with a corrected carrier or lines corrects it.
            (existing.CarrierCode, existing.PlatformLineIds, existing.State, existing.NextAttemptAt) = (carrier, lineIds, ConfirmationState.Pending, db.Time.StoredUtcNow());
            await db.SaveChangesAsync(ct);
        }
        return Row(existing);
    }

    public async Task<IReadOnlyList<QueuedConfirmation>> EnqueueManyAsync(IReadOnlyList<ConfirmShipmentRequest> requests, CancellationToken ct)
    {
        var results = new QueuedConfirmation[requests.Count];
        var shopIds = requests.Select(r => r.ShopId).Distinct().ToList();
        var shops = await ShopQueries.Summaries(db).Where(s => EF.Parameter(shopIds).Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var linked = (await db.Set<ShopConnection>().Where(c => EF.Parameter(shopIds).Contains(c.ShopId) && c.ProtectedCredentials != null).Select(c => c.ShopId)
            .ToListAsync(ct)).ToHashSet();
        var wanted = new List<(int At, ShipmentConfirmation Row)>();
        var now = db.Time.StoredUtcNow();
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var (order, tracking, carrier) = (r.PlatformOrderId?.Trim(), r.TrackingNo?.Trim(), r.CarrierCode?.Trim().ToUpperInvariant());
            var lines = r.PlatformLineIds?.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Distinct(StringComparer.Ordinal).ToList() ?? [];
            results[i] =
                string.IsNullOrEmpty(order) || order.Length > PlatformOrder.IdMax ? new QueuedConfirmation(false, "invalid_order", "The platform order id is missing or too long.")
                : string.IsNullOrEmpty(tracking) || tracking.Length > 64 ? new QueuedConfirmation(false, "invalid_tracking", "The tracking number is missing or longer than 64 characters.")
                : string.IsNullOrEmpty(carrier) || !CarrierCodes.Names.ContainsKey(carrier)
                    ? new QueuedConfirmation(false, "unknown_carrier", $"Carrier {carrier} is none of {string.Join(", ", CarrierCodes.Names.Keys)}.", carrier ?? "")
                : lines.Any(l => l.Length > PlatformOrder.IdMax || l.Contains(',', StringComparison.Ordinal))
                    ? new QueuedConfirmation(false, "invalid_lines", "platformLineIds are platform line ids without commas.")
                : !shops.TryGetValue(r.ShopId, out var shop) ? new QueuedConfirmation(false, "unknown_shop", $"No shop {r.ShopId}.")
                : CarrierCodes.For(shop.Platform, carrier) is null
                    ? new QueuedConfirmation(false, "carrier_not_on_platform", $"{shop.Platform} has no code for carrier {carrier}.", shop.Platform.ToString(), carrier)
                : !linked.Contains(shop.Id)
                    ? new QueuedConfirmation(false, "connection.not_linked", $"Shop {shop.Code} has no platform credentials yet; link it before confirming shipments.", shop.Code)
                : new QueuedConfirmation(true);
            if (results[i].Queued)
                wanted.Add((i, new ShipmentConfirmation
                {
                    ShopId = r.ShopId, PlatformOrderId = order!, TrackingNo = tracking!, CarrierCode = carrier!, PlatformLineIds = lines.Count == 0 ? null : string.Join(",", lines),
                    State = ConfirmationState.Pending, CreatedAt = now,
                }));
        }
        // Queued before (or twice in this call): one confirmation each.
        var known = new HashSet<(Guid, string, string)>();
        foreach (var chunk in wanted.Select(w => w.Row.PlatformOrderId).Distinct().Chunk(5000))
            foreach (var c in await db.Set<ShipmentConfirmation>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.PlatformOrderId))
                         .Select(c => new { c.ShopId, c.PlatformOrderId, c.TrackingNo }).ToListAsync(ct))
                known.Add((c.ShopId, c.PlatformOrderId, c.TrackingNo));
        var fresh = wanted.Where(w => known.Add((w.Row.ShopId, w.Row.PlatformOrderId, w.Row.TrackingNo))).Select(w => w.Row).ToList();
        if (fresh.Count > 0) await db.BulkInsertAsync(fresh, ct);
        return results;
    }

    /// <summary>Rows a sender leases at once: one statement takes them, one reads them, one marks those the platforms accepted.</summary>
    public const int Round = 500;

    /// <summary>
    /// Sends up to <paramref name="max"/> due confirmations of the tenant, <see cref="Round"/> at a time: the round's rows
    /// are leased together, each shop's rows are sent in order (one call in flight per shop, so a shop's link and its
    /// call limit are used as one sender would), up to <c>Channels:WriteBack:Parallel</c> shops at once (8), and the
    /// accepted ones are marked together. A shop that a platform throttled, or whose sends outlast half the lease, sends
    /// nothing more this round: its remaining rows go back unattempted.
    /// </summary>
    public async Task<SendRun> SendDueAsync(string node, int max, CancellationToken ct)
    {
        var total = new SendRun(0, 0, 0, 0);
        while (total.Sent < max)
        {
            var (run, leased) = await SendRoundAsync(node, Math.Min(Round, max - total.Sent), ct);
            total = new SendRun(total.Sent + run.Sent, total.Accepted + run.Accepted, total.Retrying + run.Retrying, total.Rejected + run.Rejected);
            // A round that sent nothing it leased (every shop throttled) ends the call: the rows wait their time.
            if (leased < Round || run.Sent == 0) break;
        }
        return total;
    }

    /// <summary>What became of a leased row: accepted, failed (with its new state), or not sent this round.</summary>
    private sealed record Outcome(long Id, int Attempts, ConfirmationState State, string? Error, DateTime? NextAttemptAt, DateTime? AcceptedAt, bool Sent);

    private async Task<(SendRun Run, int Leased)> SendRoundAsync(string node, int take, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var ids = await Due(now).OrderBy(c => c.Id).Take(take).Select(c => c.Id).ToListAsync(ct);
        if (ids.Count == 0) return (new SendRun(0, 0, 0, 0), 0);
        // The round's own owner name, so that its rows are told apart from those of the node's earlier rounds.
        var owner = $"{(node.Length > 40 ? node[..40] : node)}/{Guid.NewGuid().ToString("N")[..16]}";
        var lease = Lease;
        var until = now + lease;
        await Due(now).Where(c => EF.Parameter(ids).Contains(c.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, ConfirmationState.Sending).SetProperty(c => c.LeaseOwner, owner).SetProperty(c => c.LeaseUntil, until), ct);
        var rows = await db.Set<ShipmentConfirmation>().AsNoTracking().Where(c => c.LeaseOwner == owner && c.State == ConfirmationState.Sending)
            .OrderBy(c => c.Id).ToListAsync(ct);

        // Links are opened one by one (they read the database); a shop whose link cannot open fails its rows like a passing failure.
        var opened = new Dictionary<Guid, (ShopLink? Link, Exception? Error)>();
        using var gate = new SemaphoreSlim(1, 1);
        foreach (var shopId in rows.Select(r => r.ShopId).Distinct())
            try
            {
                var link = await links.OpenAsync(shopId, ct);
                // The connectors call back into the database (rotated tokens) while other shops send: one at a time.
                var (save, reload) = (link.Context.SaveCredentials, link.Context.ReloadCredentials);
                opened[shopId] = (link with
                {
                    Context = link.Context with
                    {
                        SaveCredentials = save is null ? null : async (values, token) =>
                        {
                            await gate.WaitAsync(token);
                            try { await save(values, token); }
                            finally { gate.Release(); }
                        },
                        ReloadCredentials = reload is null ? null : async token =>
                        {
                            await gate.WaitAsync(token);
                            try { return await reload(token); }
                            finally { gate.Release(); }
                        },
                    },
                }, null);
            }
            catch (Exception e) when (!DatabaseErrors.IsStop(e, ct))
            {
                opened[shopId] = (null, e);
            }

        var outcomes = new System.Collections.Concurrent.ConcurrentBag<Outcome>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var parallel = Math.Clamp(configuration.GetValue("Channels:WriteBack:Parallel", 8), 1, 64);
        await Parallel.ForEachAsync(rows.GroupBy(r => r.ShopId), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (shop, token) =>
        {
            DateTime? holdUntil = null;
            foreach (var row in shop)
            {
                if (holdUntil is not null || clock.Elapsed > lease / 2)
                {
                    // Not sent: back to waiting, no attempt counted (after a throttle, until the platform lets it call again).
                    outcomes.Add(new Outcome(row.Id, row.Attempts, ConfirmationState.Pending, row.LastError, holdUntil ?? db.Time.StoredUtcNow(), null, false));
                    continue;
                }
                var outcome = await SendAsync(row, opened[row.ShopId], token);
                outcomes.Add(outcome);
                if (outcome.Error is not null && outcome.Attempts == row.Attempts && outcome.State == ConfirmationState.Pending) holdUntil = outcome.NextAttemptAt;
            }
        });

        // Accepted rows are marked together; the others (failures, rows not sent) one by one. Only rows this round still holds.
        var at = db.Time.StoredUtcNow();
        foreach (var chunk in outcomes.Where(o => o.State == ConfirmationState.Accepted).Select(o => o.Id).Chunk(5_000))
            await db.Set<ShipmentConfirmation>().Where(c => EF.Parameter(chunk).Contains(c.Id) && c.LeaseOwner == owner).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.State, ConfirmationState.Accepted).SetProperty(c => c.Attempts, c => c.Attempts + 1).SetProperty(c => c.LastError, (string?)null)
                .SetProperty(c => c.NextAttemptAt, (DateTime?)null).SetProperty(c => c.AcceptedAt, at)
                .SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null), CancellationToken.None);
        foreach (var o in outcomes.Where(o => o.State != ConfirmationState.Accepted))
            await db.Set<ShipmentConfirmation>().Where(c => c.Id == o.Id && c.LeaseOwner == owner).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.State, o.State).SetProperty(c => c.Attempts, o.Attempts).SetProperty(c => c.LastError, o.Error)
                .SetProperty(c => c.NextAttemptAt, o.NextAttemptAt).SetProperty(c => c.AcceptedAt, (DateTime?)null)
                .SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null), CancellationToken.None);
        var sent = outcomes.Where(o => o.Sent).ToList();
        return (new SendRun(sent.Count, sent.Count(o => o.State == ConfirmationState.Accepted), sent.Count(o => o.State == ConfirmationState.Pending),
            sent.Count(o => o.State == ConfirmationState.Rejected)), ids.Count);
    }

    /// <summary>One confirmation to its platform, and what it leaves the row in.</summary>
    private async Task<Outcome> SendAsync(ShipmentConfirmation row, (ShopLink? Link, Exception? Error) opened, CancellationToken ct)
    {
        string? error = null;
        var retry = false;
        var throttle = false;
        TimeSpan? wait = null;
        try
        {
            if (opened.Error is not null) throw opened.Error;
            var link = opened.Link!;
            var code = CarrierCodes.For(link.Shop.Platform, row.CarrierCode)
                       ?? throw new PlatformCallException(PlatformFailure.Request, "carrier", $"{link.Shop.Platform} has no code for carrier {row.CarrierCode}.");
            await link.Connector.ConfirmShipmentAsync(link.Context,
                new ShipmentToConfirm(row.PlatformOrderId, row.PlatformLineIds?.Split(',') ?? [], row.TrackingNo, code), ct);
        }
        catch (PlatformCallException e)
        {
            (error, retry, throttle, wait) = (e.Message, e.Failure is PlatformFailure.Throttled or PlatformFailure.Server, e.Failure == PlatformFailure.Throttled, e.RetryAfter);
        }
        catch (RuleViolatedException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Anything else (the shop's link gone, a database hiccup, a call cancelled by a timeout) is an attempt that failed
            // and waits like a passing failure.
            (error, retry) = ($"{e.GetType().Name}: {e.Message}", true);
        }
        // Throttling says nothing about the row (the platform's call limit was reached): it is not an attempt, and the row
        // waits only as long as the platform asks (at least ThrottleWait), not the minutes of back-off of a failure.
        var attempts = throttle ? row.Attempts : row.Attempts + 1;
        var at = db.Time.StoredUtcNow();
        var state = error is null ? ConfirmationState.Accepted
            : throttle || (retry && attempts < ShipmentConfirmation.MaxAttempts) ? ConfirmationState.Pending : ConfirmationState.Rejected;
        var backoff = throttle ? ThrottleWait : ShipmentConfirmation.Backoff(attempts);
        DateTime? next = state == ConfirmationState.Pending ? at + (wait is { } w && w > backoff ? w : backoff) : null;
        return new Outcome(row.Id, attempts, state, PlatformValues.Cut(error, 1000), next, error is null ? at : null, true);
    }

    /// <summary>Sends a refused or waiting confirmation again at the next round (after a person fixed the cause).</summary>
    public async Task<ConfirmationRow> RetryAsync(long id, CancellationToken ct)
    {
        var row = await db.Set<ShipmentConfirmation>().SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("shipment confirmation", id);
        if (row.State == ConfirmationState.Accepted) throw new RuleViolatedException("confirmation.already_accepted", "The platform accepted this confirmation already; it is never sent twice.");
        if (row.State == ConfirmationState.Sending) throw new RuleViolatedException("confirmation.in_flight", "The confirmation is being sent right now.");
        (row.State, row.NextAttemptAt) = (ConfirmationState.Pending, db.Time.StoredUtcNow());
        await db.SaveChangesAsync(ct);
        return Row(row);
    }

    public async Task<Page<ConfirmationRow>> ListAsync(Guid? shopId, ConfirmationState? state, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<ShipmentConfirmation>().AsNoTracking();
        if (shopId is { } shop) query = query.Where(c => c.ShopId == shop);
        if (state is { } s) query = query.Where(c => c.State == s);
        if (page.AfterKey() is { } after)
        {
            if (!long.TryParse(after, out var id)) throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            query = query.Where(c => c.Id < id);
        }
        var rows = await query.OrderByDescending(c => c.Id).Take(page.Limit + 1).ToListAsync(ct);
        return Page.From(rows.Select(Row).ToList(), page.Limit, r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private IQueryable<ShipmentConfirmation> Due(DateTime now) =>
        db.Set<ShipmentConfirmation>().Where(c => (c.State == ConfirmationState.Pending && (c.NextAttemptAt == null || c.NextAttemptAt <= now))
                                                  || (c.State == ConfirmationState.Sending && c.LeaseUntil < now));

    private static ConfirmationRow Row(ShipmentConfirmation c) =>
        new(c.Id, c.ShopId, c.PlatformOrderId, c.PlatformLineIds, c.TrackingNo, c.CarrierCode, c.State, c.Attempts, c.NextAttemptAt, c.LastError, c.CreatedAt, c.AcceptedAt);
}
