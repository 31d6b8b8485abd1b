using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.AuditRules;

/// <summary>What the rules did to the orders they looked at.</summary>
public sealed record RulesRun(int Checked, int Matched, int Held, int Flagged, int AutoAudited);

/// <summary>
/// 审核规则 at work: each arriving order (pending or in 异常) is looked at once by the tenant's active rules in priority
/// order; every matching rule acts (hold, flag, fix the warehouse or carrier, tag), a rule marked stop ends the look,
/// and an order a rule wants audited automatically is audited in the same transaction unless a rule held or flagged
/// it. Each action is in the order's log; the order is marked looked-at either way.
/// </summary>
public sealed class ApplyAuditRules(TenantDbContext db, ISkuDirectory skus, AuditOrders.AuditOrders audit, CurrentUser user)
{
    public const int Batch = 5000;

    /// <summary>The orders not looked at yet, oldest payment first, up to <paramref name="max"/> (the intake round's step).</summary>
    public async Task<RulesRun> ApplyArrivedAsync(int max, CancellationToken ct)
    {
        var rules = await ActiveAsync(ct);
        if (rules.Count == 0)
        {
            // Nothing to look with: the orders count as looked at, so a rule made later acts on orders that arrive after it.
            var marked = await db.Set<Order>().Where(o => !o.RulesChecked).ExecuteUpdateAsync(s => s.SetProperty(o => o.RulesChecked, true), ct);
            return new RulesRun(marked, 0, 0, 0, 0);
        }
        var ids = await db.Set<Order>().Where(o => !o.RulesChecked).OrderBy(o => o.PaidAt).Select(o => o.Id).Take(Math.Min(max, Batch)).ToListAsync(ct);
        return ids.Count == 0 ? new RulesRun(0, 0, 0, 0, 0) : await ApplyAsync(ids, rules, ct);
    }

    /// <summary>The rules on chosen orders again (after a rule changed): the same as on arrival.</summary>
    public async Task<RulesRun> ApplyToAsync(OrdersRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        var chosen = request.Checked(check, Batch);
        check.ThrowIfAny();
        return await ApplyAsync(chosen, await ActiveAsync(ct), ct);
    }

    private async Task<List<AuditRule>> ActiveAsync(CancellationToken ct) =>
        await db.Set<AuditRule>().AsNoTracking().Where(r => r.Active).OrderBy(r => r.Priority).ThenBy(r => r.Name).ToListAsync(ct);

    /// <summary>An order as the rules see it.</summary>
    private sealed record Facts(string? Platform, HashSet<string> Codes, HashSet<Guid> Categories, HashSet<string> Brands, long WeightGrams);

    private async Task<RulesRun> ApplyAsync(List<Guid> ids, List<AuditRule> rules, CancellationToken ct)
    {
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var orders = await db.Set<Order>().Where(o => EF.Parameter(ids).Contains(o.Id)).ToListAsync(ct);
        var facts = await FactsAsync(orders, ct);
        var below = new Dictionary<Guid, HashSet<Guid>>();
        foreach (var rule in rules.Where(r => r.CategoryIds.Count > 0))
            below[rule.Id] = (await skus.CategoriesWithDescendantsAsync(rule.CategoryIds, ct)).ToHashSet();
        var now = db.Time.StoredUtcNow();
        var (matched, held, flagged) = (0, 0, 0);
        var autoAudit = new List<Guid>();
        foreach (var order in orders)
        {
            order.RulesChecked = true;
            if (order.Status is not (OrderStatus.PendingAudit or OrderStatus.Exception)) continue;
            var applied = new List<string>();
            var wantsAudit = false;
            foreach (var rule in rules.Where(r => Matches(r, order, facts[order.Id], below.GetValueOrDefault(r.Id))))
            {
                applied.Add(rule.Name);
                if (rule.HoldReason is { } reason && order.Status != OrderStatus.Held)
                {
                    Record(order.Hold(reason, null, now));
                    held++;
                }
                if (rule.Flag && order.Flag(OrderExceptions.RuleFlagged, "rule:" + rule.Name, now) is { } entry)
                {
                    Record(entry);
                    flagged++;
                }
                if (rule.WarehouseId is { } warehouse) (order.RuleWarehouseId, order.RuleWarehouseBy) = (warehouse, "audit_rule:" + rule.Name);
                if (rule.CarrierCode is { } carrier) (order.CarrierCode, order.CarrierBy) = (carrier, "audit_rule:" + rule.Name);
                if (rule.AddTag is { } tag && !order.Tags.Contains(tag)) order.Tags = [.. order.Tags, tag];
                wantsAudit |= rule.AutoAudit;
                if (rule.Stop) break;
            }
            if (applied.Count == 0) continue;
            matched++;
            order.UpdatedAt = now;
            Record(new OrderLogEntry { OrderId = order.Id, At = now, From = order.Status, To = order.Status, Action = "rules", Reason = Cut(string.Join("、", applied)) });
            if (wantsAudit && order.Status == OrderStatus.PendingAudit) autoAudit.Add(order.Id);
        }
        if (matched > 0)
            db.Add(new AuditEntry
            {
                At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order", EntityId = $"{matched} orders",
                Action = "apply_rules", Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]> { ["matched"] = [null, matched], ["held"] = [null, held], ["flagged"] = [null, flagged] }),
            });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        var audited = autoAudit.Count == 0 ? 0 : (await audit.AuditBatchAsync(autoAudit, ct)).Audited;
        if (tx is not null) await tx.CommitAsync(ct);
        return new RulesRun(orders.Count, matched, held, flagged, audited);
    }

    private async Task<Dictionary<Guid, Facts>> FactsAsync(List<Order> orders, CancellationToken ct)
    {
        var ids = orders.Select(o => o.Id).ToList();
        var lines = await db.Set<OrderLine>().AsNoTracking().Where(l => EF.Parameter(ids).Contains(l.OrderId))
            .Select(l => new { l.OrderId, l.SkuId, l.SkuCode, l.SellerCode }).ToListAsync(ct);
        var items = await db.Set<OrderItem>().AsNoTracking().Where(i => EF.Parameter(ids).Contains(i.OrderId))
            .Select(i => new { i.OrderId, i.SkuId, i.SkuCode, i.Quantity }).ToListAsync(ct);
        var known = await skus.ByIdsAsync(items.Select(i => i.SkuId).Concat(lines.Where(l => l.SkuId != null).Select(l => l.SkuId!.Value)).Distinct(), ct);
        var shopIds = orders.Where(o => o.ShopId != null).Select(o => o.ShopId!.Value).Distinct().ToList();
        var platforms = await ShopQueries.Summaries(db).Where(s => shopIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Platform.ToString(), ct);
        var linesOf = lines.ToLookup(l => l.OrderId);
        var itemsOf = items.ToLookup(i => i.OrderId);
        return orders.ToDictionary(o => o.Id, o =>
        {
            var codes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var l in linesOf[o.Id])
            {
                if (l.SkuCode is { } c) codes.Add(c);
                if (l.SellerCode is { } s) codes.Add(s);
            }
            foreach (var i in itemsOf[o.Id]) codes.Add(i.SkuCode);
            var parts = itemsOf[o.Id].Select(i => known.GetValueOrDefault(i.SkuId)).Where(k => k is not null).Select(k => k!).ToList();
            return new Facts(o.ShopId is { } shop ? platforms.GetValueOrDefault(shop) : null, codes,
                parts.Where(p => p.CategoryId != null).Select(p => p.CategoryId!.Value).ToHashSet(),
                parts.Where(p => p.Brand != null).Select(p => p.Brand!).ToHashSet(StringComparer.OrdinalIgnoreCase),
                itemsOf[o.Id].Sum(i => (long)i.Quantity * (known.GetValueOrDefault(i.SkuId)?.WeightGrams ?? 0)));
        });
    }

    /// <summary>Every condition the rule sets holds for the order.</summary>
    private static bool Matches(AuditRule r, Order o, Facts f, HashSet<Guid>? categories) =>
        (r.ShopIds.Count == 0 || (o.ShopId is { } shop && r.ShopIds.Contains(shop)))
        && (r.Platforms.Count == 0 || (f.Platform is { } platform && r.Platforms.Contains(platform, StringComparer.OrdinalIgnoreCase)))
        && (r.PaidMin is not { } min || o.Paid >= min) && (r.PaidMax is not { } max || o.Paid <= max)
        && (r.SkuCodes.Count == 0 || r.SkuCodes.Any(f.Codes.Contains))
        && (categories is null || f.Categories.Overlaps(categories))
        && (r.Brands.Count == 0 || r.Brands.Any(f.Brands.Contains))
        && (r.Provinces.Count == 0 || (o.Province is { } p && r.Provinces.Any(x => p.StartsWith(x, StringComparison.Ordinal))))
        && (r.HasRemark is not { } remark || remark == !string.IsNullOrWhiteSpace(o.BuyerMessage))
        && (r.LinesMin is not { } lmin || o.LineCount >= lmin) && (r.LinesMax is not { } lmax || o.LineCount <= lmax)
        && (r.WeightMin is not { } wmin || f.WeightGrams >= wmin) && (r.WeightMax is not { } wmax || f.WeightGrams <= wmax)
        && (r.Presale is not { } presale || presale == o.Presale)
        && (r.Tags.Count == 0 || r.Tags.Any(o.Tags.Contains));

    private void Record(OrderLogEntry entry)
    {
        (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
        db.Add(entry);
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300];
}
