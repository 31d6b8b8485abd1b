using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Channels.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Addresses;
using Shelfbook.Orders.Domain;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.IntakeOrders;

/// <summary>What one intake did: orders taken in, and how many of them went to pending audit, 异常 or 挂起.</summary>
public sealed record IntakeRun(int TakenIn, int Pending, int Exceptions, int Held, bool More, int Merged = 0);

/// <summary>
/// 订单接入: paid platform orders not yet taken in become system orders, oldest payment first, a batch at a time.
/// Each line is resolved through the catalog (listing mapping with multipliers, codes, aliases, replacements, combos),
/// the shop's own SKU kept beside what it resolved to. An order with a line that resolves to nothing, an incomplete
/// address, a refund under way or a buyer remark goes to 异常 with those reasons; one the platform forbids to ship yet
/// is held. A platform order is taken in once: the source key refuses a second, and a batch that meets one another
/// node took meanwhile is dropped whole and read again. The tenant's order settings may flag amounts that look wrong
/// (金额异常) and merge merge candidates at once (自动合并).
/// </summary>
public sealed class IntakeOrders(TenantDbContext db, IResolveLines resolver, ISkuDirectory skus, MergeSplit.RearrangeOrders rearrange, CurrentUser user)
{
    /// <summary>Orders per transaction: large enough that commits (and SQLite's checkpoints) are few.</summary>
    public const int Batch = 10_000;

    /// <summary>
    /// Takes in up to <paramref name="max"/> platform orders (all waiting ones when null): the waiting ones are listed
    /// once, oldest payment first, and taken in <see cref="Batch"/> at a time, each batch one transaction.
    /// </summary>
    public async Task<IntakeRun> RunAsync(int? max, CancellationToken ct)
    {
        var (taken, pending, exceptions, held) = (0, 0, 0, 0);
        var settings = await Settings.ManageOrderSettings.ReadAsync(db, ct);
        var waiting = await Waiting(db).OrderBy(h => h.PaidAt).ThenBy(h => h.Id).Select(h => h.Id).Take(max ?? int.MaxValue).ToListAsync(ct);
        foreach (var chunk in waiting.Chunk(Batch))
        {
            // By key only, so the database only looks rows up; one that stopped being "to ship" since the list was read is
            // left out here, and one another node took in meanwhile is caught by the sources' key below.
            var heads = (await PlatformOrdersForIntake.Heads(db).Where(h => EF.Parameter(chunk).Contains(h.Id)).ToListAsync(ct))
                .Where(h => h.ToShip).OrderBy(h => h.PaidAt).ThenBy(h => h.Id).ToList();
            for (var attempt = 1; heads.Count > 0; attempt++)
            {
                var (orders, partners) = await BuildAsync(heads, settings, ct);
                try
                {
                    await SaveAsync(orders, partners, ct);
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Another node took in some of these since the list was read: nothing of this batch was written; leave
                    // those out and go again.
                    var ids = heads.Select(h => h.Id).ToList();
                    var gone = (await db.Set<OrderSourceLink>().Where(s => EF.Parameter(ids).Contains(s.PlatformOrderId)).Select(s => s.PlatformOrderId).ToListAsync(ct)).ToHashSet();
                    heads = heads.Where(h => !gone.Contains(h.Id)).ToList();
                    continue;
                }
                taken += orders.Count;
                pending += orders.Count(o => o.Order.Status == OrderStatus.PendingAudit);
                exceptions += orders.Count(o => o.Order.Status == OrderStatus.Exception);
                held += orders.Count(o => o.Order.Status == OrderStatus.Held);
                break;
            }
        }
        var merged = settings.AutoMerge && taken > 0 ? await rearrange.AutoMergeAsync(Batch, ct) : 0;
        return new IntakeRun(taken, pending, exceptions, held, await Waiting(db).AnyAsync(ct), merged);
    }

    /// <summary>Paid platform orders to ship that no system order stands for yet.</summary>
    public static IQueryable<PlatformOrderHead> Waiting(TenantDbContext db) =>
        PlatformOrdersForIntake.Heads(db).Where(h => h.ToShip && !db.Set<OrderSourceLink>().Any(s => s.PlatformOrderId == h.Id));

    private sealed record Built(Order Order, List<OrderLine> Lines, List<OrderItem> Items, OrderSourceLink Source, OrderLogEntry Log);

    private async Task<(List<Built> Orders, List<Order> Partners)> BuildAsync(List<PlatformOrderHead> heads, OrderSettings settings, CancellationToken ct)
    {
        var ids = heads.Select(h => h.Id).ToList();
        var lines = new List<PlatformOrderLineRow>();
        foreach (var chunk in ids.Chunk(Batch))
            lines.AddRange(await PlatformOrdersForIntake.Lines(db).Where(l => EF.Parameter(chunk).Contains(l.OrderId)).ToListAsync(ct));
        var linesOf = lines.Where(l => !l.Refunded).OrderBy(l => l.Position).ToLookup(l => l.OrderId);
        var headOf = heads.ToDictionary(h => h.Id);
        var asked = heads.SelectMany(h => linesOf[h.Id]).ToList();
        var resolutions = await resolver.ResolveAsync(
            asked.Select(l => new LineToResolve(headOf[l.OrderId].ShopId, l.PlatformItemId, l.PlatformSkuId, l.SellerCode, l.Quantity, l.Paid, headOf[l.OrderId].PlacedAt)).ToList(),
            null, ct);
        var resolutionOf = asked.Select((l, i) => (l, r: resolutions[i])).ToDictionary(p => p.l, p => p.r);
        // 金额异常 below cost needs the SKUs' cost prices: read only when the check is on.
        var costs = settings.AnomalyBelowCostPercent is null
            ? null
            : await skus.ByIdsAsync(resolutions.SelectMany(r => r.Parts.Select(p => p.SkuId)).Distinct(), ct);

        var now = db.Time.StoredUtcNow();
        var seen = await RecentAsync(heads, now, ct);
        // 可合并: orders of the same shop, buyer and receiver at the same address, in this batch or waiting already.
        // The receiver's place read against the region list (浙江 → 浙江省, a one-line address split), before it is compared.
        var placeOf = heads.ToDictionary(h => h.Id, h => ChinaRegions.Normalize(h.Country, h.Province, h.City, h.District, h.Address));
        (Guid?, string?, string?, string?, string?, string?, string?, string?) KeyOf(PlatformOrderHead h)
        {
            var place = placeOf[h.Id];
            return (h.ShopId, h.BuyerNick, h.ReceiverName, h.ReceiverPhone, place.Province, place.City, place.District, place.Street);
        }
        var inBatch = heads.Where(h => h.BuyerNick is not null).GroupBy(KeyOf).ToDictionary(g => g.Key, g => g.Count());
        var waiting = (await WaitingPartnersAsync(heads, ct)).ToLookup(o => o.MergeKey);
        var partners = new List<Order>();
        var first = await OrderNumbers.TakeAsync(db, user.TimeZone, heads.Count, ct);
        var built = new List<Built>(heads.Count);
        for (var n = 0; n < heads.Count; n++)
        {
            var h = heads[n];
            var place = placeOf[h.Id];
            var order = new Order
            {
                OrderNo = OrderNumbers.Format(first.Day, first.Serial + n), Origin = OrderOrigin.Platform, ShopId = h.ShopId, PlatformOrderNo = h.PlatformOrderId,
                BuyerNick = h.BuyerNick, BuyerMessage = h.BuyerMessage, SellerMemo = h.SellerMemo, ReceiverName = h.ReceiverName, ReceiverPhone = h.ReceiverPhone,
                Country = h.Country, Province = place.Province, City = place.City, District = place.District, Address = place.Street, PostalCode = h.PostalCode,
                Currency = h.Currency, GoodsAmount = h.GoodsAmount, Discount = h.Discount, Postage = h.Postage, Paid = h.Paid,
                PlacedAt = h.PlacedAt, PaidAt = h.PaidAt, Presale = h.Presale, ShipBy = h.ShipBy,
            };
            var orderLines = new List<OrderLine>();
            var items = new List<OrderItem>();
            var exceptions = OrderExceptions.None;
            foreach (var l in linesOf[h.Id])
            {
                var r = resolutionOf[l];
                var line = new OrderLine
                {
                    OrderId = order.Id, Position = orderLines.Count, PlatformOrderId = h.Id, PlatformLineId = l.PlatformLineId, PlatformItemId = l.PlatformItemId,
                    PlatformSkuId = l.PlatformSkuId, SellerCode = l.SellerCode, Title = l.Title, Spec = l.Spec, Quantity = l.Quantity, Price = l.Price, Paid = l.Paid,
                    SkuId = r.SkuId, SkuCode = r.SkuCode, Multiplier = r.Multiplier,
                    ResolutionCode = r.Failure?.Code, ResolutionMessage = Cut(r.Failure?.Message, 300),
                };
                orderLines.Add(line);
                if (!r.Resolved) exceptions |= OrderExceptions.SkuNotMapped;
                foreach (var part in r.Parts)
                    items.Add(new OrderItem
                    {
                        OrderId = order.Id, LineId = line.Id, SkuId = part.SkuId, SkuCode = part.SkuCode, Quantity = checked((int)part.Quantity), Amount = part.Amount,
                        ComboSkuId = part.ComboSkuId, ReplacedSkuId = part.ReplacedSkuId,
                    });
            }
            if (orderLines.Count == 0) exceptions |= OrderExceptions.SkuNotMapped;
            if (!order.AddressComplete) exceptions |= OrderExceptions.AddressIncomplete;
            if (h.RefundRequested) exceptions |= OrderExceptions.RefundInProgress;
            if (!string.IsNullOrWhiteSpace(h.BuyerMessage)) exceptions |= OrderExceptions.RemarkToRead;
            if (AmountLooksWrong(order, items, settings, costs)) exceptions |= OrderExceptions.AmountAnomaly;
            (order.LineCount, order.Quantity) = (orderLines.Count, orderLines.Sum(l => l.Quantity));
            if (h.BuyerNick is not null && !seen.Add((h.ShopId, h.BuyerNick, h.ReceiverName, h.ReceiverPhone, h.Paid, order.Quantity)))
                exceptions |= OrderExceptions.DuplicateSuspect;
            else if (h.BuyerNick is not null && (inBatch[KeyOf(h)] > 1 || waiting[KeyOf(h)].Any()))
            {
                exceptions |= OrderExceptions.MergeCandidate;
                partners.AddRange(waiting[KeyOf(h)].Where(p => !partners.Contains(p)));
            }
            var log = order.TakeIn(exceptions, h.HeldByPlatform ? "platform_forbids_shipping" : null, now);
            built.Add(new Built(order, orderLines, items, new OrderSourceLink { OrderId = order.Id, PlatformOrderId = h.Id, ShopId = h.ShopId, PlatformOrderNo = h.PlatformOrderId },
                log));
        }
        return (built, partners);
    }

    /// <summary>
    /// 金额异常: in the settings' currency, paid above the ceiling, or paid for the goods (less postage) below the
    /// settings' percentage of what they cost (an order whose goods have no cost price is not judged by the floor).
    /// </summary>
    internal static bool AmountLooksWrong(Order order, IEnumerable<OrderItem> items, OrderSettings settings, IReadOnlyDictionary<Guid, SkuSummary>? costs)
    {
        if (!string.Equals(order.Currency, settings.AnomalyCurrency, StringComparison.OrdinalIgnoreCase)) return false;
        if (settings.AnomalyAbove is { } ceiling && order.Paid > ceiling) return true;
        if (settings.AnomalyBelowCostPercent is not { } percent || costs is null) return false;
        var cost = items.Sum(i => i.Quantity * (costs.GetValueOrDefault(i.SkuId)?.CostPrice ?? 0));
        return cost > 0 && (decimal)(order.Paid - order.Postage) * 100 < (decimal)cost * percent;
    }

    /// <summary>Orders waiting for audit (or in 异常, or held) of the batch's buyers: the ones a new order could be merged with.</summary>
    private async Task<List<Order>> WaitingPartnersAsync(List<PlatformOrderHead> heads, CancellationToken ct)
    {
        var buyers = heads.Where(h => h.BuyerNick is not null).Select(h => h.BuyerNick!).Distinct().ToList();
        var found = new List<Order>();
        foreach (var chunk in buyers.Chunk(Batch))
            found.AddRange(await db.Set<Order>().AsNoTracking()
                .Where(o => EF.Parameter(chunk).Contains(o.BuyerNick!) && (o.Status == OrderStatus.PendingAudit || o.Status == OrderStatus.Exception || o.Status == OrderStatus.Held))
                .ToListAsync(ct));
        return found;
    }

    /// <summary>
    /// The waiting partners of new merge candidates are flagged too, each only if it is still as it was read (a partner
    /// audited meanwhile is left alone: it can no longer be merged); a pending one moves to 异常.
    /// </summary>
    private async Task FlagPartnersAsync(List<Order> partners, DateTime now, CancellationToken ct)
    {
        foreach (var partner in partners.Where(p => (p.Exceptions & OrderExceptions.MergeCandidate) == 0))
        {
            var (id, status, exceptions) = (partner.Id, partner.Status, partner.Exceptions);
            if (partner.Flag(OrderExceptions.MergeCandidate, "merge_candidate", now) is not { } entry) continue;
            var (to, flags) = (partner.Status, partner.Exceptions);
            var changed = await db.Set<Order>().Where(o => o.Id == id && o.Status == status && o.Exceptions == exceptions)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, to).SetProperty(o => o.Exceptions, flags).SetProperty(o => o.UpdatedAt, now), ct);
            if (changed == 1)
            {
                (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
                db.Add(entry);
            }
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// 疑似重复: what the batch's buyers ordered in the last three days (not cancelled), as (shop, buyer, receiver, phone,
    /// paid, units); a new order matching one of these, or an earlier one of the same batch, is suspected a duplicate.
    /// </summary>
    private async Task<HashSet<(Guid?, string?, string?, string?, long, int)>> RecentAsync(List<PlatformOrderHead> heads, DateTime now, CancellationToken ct)
    {
        var buyers = heads.Where(h => h.BuyerNick is not null).Select(h => h.BuyerNick!).Distinct().ToList();
        var since = now.AddDays(-3);
        var recent = await db.Set<Order>().Where(o => EF.Parameter(buyers).Contains(o.BuyerNick!) && o.CreatedAt >= since && o.Status != OrderStatus.Cancelled)
            .Select(o => new { o.ShopId, o.BuyerNick, o.ReceiverName, o.ReceiverPhone, o.Paid, o.Quantity }).ToListAsync(ct);
        return recent.Select(o => (o.ShopId, o.BuyerNick, o.ReceiverName, o.ReceiverPhone, o.Paid, o.Quantity)).ToHashSet();
    }

    /// <summary>
    /// One transaction through the bulk path (the change tracker would cost more than the rows); a platform order another
    /// node took meanwhile makes the sources' key refuse the batch, and the transaction leaves nothing of it.
    /// </summary>
    private async Task SaveAsync(List<Built> orders, List<Order> partners, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (partners.Count > 0) await FlagPartnersAsync(partners, orders[0].Log.At, ct);
        await db.BulkInsertAsync(orders.Select(o => o.Order), ct);
        await db.BulkInsertAsync(orders.Select(o => o.Source), ct);
        await db.BulkInsertAsync(orders.SelectMany(o => o.Lines), ct);
        await db.BulkInsertAsync(orders.SelectMany(o => o.Items), ct);
        await db.BulkInsertAsync(orders.Select(o => o.Log), ct);
        await tx.CommitAsync(ct);
    }

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}

/// <summary>Order numbers: SO + the tenant's day (yyMMdd) + a serial of at least five digits, taken a batch at a time.</summary>
public static class OrderNumbers
{
    public static string Format(string day, long serial) => $"SO{day}{serial:D5}";

    /// <summary>Reserves <paramref name="count"/> serials of today (in <paramref name="zone"/>): answers the day and the first serial.</summary>
    public static async Task<(string Day, long Serial)> TakeAsync(TenantDbContext db, TimeZoneInfo zone, int count, CancellationToken ct)
    {
        var day = TimeZoneInfo.ConvertTimeFromUtc(db.Time.StoredUtcNow(), zone).ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        await db.Database.ExecuteSqlAsync($"INSERT INTO order_number_counters (day, last_number) VALUES ({day}, 0) ON CONFLICT (day) DO NOTHING", ct);
        var last = (await db.Database.SqlQuery<long>(
            $"UPDATE order_number_counters SET last_number = last_number + {count} WHERE day = {day} RETURNING last_number AS \"Value\"").ToListAsync(ct)).Single();
        return (day, last - count + 1);
    }
}
