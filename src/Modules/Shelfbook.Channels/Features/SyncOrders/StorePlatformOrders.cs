using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Connectors;
using Shelfbook.Channels.Contracts;
using Shelfbook.Channels.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Features.SyncOrders;

/// <summary>What storing one page did.</summary>
public sealed record StoredPage(int Inserted, int Updated, int Unchanged, int Quarantined);

/// <summary>
/// Stores a page of pulled records in one transaction, idempotently on (shop, platform order id): new orders go in by
/// the bulk path, a newer version replaces the stored one (lines included), an older or equal one changes nothing.
/// An unreadable record is quarantined (or its quarantine entry counted again) and the rest of the page goes on; a
/// readable one resolves the open quarantine entry of its order. Status changes that matter downstream become events.
/// </summary>
public sealed class StorePlatformOrders(TenantDbContext db)
{
    public async Task<StoredPage> StoreAsync(Guid shopId, ShopPlatform platform, IReadOnlyList<PulledRecord> records, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        // Ids and codes longer than their columns cannot be stored (nor cut: they would name something else): quarantined.
        records = records.Select(r => r.Order is { } o && Misfit(o) is { } misfit ? PulledRecord.Unreadable(r.Payload, misfit, PlatformValues.Cut(o.PlatformOrderId, PlatformOrder.IdMax)) : r).ToList();
        // The same order twice in a page (a platform repeating a record across pages): the newest reading counts.
        var readable = records.Where(r => r.Order is not null).GroupBy(r => r.Order!.PlatformOrderId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(r => r.Order!.UpdatedAt)!).ToList();
        var ids = readable.Select(r => r.Order!.PlatformOrderId).ToList();
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var existing = await db.Set<PlatformOrder>().Where(o => o.ShopId == shopId && ids.Contains(o.PlatformOrderId)).ToDictionaryAsync(o => o.PlatformOrderId, StringComparer.Ordinal, ct);
        var inserted = new List<PlatformOrder>();
        var insertedLines = new List<PlatformOrderLine>();
        var replaced = new List<Guid>();
        var events = new List<PlatformOrderEvent>();
        var unchanged = 0;
        foreach (var record in readable)
        {
            var data = record.Order!;
            if (existing.TryGetValue(data.PlatformOrderId, out var stored))
            {
                if (data.UpdatedAt <= stored.PlatformUpdatedAt) { unchanged++; continue; }
                events.AddRange(Changes(stored, data, now));
                Describe(stored, data, record.Payload, now);
                stored.Revision++;
                replaced.Add(stored.Id);
                insertedLines.AddRange(Lines(stored.Id, data));
            }
            else
            {
                var order = new PlatformOrder { ShopId = shopId, Platform = platform, PlatformOrderId = data.PlatformOrderId, FirstStoredAt = now };
                Describe(order, data, record.Payload, now);
                inserted.Add(order);
                insertedLines.AddRange(Lines(order.Id, data));
                if (data.Refund == RefundState.Requested) events.Add(Event(order, PlatformOrderChange.RefundRequested, now));
                if (data.Status == PlatformOrderStatus.Cancelled) events.Add(Event(order, PlatformOrderChange.Cancelled, now));
            }
        }
        if (replaced.Count > 0)
            foreach (var chunk in replaced.Chunk(1000))
                await db.Set<PlatformOrderLine>().Where(l => chunk.Contains(l.OrderId)).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        await db.BulkInsertAsync(inserted, ct);
        await db.BulkInsertAsync(insertedLines, ct);
        await db.BulkInsertAsync(events, ct);

        var quarantined = await QuarantineAsync(shopId, records.Where(r => r.Order is null).ToList(), ids, now, ct);
        if (transaction is not null) await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new StoredPage(inserted.Count, replaced.Count, unchanged, quarantined);
    }

    private async Task<int> QuarantineAsync(Guid shopId, List<PulledRecord> unreadable, List<string> readIds, DateTime now, CancellationToken ct)
    {
        if (readIds.Count > 0)
            await db.Set<QuarantinedRecord>()
                .Where(q => q.ShopId == shopId && q.State == QuarantineState.Open && q.PlatformOrderId != null && readIds.Contains(q.PlatformOrderId))
                .ExecuteUpdateAsync(u => u.SetProperty(q => q.State, QuarantineState.Resolved).SetProperty(q => q.LastSeenAt, now), ct);
        if (unreadable.Count == 0) return 0;
        var named = unreadable.Where(r => r.PlatformOrderId is not null).Select(r => r.PlatformOrderId!).Distinct().ToList();
        var open = await db.Set<QuarantinedRecord>()
            .Where(q => q.ShopId == shopId && q.State == QuarantineState.Open && q.PlatformOrderId != null && named.Contains(q.PlatformOrderId))
            .ToDictionaryAsync(q => q.PlatformOrderId!, StringComparer.Ordinal, ct);
        foreach (var record in unreadable)
        {
            if (record.PlatformOrderId is { } id && open.TryGetValue(id, out var entry))
            {
                (entry.Error, entry.Payload, entry.LastSeenAt) = (PlatformValues.Cut(record.Error, 1000)!, record.Payload, now);
                entry.Occurrences++;
                continue;
            }
            var added = new QuarantinedRecord
            {
                ShopId = shopId, PlatformOrderId = record.PlatformOrderId, Error = PlatformValues.Cut(record.Error, 1000)!, Payload = record.Payload,
                FirstSeenAt = now, LastSeenAt = now,
            };
            db.Set<QuarantinedRecord>().Add(added);
            if (record.PlatformOrderId is { } named2) open[named2] = added;
        }
        await db.SaveChangesAsync(ct);
        return unreadable.Count;
    }

    /// <summary>What does not fit the columns, or null.</summary>
    private static string? Misfit(PlatformOrderData o)
    {
        if (o.PlatformOrderId.Length > PlatformOrder.IdMax) return $"The order id is longer than {PlatformOrder.IdMax} characters.";
        if (o.ReceiverName?.Length > PlatformOrder.ReceiverMax || o.ReceiverPhone?.Length > PlatformOrder.ReceiverMax)
            return $"The receiver's name or phone is longer than {PlatformOrder.ReceiverMax} characters.";
        if (o.Address?.Length > PlatformOrder.AddressMax) return $"The address is longer than {PlatformOrder.AddressMax} characters.";
        foreach (var l in o.Lines)
            if (l.PlatformLineId.Length > PlatformOrder.IdMax || l.PlatformItemId?.Length > PlatformOrder.IdMax || l.PlatformSkuId?.Length > PlatformOrder.IdMax
                || l.SellerCode?.Length > 64)
                return $"Line {l.PlatformLineId}: an id or the seller code is longer than {PlatformOrder.IdMax} characters.";
        return null;
    }

    private static IEnumerable<PlatformOrderEvent> Changes(PlatformOrder stored, PlatformOrderData data, DateTime now)
    {
        if (data.Refund != stored.Refund)
        {
            if (data.Refund == RefundState.Requested) yield return Event(stored, PlatformOrderChange.RefundRequested, now);
            else if (data.Refund == RefundState.Refunded) yield return Event(stored, PlatformOrderChange.Refunded, now);
            else if (data.Refund == RefundState.PartiallyRefunded) yield return Event(stored, PlatformOrderChange.PartiallyRefunded, now);
            else if (stored.Refund == RefundState.Requested) yield return Event(stored, PlatformOrderChange.RefundClosed, now);
        }
        if (data.Status == PlatformOrderStatus.Cancelled && stored.Status != PlatformOrderStatus.Cancelled)
            yield return Event(stored, PlatformOrderChange.Cancelled, now);
        if ((data.ReceiverName, data.ReceiverPhone, data.Province, data.City, data.District, data.Address)
            != (stored.ReceiverName, stored.ReceiverPhone, stored.Province, stored.City, stored.District, stored.Address))
            yield return Event(stored, PlatformOrderChange.AddressChanged, now);
    }

    private static PlatformOrderEvent Event(PlatformOrder order, PlatformOrderChange change, DateTime now) =>
        new() { OrderId = order.Id, ShopId = order.ShopId, PlatformOrderId = order.PlatformOrderId, Change = change, At = now };

    private static void Describe(PlatformOrder o, PlatformOrderData d, string payload, DateTime now)
    {
        (o.Status, o.PlatformStatus, o.Refund, o.PlacedAt, o.PaidAt, o.PlatformUpdatedAt) = (d.Status, d.PlatformStatus, d.Refund, d.PlacedAt, d.PaidAt, d.UpdatedAt);
        // Free text is cut to its column; names, phones and addresses (which may be ciphertext) were checked whole above.
        (o.BuyerNick, o.BuyerMessage, o.SellerMemo, o.ReceiverName, o.ReceiverPhone) =
            (PlatformValues.Cut(d.BuyerNick, 100), PlatformValues.Cut(d.BuyerMessage, 500), PlatformValues.Cut(d.SellerMemo, 500), d.ReceiverName, d.ReceiverPhone);
        (o.Country, o.Province, o.City, o.District, o.Address, o.PostalCode) =
            (PlatformValues.Cut(d.Country, 100), PlatformValues.Cut(d.Province, 100), PlatformValues.Cut(d.City, 100), PlatformValues.Cut(d.District, 100), d.Address,
                PlatformValues.Cut(d.PostalCode, 100));
        (o.Currency, o.GoodsAmount, o.Discount, o.Postage, o.Paid, o.LineCount) = (d.Currency, d.GoodsAmount, d.Discount, d.Postage, d.Paid, d.Lines.Count);
        (o.Presale, o.ShipBy, o.RawPayload, o.StoredAt) = (d.Presale, d.ShipBy, payload, now);
    }

    private static IEnumerable<PlatformOrderLine> Lines(Guid orderId, PlatformOrderData data) =>
        data.Lines.Select((l, i) => new PlatformOrderLine
        {
            OrderId = orderId, Position = i, PlatformLineId = l.PlatformLineId, PlatformItemId = l.PlatformItemId, PlatformSkuId = l.PlatformSkuId,
            SellerCode = l.SellerCode, Title = PlatformValues.Cut(l.Title, 200), Spec = PlatformValues.Cut(l.Spec, 200), Quantity = l.Quantity, Price = l.Price, Paid = l.Paid, Refund = l.Refund,
        });
}
