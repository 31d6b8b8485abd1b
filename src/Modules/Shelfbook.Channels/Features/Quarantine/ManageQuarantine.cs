using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.PlatformOrders;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.Quarantine;

/// <summary>
/// The quarantine's actions: retry fetches the order from its platform again and stores it (the entry resolves when the
/// record now reads; it stays open with the new error when it does not); dismiss closes an entry nobody needs.
/// </summary>
public sealed class ManageQuarantine(TenantDbContext db, ShopLinks links, StorePlatformOrders store)
{
    public async Task<QuarantineRow> RetryAsync(long id, CancellationToken ct)
    {
        var entry = await OpenAsync(id, ct);
        if (entry.PlatformOrderId is null)
            throw new RuleViolatedException("quarantine.no_order_id", "The record shows no order id to fetch again; dismiss it.");
        ShopSummary shop;
        PulledRecord? record;
        try
        {
            var link = await links.OpenAsync(entry.ShopId, ct);
            shop = link.Shop;
            record = await link.Connector.FetchAsync(link.Context, entry.PlatformOrderId, ct);
        }
        catch (PlatformCallException e)
        {
            throw new RuleViolatedException("quarantine.platform_failed", $"The platform did not answer: {e.Message}", e.Message);
        }
        if (record is null)
            throw new RuleViolatedException("quarantine.order_gone", $"The platform no longer knows order {entry.PlatformOrderId}; dismiss the entry.", entry.PlatformOrderId);
        await store.StoreAsync(shop.Id, shop.Platform, [record], ct);
        return await RowAsync(id, ct);
    }

    public async Task<QuarantineRow> DismissAsync(long id, CancellationToken ct)
    {
        var entry = await OpenAsync(id, ct);
        entry.State = QuarantineState.Dismissed;
        entry.LastSeenAt = db.Time.StoredUtcNow();
        await db.SaveChangesAsync(ct);
        return await RowAsync(id, ct);
    }

    private async Task<QuarantinedRecord> OpenAsync(long id, CancellationToken ct)
    {
        var entry = await db.Set<QuarantinedRecord>().SingleOrDefaultAsync(q => q.Id == id, ct) ?? throw new NotFoundException("quarantined record", id);
        if (entry.State != QuarantineState.Open)
            throw new RuleViolatedException("quarantine.closed", "The entry is closed already.");
        return entry;
    }

    private Task<QuarantineRow> RowAsync(long id, CancellationToken ct) =>
        db.Set<QuarantinedRecord>().AsNoTracking().Where(q => q.Id == id)
            .Select(q => new QuarantineRow(q.Id, q.ShopId, q.PlatformOrderId, q.Error, q.Payload, q.State, q.Occurrences, q.FirstSeenAt, q.LastSeenAt)).SingleAsync(ct);
}
