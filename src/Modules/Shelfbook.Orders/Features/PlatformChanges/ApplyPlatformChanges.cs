using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.PlatformChanges;

/// <summary>What a run did with the platforms' changes.</summary>
public sealed record PlatformChangesRun(int Changes, int Intercepted, int Cancelled, int Flagged, int Cleared, int Readdressed);

/// <summary>
/// Acts on what the platforms changed after an order was taken in (Channels' outbox of platform order changes): a refund
/// asked, a part refunded, the order refunded or cancelled, the receiver's address changed. The change says what
/// happened; the platform orders' current state says how things stand (a merged order stands for several).
/// <list type="bullet">
/// <item>Before audit: every platform order closed (cancelled or refunded) cancels the order; a refund asked or some
/// closed flags 退款中; a refund withdrawn clears it; a new address is taken (地址不全 follows).</item>
/// <item>Past audit and not shipped (audited, held after audit, in fulfillment): any of these intercepts the order
/// (拦截) and releases its stock in the same transaction; a refund still open flags 退款中 too, so released it waits
/// for a person. A refund withdrawn changes nothing.</item>
/// <item>Intercepted: flags, clears and takes the address as before audit; cancelling is a person's call.</item>
/// <item>Shipped, completed, cancelled or merged: nothing here (after-sales handles shipped ones).</item>
/// </list>
/// The parts split off an order stand for its platform orders too and are treated alike. Each order touched is claimed
/// in the state it was read (a change meanwhile refuses the round, which is tried again), and the changes are marked
/// handled in the same transaction, so none is acted on twice. A change of a platform order no order stands for yet
/// waits <see cref="IntakeGrace"/> for intake (which reads the current state anyway) and is then dropped.
/// </summary>
public sealed class ApplyPlatformChanges(TenantDbContext db, IReserveStock stock, CurrentUser user)
{
    public const int Batch = 2000;

    public static readonly TimeSpan IntakeGrace = TimeSpan.FromMinutes(10);

    private static readonly PlatformOrderChange[] RefundChanges =
        [PlatformOrderChange.RefundRequested, PlatformOrderChange.PartiallyRefunded, PlatformOrderChange.Refunded, PlatformOrderChange.Cancelled];

    public async Task<PlatformChangesRun> RunAsync(int max, CancellationToken ct)
    {
        var total = new PlatformChangesRun(0, 0, 0, 0, 0, 0);
        long after = 0;
        while (total.Changes < max)
        {
            var (run, last, read) = await RoundAsync(after, Math.Min(Batch, max - total.Changes), ct);
            total = new PlatformChangesRun(total.Changes + run.Changes, total.Intercepted + run.Intercepted, total.Cancelled + run.Cancelled,
                total.Flagged + run.Flagged, total.Cleared + run.Cleared, total.Readdressed + run.Readdressed);
            if (read < Batch) break;
            after = last;
        }
        return total;
    }

    private sealed class Counts
    {
        public int Intercepted, Cancelled, Flagged, Cleared, Readdressed;
    }

    /// <summary>One transaction over the next waiting changes after <paramref name="after"/>: what it did, the last change read and how many were read.</summary>
    private async Task<(PlatformChangesRun Run, long Last, int Read)> RoundAsync(long after, int take, CancellationToken ct)
    {
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var changes = await PlatformOrderChanges.Waiting(db).Where(c => c.Id > after).Take(take).ToListAsync(ct);
        if (changes.Count == 0) return (new PlatformChangesRun(0, 0, 0, 0, 0, 0), after, 0);
        var now = db.Time.StoredUtcNow();

        var platformIds = changes.Select(c => c.PlatformOrderId).Distinct().ToList();
        var rootOf = await db.Set<OrderSourceLink>().AsNoTracking().Where(s => EF.Parameter(platformIds).Contains(s.PlatformOrderId))
            .ToDictionaryAsync(s => s.PlatformOrderId, s => s.OrderId, ct);
        var handled = changes.Where(c => rootOf.ContainsKey(c.PlatformOrderId) || c.At < now - IntakeGrace).Select(c => c.Id).ToList();
        var roots = rootOf.Values.Distinct().ToList();

        // Every platform order of those orders (a merged one has several) as it stands now.
        var sourcesOf = (await db.Set<OrderSourceLink>().AsNoTracking().Where(s => EF.Parameter(roots).Contains(s.OrderId)).ToListAsync(ct))
            .ToLookup(s => s.OrderId, s => s.PlatformOrderId);
        var allSources = sourcesOf.SelectMany(g => g).Distinct().ToList();
        var heads = await PlatformOrdersForIntake.Heads(db).Where(h => EF.Parameter(allSources).Contains(h.Id)).ToDictionaryAsync(h => h.Id, ct);

        // The orders and the parts split off them (and off those), each under the order holding the platform orders.
        var familyOf = roots.ToDictionary(r => r, r => r);
        for (var frontier = roots; frontier.Count > 0;)
        {
            var parts = await db.Set<Order>().AsNoTracking().Where(o => o.SplitFrom != null && EF.Parameter(frontier).Contains(o.SplitFrom.Value))
                .Select(o => new { o.Id, From = o.SplitFrom!.Value }).ToListAsync(ct);
            parts = parts.Where(p => !familyOf.ContainsKey(p.Id)).ToList();
            foreach (var p in parts) familyOf[p.Id] = familyOf[p.From];
            frontier = parts.Select(p => p.Id).ToList();
        }
        var ids = familyOf.Keys.ToList();
        var orders = await db.Set<Order>().Where(o => EF.Parameter(ids).Contains(o.Id)).ToListAsync(ct);
        var read = orders.ToDictionary(o => o.Id, o => (o.Status, o.Exceptions));

        // A change stored before its order was taken in is in the order already (intake read the platform order as it
        // stood): only the later ones act.
        var createdOf = orders.ToDictionary(o => o.Id, o => o.CreatedAt);
        var changesOf = changes.Where(c => rootOf.TryGetValue(c.PlatformOrderId, out var root) && createdOf.TryGetValue(root, out var created) && c.At > created)
            .ToLookup(c => rootOf[c.PlatformOrderId]);
        var counts = new Counts();
        var entries = new List<(Order Order, OrderLogEntry Entry)>();
        var release = new List<Guid>();
        foreach (var order in orders)
        {
            var root = familyOf[order.Id];
            var its = changesOf[root].ToList();
            var standing = sourcesOf[root].Where(heads.ContainsKey).Select(id => heads[id]).ToList();
            foreach (var entry in Apply(order, its, standing, now, counts, release)) entries.Add((order, entry));
        }

        var touched = entries.Select(e => e.Order).Distinct().ToList();
        // Each order touched must still be as it was read, so an audit or a person cannot slip in between.
        await OrderClaims.ClaimAsync(db, touched.Select(o => (o.Id, read[o.Id].Status, read[o.Id].Exceptions)), now, "the platforms' changes were applied to them", ct);
        foreach (var (_, entry) in entries) (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
        db.AddRange(entries.Select(e => e.Entry));
        foreach (var group in entries.GroupBy(e => e.Order))
            db.Add(new AuditEntry
            {
                At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order", EntityId = group.Key.OrderNo,
                Action = "platform_change",
                Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
                {
                    ["status"] = [read[group.Key.Id].Status.ToString(), group.Key.Status.ToString()],
                    ["exceptions"] = [read[group.Key.Id].Exceptions.ToString(), group.Key.Exceptions.ToString()],
                    ["changes"] = [null, string.Join(",", changesOf[familyOf[group.Key.Id]].Select(c => c.Change.ToString()).Distinct())],
                }),
            });
        await db.SaveChangesAsync(ct);
        if (release.Count > 0)
        {
            await stock.ReleaseAsync(release, ct);
            await db.Set<OrderEstimate>().Where(e => EF.Parameter(release).Contains(e.OrderId)).ExecuteDeleteAsync(ct);
        }
        await PlatformOrderChanges.MarkHandledAsync(db, handled, now, ct);
        if (tx is not null) await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (new PlatformChangesRun(handled.Count, counts.Intercepted, counts.Cancelled, counts.Flagged, counts.Cleared, counts.Readdressed), changes[^1].Id, changes.Count);
    }

    /// <summary>What the changes do to one order, as its log entries (none: nothing to do).</summary>
    private static List<OrderLogEntry> Apply(Order order, List<PlatformOrderChangeRow> changes, List<PlatformOrderHead> standing, DateTime now, Counts counts,
        List<Guid> release)
    {
        var entries = new List<OrderLogEntry>();
        if (order.Status is OrderStatus.Shipped or OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.Merged || standing.Count == 0) return entries;
        var refundChange = changes.Any(c => RefundChanges.Contains(c.Change));
        var withdrawn = changes.Any(c => c.Change == PlatformOrderChange.RefundClosed);
        var readdress = changes.LastOrDefault(c => c.Change == PlatformOrderChange.AddressChanged) is { } moved
            ? standing.FirstOrDefault(h => h.Id == moved.PlatformOrderId) : null;
        var allClosed = standing.All(h => h.Cancelled || h.Refunded);
        var open = standing.Any(h => h.RefundRequested || h.PartlyRefunded || h.Cancelled || h.Refunded);
        var reason = allClosed ? (standing.All(h => h.Cancelled) ? "platform_cancelled" : "platform_refunded")
            : standing.Any(h => h.RefundRequested) ? "refund_requested"
            : standing.Any(h => h.PartlyRefunded) ? "partly_refunded" : "partly_closed";

        if (order.HoldsStock)
        {
            if (!(refundChange && open) && readdress is null) return entries;
            entries.Add(order.Intercept(refundChange && open ? reason : "address_changed", now));
            release.Add(order.Id);
            counts.Intercepted++;
        }
        else if (order.Status != OrderStatus.Intercepted && refundChange && allClosed)
        {
            entries.Add(order.Cancel(reason, now));
            counts.Cancelled++;
            return entries;
        }
        // Also when it is closed in full past audit: the intercepted order keeps 退款中, so releasing it cannot send it to audit unmarked.
        if (refundChange && open && order.Flag(OrderExceptions.RefundInProgress, reason, now) is { } flagged)
        {
            entries.Add(flagged);
            counts.Flagged++;
        }
        else if (withdrawn && !open && order.Clear(OrderExceptions.RefundInProgress, "refund_closed", now) is { } cleared)
        {
            entries.Add(cleared);
            counts.Cleared++;
        }
        if (readdress is not null)
        {
            entries.AddRange(order.Readdress(readdress.ReceiverName, readdress.ReceiverPhone, readdress.Country, readdress.Province, readdress.City, readdress.District,
                readdress.Address, readdress.PostalCode, now));
            counts.Readdressed++;
        }
        return entries;
    }
}
