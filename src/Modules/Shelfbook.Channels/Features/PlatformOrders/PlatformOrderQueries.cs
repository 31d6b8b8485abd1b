using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.PlatformOrders;

public sealed record PlatformOrderRow(
    Guid Id, Guid ShopId, string PlatformOrderId, PlatformOrderStatus Status, string PlatformStatus, RefundState Refund, DateTime PlacedAt, DateTime? PaidAt,
    DateTime PlatformUpdatedAt, string? BuyerNick, string? ReceiverName, string? Province, string? City, string Currency, long Paid, int LineCount, int Revision,
    bool Presale = false, DateTime? ShipBy = null);

public sealed record PlatformOrderDetail(PlatformOrder Order, IReadOnlyList<PlatformOrderLine> Lines, IReadOnlyList<PlatformOrderEvent> Events);

public sealed record QuarantineRow(long Id, Guid ShopId, string? PlatformOrderId, string Error, string Payload, QuarantineState State, int Occurrences, DateTime FirstSeenAt, DateTime LastSeenAt);

/// <summary>Platform orders (原始单) and the quarantine, newest first, a keyset page at a time.</summary>
public sealed class PlatformOrderQueries(TenantDbContext db)
{
    public async Task<Page<PlatformOrderRow>> ListAsync(Guid? shopId, string? search, PlatformOrderStatus? status, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<PlatformOrder>().AsNoTracking();
        if (shopId is { } shop) query = query.Where(o => o.ShopId == shop);
        if (status is { } s) query = query.Where(o => o.Status == s);
        if (!string.IsNullOrWhiteSpace(search)) query = query.Where(o => o.PlatformOrderId.StartsWith(search.Trim()));
        if (page.AfterKey() is { } after)
        {
            // (updated, platform order id) descending: unique within a shop, and across shops but for two shops' equal ids at one instant.
            var split = after.IndexOf('|', StringComparison.Ordinal);
            if (split < 0 || !long.TryParse(after[..split], out var ticks))
                throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            var (at, id) = (new DateTime(ticks, DateTimeKind.Utc), after[(split + 1)..]);
            query = query.Where(o => o.PlatformUpdatedAt < at || (o.PlatformUpdatedAt == at && o.PlatformOrderId.CompareTo(id) < 0));
        }
        var rows = await query.OrderByDescending(o => o.PlatformUpdatedAt).ThenByDescending(o => o.PlatformOrderId).Take(page.Limit + 1)
            .Select(o => new PlatformOrderRow(o.Id, o.ShopId, o.PlatformOrderId, o.Status, o.PlatformStatus, o.Refund, o.PlacedAt, o.PaidAt, o.PlatformUpdatedAt,
                o.BuyerNick, o.ReceiverName, o.Province, o.City, o.Currency, o.Paid, o.LineCount, o.Revision, o.Presale, o.ShipBy))
            .ToListAsync(ct);
        return Page.From(rows, page.Limit, r => $"{r.PlatformUpdatedAt.Ticks}|{r.PlatformOrderId}");
    }

    public async Task<PlatformOrderDetail> GetAsync(Guid id, CancellationToken ct)
    {
        var order = await db.Set<PlatformOrder>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("platform order", id);
        var lines = await db.Set<PlatformOrderLine>().AsNoTracking().Where(l => l.OrderId == id).OrderBy(l => l.Position).ToListAsync(ct);
        var events = await db.Set<PlatformOrderEvent>().AsNoTracking().Where(e => e.OrderId == id).OrderBy(e => e.Id).ToListAsync(ct);
        return new PlatformOrderDetail(order, lines, events);
    }

    public async Task<Page<QuarantineRow>> QuarantineAsync(Guid? shopId, QuarantineState? state, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<QuarantinedRecord>().AsNoTracking();
        if (shopId is { } shop) query = query.Where(q => q.ShopId == shop);
        query = query.Where(q => q.State == (state ?? QuarantineState.Open));
        if (page.AfterKey() is { } after)
        {
            if (!long.TryParse(after, out var id)) throw new InputRejectedException("after", "invalid_cursor", "after is not a cursor returned by this list.");
            query = query.Where(q => q.Id < id);
        }
        var rows = await query.OrderByDescending(q => q.Id).Take(page.Limit + 1)
            .Select(q => new QuarantineRow(q.Id, q.ShopId, q.PlatformOrderId, q.Error, q.Payload, q.State, q.Occurrences, q.FirstSeenAt, q.LastSeenAt)).ToListAsync(ct);
        return Page.From(rows, page.Limit, r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
