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

    /// <summary>Sends up to <paramref name="max"/> due confirmations of the tenant, shop by shop.</summary>
    public async Task<SendRun> SendDueAsync(string node, int max, CancellationToken ct)
    {
        var due = await Due(db.Time.StoredUtcNow()).OrderBy(c => c.Id).Take(max).Select(c => new { c.Id, c.ShopId }).ToListAsync(ct);
        var (sent, accepted, retrying, rejected) = (0, 0, 0, 0);
        var opened = new Dictionary<Guid, ShopLink?>();
        // A shop whose platform throttled a send gets no more sends this round: the next would be throttled too.
        var throttled = new HashSet<Guid>();
        foreach (var (id, shopId) in due.Select(d => (d.Id, d.ShopId)))
        {
            if (throttled.Contains(shopId)) continue;
            // Each row's lease starts when it is taken, not when the round began: a round of slow sends must not hand out expired leases.
            var now = db.Time.StoredUtcNow();
            var until = now + Lease;
            if (await Due(now).Where(c => c.Id == id)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, ConfirmationState.Sending).SetProperty(c => c.LeaseOwner, node).SetProperty(c => c.LeaseUntil, until), ct) == 0)
                continue;
            var row = await db.Set<ShipmentConfirmation>().AsNoTracking().SingleAsync(c => c.Id == id, ct);
            sent++;
            string? error = null;
            var retry = false;
            var throttle = false;
            TimeSpan? wait = null;
            try
            {
                if (!opened.TryGetValue(row.ShopId, out var link)) opened[row.ShopId] = link = await links.OpenAsync(row.ShopId, ct);
                var code = CarrierCodes.For(link!.Shop.Platform, row.CarrierCode)
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
            catch (Exception e) when (!DatabaseErrors.IsStop(e, ct))
            {
                // Anything else (the shop's link gone, a database hiccup) is an attempt that failed and waits like a passing failure.
                (error, retry) = ($"{e.GetType().Name}: {e.Message}", true);
            }
            // Throttling says nothing about the row (the platform's call limit was reached): it is not an attempt, and the row
            // waits only as long as the platform asks (at least ThrottleWait), not the minutes of back-off of a failure.
            var attempts = throttle ? row.Attempts : row.Attempts + 1;
            if (throttle) throttled.Add(row.ShopId);
            var at = db.Time.StoredUtcNow();
            var message = PlatformValues.Cut(error, 1000);
            var state = error is null ? ConfirmationState.Accepted
                : throttle || (retry && attempts < ShipmentConfirmation.MaxAttempts) ? ConfirmationState.Pending : ConfirmationState.Rejected;
            var backoff = throttle ? ThrottleWait : ShipmentConfirmation.Backoff(attempts);
            DateTime? next = state == ConfirmationState.Pending ? at + (wait is { } w && w > backoff ? w : backoff) : null;
            DateTime? acceptedAt = error is null ? at : null;
            await db.Set<ShipmentConfirmation>().Where(c => c.Id == id && c.LeaseOwner == node).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.State, state).SetProperty(c => c.Attempts, attempts).SetProperty(c => c.LastError, message)
                .SetProperty(c => c.NextAttemptAt, next).SetProperty(c => c.AcceptedAt, acceptedAt)
                .SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null), CancellationToken.None);
            switch (state)
            {
                case ConfirmationState.Accepted: accepted++; break;
                case ConfirmationState.Pending: retrying++; break;
                default: rejected++; break;
            }
        }
        return new SendRun(sent, accepted, retrying, rejected);
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
