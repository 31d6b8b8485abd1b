using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.MergeSplit;

public sealed record MergeRequest(IReadOnlyList<Guid>? OrderIds);

/// <summary>A line to split off and how many of its units (all of them moves the line whole).</summary>
public sealed record SplitLine(Guid? LineId, int? Quantity);

public sealed record SplitRequest(IReadOnlyList<SplitLine>? Lines);

/// <summary>What a merge or split left: the order that stays (merge) or the one split from, and the other order numbers.</summary>
public sealed record RearrangeResult(Guid OrderId, string OrderNo, IReadOnlyList<string> Others, Guid? NewOrderId = null);

/// <summary>An order that could go in one parcel with another (same shop, buyer and receiver at the same address).</summary>
public sealed record MergePartner(Guid Id, string OrderNo, OrderStatus Status, OrderExceptions Exceptions, string Currency, long Paid, int Quantity, DateTime? PaidAt);

/// <summary>
/// 合并 / 拆分 before audit. A merge keeps the order paid first (its number stays) and moves the others' lines, items
/// and platform orders into it; they become 已合并, pointing at it, so write-back later confirms every platform order
/// with the merged order's parcel. A split moves chosen lines, or some units of a line (its items and paid amount
/// shared out by units), into a new order that points back at the one it came from. Both are one transaction that
/// first claims every order it touches in the state it read (a change meanwhile refuses the whole act), and audit
/// checks that an order's items did not move while it was being audited, so no order reserves lines it no longer has.
/// </summary>
public sealed class RearrangeOrders(TenantDbContext db, CurrentUser user)
{
    public const int MaxMerge = 50;

    /// <summary>The orders this one could be merged with: not audited yet (or held), same shop, buyer and address.</summary>
    public async Task<IReadOnlyList<MergePartner>> PartnersAsync(Guid id, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("order", id);
        if (order.BuyerNick is null && order.ReceiverName is null) return [];
        var near = await db.Set<Order>().AsNoTracking()
            .Where(o => o.Id != id && o.ShopId == order.ShopId && o.BuyerNick == order.BuyerNick && o.ReceiverName == order.ReceiverName
                        && (o.Status == OrderStatus.PendingAudit || o.Status == OrderStatus.Exception || o.Status == OrderStatus.Held))
            .Take(200).ToListAsync(ct);
        return near.Where(o => o.MergeKey == order.MergeKey).OrderBy(o => o.PaidAt ?? o.PlacedAt).ThenBy(o => o.OrderNo, StringComparer.Ordinal)
            .Select(o => new MergePartner(o.Id, o.OrderNo, o.Status, o.Exceptions, o.Currency, o.Paid, o.Quantity, o.PaidAt)).ToList();
    }

    /// <summary>
    /// 自动合并 (when the tenant turned it on): the merge candidates not audited yet (up to <paramref name="max"/>), grouped
    /// by shop, buyer and address, each group merged into the one paid first, a transaction per group. A group that
    /// changed meanwhile is left flagged for a person. Answers how many orders went into others.
    /// </summary>
    public async Task<int> AutoMergeAsync(int max, CancellationToken ct)
    {
        const OrderExceptions flag = OrderExceptions.MergeCandidate;
        var candidates = await db.Set<Order>().AsNoTracking()
            .Where(o => (o.Exceptions & flag) == flag && (o.Status == OrderStatus.PendingAudit || o.Status == OrderStatus.Exception))
            .OrderBy(o => o.PaidAt).Take(max).ToListAsync(ct);
        var merged = 0;
        foreach (var group in candidates.GroupBy(o => (o.MergeKey, o.Currency)).Where(g => g.Count() > 1))
            foreach (var chunk in group.Chunk(MaxMerge).Where(c => c.Length > 1))
                try
                {
                    merged += (await MergeAsync(new MergeRequest(chunk.Select(o => o.Id).ToList()), "auto_merge", ct)).Others.Count;
                }
                catch (Exception e) when (e is DbUpdateConcurrencyException or RuleViolatedException)
                {
                    // Someone acted on one of them since they were read: a person sees the flag and decides.
                    db.ChangeTracker.Clear();
                }
        return merged;
    }

    public Task<RearrangeResult> MergeAsync(MergeRequest request, CancellationToken ct) => MergeAsync(request, "merge", ct);

    /// <summary>
    /// 合并 as a batch-job step, inside the caller's transaction: the orders of <paramref name="ids"/> that can be merged
    /// (not audited yet, not 疑似重复, with a buyer or receiver) are grouped with each other and with the orders of
    /// <paramref name="pool"/> (the job's orders still waiting) by shop, buyer, address and currency, and each group of
    /// two or more is merged into the one paid first (at most <see cref="MaxMerge"/> at a time). Answers a result per
    /// order of the chunk and per order of the pool merged with them: done (merged, or the one merged into) or skipped
    /// with the reason.
    /// </summary>
    internal async Task<IReadOnlyList<OrderChange>> MergeBatchAsync(IReadOnlyList<Guid> ids, IQueryable<Guid> pool, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        var orders = await db.Set<Order>().AsNoTracking().Where(o => EF.Parameter(wanted).Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var results = new Dictionary<Guid, OrderChange>();
        static bool Mergeable(Order o) =>
            o.Rearrangeable && (o.Exceptions & OrderExceptions.DuplicateSuspect) == 0 && (o.BuyerNick is not null || o.ReceiverName is not null);
        foreach (var id in wanted)
            if (!orders.TryGetValue(id, out var o)) results[id] = new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}.", id);
            else if (!o.Rearrangeable)
                results[id] = new OrderChange(id, o.OrderNo, ChangeOutcome.Skipped, "order.merge_not_pending",
                    $"Order {o.OrderNo} is {o.Status}; only orders not audited yet can be merged.", o.OrderNo, o.Status);
            else if ((o.Exceptions & OrderExceptions.DuplicateSuspect) != 0)
                results[id] = new OrderChange(id, o.OrderNo, ChangeOutcome.Skipped, "order.merge_duplicate",
                    $"Order {o.OrderNo} looks like a duplicate; decide on it by hand.", o.OrderNo);
        var open = orders.Values.Where(Mergeable).ToList();
        // Partners among the job's other waiting orders: the same shops and buyers, narrowed to the whole key in memory.
        var shops = open.Select(o => o.ShopId).Distinct().ToList();
        var buyers = open.Select(o => o.BuyerNick).OfType<string>().Distinct().ToList();
        var noBuyer = open.Any(o => o.BuyerNick is null);
        var partners = new List<Order>();
        if (open.Count > 0)
            foreach (var chunk in shops.Chunk(1000))
                partners.AddRange(await db.Set<Order>().AsNoTracking()
                    .Where(o => pool.Contains(o.Id) && !EF.Parameter(wanted).Contains(o.Id) && EF.Parameter(chunk).Contains(o.ShopId)
                                && (EF.Parameter(buyers).Contains(o.BuyerNick!) || (noBuyer && o.BuyerNick == null))
                                && (o.Status == OrderStatus.PendingAudit || o.Status == OrderStatus.Exception))
                    .ToListAsync(ct));
        var groups = open.Concat(partners.Where(Mergeable)).GroupBy(o => (o.MergeKey, o.Currency))
            .Where(g => g.Any(o => orders.ContainsKey(o.Id))).ToList();
        foreach (var group in groups)
        {
            var members = group.OrderBy(o => o.PaidAt ?? o.PlacedAt).ThenBy(o => o.OrderNo, StringComparer.Ordinal).ToList();
            if (members.Count < 2)
            {
                results[members[0].Id] = new OrderChange(members[0].Id, members[0].OrderNo, ChangeOutcome.Skipped, "order.no_merge_partner",
                    $"Order {members[0].OrderNo} has no order of the same shop, buyer and address to merge with.", members[0].OrderNo);
                continue;
            }
            foreach (var part in members.Chunk(MaxMerge))
            {
                if (part.Length < 2)
                {
                    results[part[0].Id] = new OrderChange(part[0].Id, part[0].OrderNo, ChangeOutcome.Skipped, "order.merge_full",
                        $"Order {part[0].OrderNo} was left over: at most {MaxMerge} orders go into one.", part[0].OrderNo, MaxMerge);
                    continue;
                }
                var merged = await MergeAsync(new MergeRequest(part.Select(o => o.Id).ToList()), "batch_merge", ct);
                results[merged.OrderId] = new OrderChange(merged.OrderId, merged.OrderNo, ChangeOutcome.Done);
                foreach (var other in part.Where(o => o.Id != merged.OrderId))
                    results[other.Id] = new OrderChange(other.Id, other.OrderNo, ChangeOutcome.Done, "order.merged_into", $"Merged into {merged.OrderNo}.", merged.OrderNo);
            }
        }
        db.ChangeTracker.Clear();
        return [.. wanted.Select(id => results[id]), .. results.Where(r => !orders.ContainsKey(r.Key)).Select(r => r.Value)];
    }

    private async Task<RearrangeResult> MergeAsync(MergeRequest request, string action, CancellationToken ct)
    {
        var check = new InputCheck();
        var ids = request.OrderIds?.Distinct().ToList() ?? [];
        if (ids.Count < 2) check.Add("orderIds", "merge_too_few", "Choose at least two orders to merge.");
        else if (ids.Count > MaxMerge) check.Add("orderIds", "too_many", $"At most {MaxMerge} orders in one merge.", MaxMerge);
        check.ThrowIfAny();

        // Its own transaction, or the caller's (a batch job records each order's result in the same one).
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var orders = await db.Set<Order>().Where(o => ids.Contains(o.Id)).ToListAsync(ct);
        foreach (var missing in ids.Except(orders.Select(o => o.Id))) throw new NotFoundException("order", missing);
        // The order paid first keeps its number and takes the others in.
        var byPayment = orders.OrderBy(o => o.PaidAt ?? o.PlacedAt).ThenBy(o => o.OrderNo, StringComparer.Ordinal).ToList();
        var (main, others) = (byPayment[0], byPayment.Skip(1).ToList());
        var now = db.Time.StoredUtcNow();
        await ClaimAsync(orders, now, ct);
        var entries = main.Absorb(others, now);

        var position = await db.Set<OrderLine>().Where(l => l.OrderId == main.Id).MaxAsync(l => (int?)l.Position, ct) ?? -1;
        foreach (var other in others)
        {
            var shift = position + 1;
            var moved = await db.Set<OrderLine>().Where(l => l.OrderId == other.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.OrderId, main.Id).SetProperty(l => l.Position, l => l.Position + shift), ct);
            position = await db.Set<OrderLine>().Where(l => l.OrderId == main.Id).MaxAsync(l => (int?)l.Position, ct) ?? position + moved;
        }
        var otherIds = others.Select(o => o.Id).ToList();
        await db.Set<OrderItem>().Where(i => otherIds.Contains(i.OrderId)).ExecuteUpdateAsync(s => s.SetProperty(i => i.OrderId, main.Id), ct);
        await db.Set<OrderSourceLink>().Where(s => otherIds.Contains(s.OrderId)).ExecuteUpdateAsync(s => s.SetProperty(x => x.OrderId, main.Id), ct);
        Record(entries, main.OrderNo, action, new Dictionary<string, object?[]> { ["merged"] = [null, string.Join(",", others.Select(o => o.OrderNo))] }, now);
        await db.SaveChangesAsync(ct);
        if (tx is not null) await tx.CommitAsync(ct);
        return new RearrangeResult(main.Id, main.OrderNo, others.Select(o => o.OrderNo).ToList());
    }

    public async Task<RearrangeResult> SplitAsync(Guid id, SplitRequest request, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var order = await db.Set<Order>().SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("order", id);
        var lines = await db.Set<OrderLine>().Where(l => l.OrderId == id).OrderBy(l => l.Position).ToListAsync(ct);
        var items = await db.Set<OrderItem>().Where(i => i.OrderId == id).ToListAsync(ct);
        var itemsOf = items.ToLookup(i => i.LineId);

        var check = new InputCheck();
        var wanted = request.Lines ?? [];
        if (wanted.Count == 0) check.Add("lines", "required", "Choose the lines and units to split off.");
        var chosen = new List<(OrderLine Line, int Units)>();
        var named = new HashSet<Guid>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var at = $"lines[{i}].";
            var w = wanted[i] ?? new SplitLine(null, null);
            var line = lines.FirstOrDefault(l => l.Id == w.LineId);
            if (line is null) check.Add(at + "lineId", "not_on_order", $"The order {order.OrderNo} has no line {w.LineId}.", order.OrderNo);
            else if (!named.Add(line.Id)) check.Add(at + "lineId", "duplicate", $"The line {line.SellerCode ?? line.Title} is named twice.", line.SellerCode ?? line.Title ?? "");
            else if (w.Quantity is not { } asked || asked < 1 || asked > line.Quantity)
                check.Add(at + "quantity", "out_of_range", $"Split 1–{line.Quantity} units of this line.", 1, line.Quantity);
            else if (asked < line.Quantity && itemsOf[line.Id].Any(item => item.Quantity % line.Quantity != 0))
                check.Add(at + "quantity", "split_uneven", "This line's items do not share out by unit; split it whole.");
            else chosen.Add((line, asked));
        }
        if (!check.HasErrors && chosen.Sum(c => c.Units) >= lines.Sum(l => l.Quantity))
            check.Add("lines", "nothing_left", "Leave at least one unit in the order.");
        check.ThrowIfAny();

        var now = db.Time.StoredUtcNow();
        await ClaimAsync([order], now, ct);
        var (day, serial) = await OrderNumbers.TakeAsync(db, user.TimeZone, 1, ct);
        var (part, entries) = SplitOff(order, lines, itemsOf, chosen, OrderNumbers.Format(day, serial), now);
        Record(entries, order.OrderNo, "split", new Dictionary<string, object?[]> { ["splitOff"] = [null, part.OrderNo], ["units"] = [null, part.Quantity] }, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new RearrangeResult(order.Id, order.OrderNo, [part.OrderNo], part.Id);
    }

    /// <summary>
    /// 按仓拆单, inside the caller's transaction (an audit's): for each order, each group of its lines goes whole into a
    /// new order. Answers the new orders' ids, group by group; every order is claimed first as for a split by hand.
    /// </summary>
    internal Task<IReadOnlyList<IReadOnlyList<Guid>>> SplitGroupsAsync(IReadOnlyList<(Guid OrderId, IReadOnlyList<IReadOnlyList<Guid>> Groups)> plans,
        CancellationToken ct) =>
        SplitPartsAsync(plans.Select(p => (p.OrderId, (IReadOnlyList<IReadOnlyList<(Guid, int)>>)p.Groups
            .Select(g => (IReadOnlyList<(Guid, int)>)g.Select(line => (line, 0)).ToList()).ToList())).ToList(), "split_by_warehouse", ct);

    /// <summary>
    /// A split inside the caller's transaction (an audit's: 按仓拆单, 按重量拆分): for each order, each part — lines and
    /// how many of their units (0: the whole line, or what is left of it) — goes into a new order. Answers the new
    /// orders' ids, part by part; every order is claimed first as for a split by hand. <paramref name="action"/> names
    /// the split in the logs.
    /// </summary>
    internal async Task<IReadOnlyList<IReadOnlyList<Guid>>> SplitPartsAsync(
        IReadOnlyList<(Guid OrderId, IReadOnlyList<IReadOnlyList<(Guid LineId, int Units)>> Parts)> plans, string action, CancellationToken ct)
    {
        var ids = plans.Select(p => p.OrderId).ToList();
        var orders = await db.Set<Order>().Where(o => EF.Parameter(ids).Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        var lines = (await db.Set<OrderLine>().Where(l => EF.Parameter(ids).Contains(l.OrderId)).ToListAsync(ct)).ToLookup(l => l.OrderId);
        var itemsOf = (await db.Set<OrderItem>().Where(i => EF.Parameter(ids).Contains(i.OrderId)).ToListAsync(ct)).ToLookup(i => i.LineId);
        var now = db.Time.StoredUtcNow();
        await ClaimAsync(orders.Values.ToList(), now, ct);
        var (day, serial) = await OrderNumbers.TakeAsync(db, user.TimeZone, plans.Sum(p => p.Parts.Count), ct);
        var made = new List<IReadOnlyList<Guid>>();
        foreach (var (orderId, groups) in plans)
        {
            var order = orders[orderId];
            var own = lines[orderId].OrderBy(l => l.Position).ToList();
            var parts = new List<Guid>();
            foreach (var group in groups)
            {
                // A line split before keeps its object with the units left, so a later part takes from what is left.
                var chosen = new List<(OrderLine, int)>();
                foreach (var (lineId, units) in group)
                {
                    var line = own.Single(l => l.Id == lineId);
                    chosen.Add((line, units == 0 ? line.Quantity : units));
                }
                var (part, entries) = SplitOff(order, own, itemsOf, chosen, OrderNumbers.Format(day, serial++), now);
                foreach (var entry in entries.Where(e => e.Action == "split")) entry.Action = action;
                own.RemoveAll(l => l.OrderId != orderId);
                Record(entries, order.OrderNo, action, new Dictionary<string, object?[]> { ["splitOff"] = [null, part.OrderNo], ["units"] = [null, part.Quantity] }, now);
                parts.Add(part.Id);
            }
            made.Add(parts);
        }
        await db.SaveChangesAsync(ct);
        // Saved: the caller goes on set-based; what the caller itself tracks stays tracked.
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is Order or OrderLine or OrderItem or OrderLogEntry or AuditEntry).ToList())
            entry.State = EntityState.Detached;
        return made;
    }

    /// <summary>
    /// The chosen lines (all their units: whole; fewer: a new line with its share) of a tracked order go into a new
    /// order numbered <paramref name="number"/>; nothing is saved. Answers the new order and the log entries.
    /// </summary>
    private (Order Part, List<OrderLogEntry> Entries) SplitOff(Order order, List<OrderLine> lines, ILookup<Guid, OrderItem> itemsOf,
        IReadOnlyList<(OrderLine Line, int Units)> chosen, string number, DateTime now)
    {
        var part = new Order();
        var (goods, paid, units, whole) = (0L, 0L, 0, 0);
        var partLines = new List<OrderLine>();
        foreach (var (line, k) in chosen)
        {
            goods += line.Price * k;
            units += k;
            if (k == line.Quantity)
            {
                // The whole line goes over with its items.
                paid += line.Paid;
                (line.OrderId, line.Position) = (part.Id, partLines.Count);
                foreach (var item in itemsOf[line.Id]) item.OrderId = part.Id;
                partLines.Add(line);
                whole++;
                continue;
            }
            // Some units go: a new line with them and its share of the paid amount and of each item.
            var share = line.Paid * k / line.Quantity;
            var copy = new OrderLine
            {
                OrderId = part.Id, Position = partLines.Count, PlatformOrderId = line.PlatformOrderId, PlatformLineId = line.PlatformLineId,
                PlatformItemId = line.PlatformItemId, PlatformSkuId = line.PlatformSkuId, SellerCode = line.SellerCode, Title = line.Title, Spec = line.Spec,
                Quantity = k, Price = line.Price, Paid = share, SkuId = line.SkuId, SkuCode = line.SkuCode, Multiplier = line.Multiplier,
                ResolutionCode = line.ResolutionCode, ResolutionMessage = line.ResolutionMessage,
            };
            var parts = itemsOf[line.Id].Select(item => (Item: item, Copy: new OrderItem
            {
                OrderId = part.Id, LineId = copy.Id, SkuId = item.SkuId, SkuCode = item.SkuCode, Quantity = item.Quantity / line.Quantity * k,
                Amount = item.Amount * k / line.Quantity, ComboSkuId = item.ComboSkuId, ReplacedSkuId = item.ReplacedSkuId,
            })).ToList();
            // The items' amounts add up to the line's paid amount exactly, on both sides.
            if (parts.Count > 0) parts[^1].Copy.Amount += share - parts.Sum(p => p.Copy.Amount);
            foreach (var (item, itemCopy) in parts) (item.Quantity, item.Amount) = (item.Quantity - itemCopy.Quantity, item.Amount - itemCopy.Amount);
            (line.Quantity, line.Paid) = (line.Quantity - k, line.Paid - share);
            paid += share;
            partLines.Add(copy);
            db.Add(copy);
            db.AddRange(parts.Select(p => p.Copy));
        }
        var entries = order.SplitOff(part, number, goods, paid, partLines.Count, whole, units, partLines.Any(l => l.SkuId is null), now);
        // What stays behind may now be fully matched.
        if (!lines.Except(partLines).Any(l => l.SkuId is null) && order.Clear(OrderExceptions.SkuNotMapped, "split", now) is { } cleared) entries.Add(cleared);
        db.Add(part);
        return (part, entries);
    }

    /// <summary>
    /// Each order must still be as it was read (status and exceptions): one grouped conditional update marks them, which
    /// on PostgreSQL also holds their rows until the act commits, so an audit or another merge cannot slip in between.
    /// </summary>
    private Task ClaimAsync(IReadOnlyList<Order> orders, DateTime now, CancellationToken ct) =>
        OrderClaims.ClaimAsync(db, orders.Select(o => (o.Id, o.Status, o.Exceptions)), now, "they were being merged or split", ct);

    private void Record(List<OrderLogEntry> entries, string orderNo, string action, Dictionary<string, object?[]> changes, DateTime now)
    {
        foreach (var entry in entries)
        {
            (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
            db.Add(entry);
        }
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order", EntityId = orderNo, Action = action,
            Changes = JsonSerializer.Serialize(changes),
        });
    }
}
