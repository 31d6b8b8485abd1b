using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Addresses;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.ResolveExceptions;

public sealed record AddressInput(
    string? ReceiverName, string? ReceiverPhone, string? Country, string? Province, string? City, string? District, string? Address, string? PostalCode);

/// <summary>A receiver and address checked field by field (the fields named under <c>prefix</c>).</summary>
public sealed record CheckedAddress(string Name, string? Phone, string Country, string? Province, string? City, string? District, string Address, string? PostalCode)
{
    /// <summary>
    /// Receiver name and street required; country a two-letter code (China by name is CN); province and city required
    /// for China (and when the country cannot be read), the province one the region list knows (written short or whole);
    /// the place comes back by its standard names. Problems go to <paramref name="check"/>.
    /// </summary>
    public static CheckedAddress From(InputCheck check, AddressInput input, string prefix)
    {
        var name = check.Required(prefix + "receiverName", input.ReceiverName, 300);
        var phone = check.Optional(prefix + "receiverPhone", input.ReceiverPhone, 300);
        var country = (string.IsNullOrWhiteSpace(input.Country) ? "CN" : input.Country.Trim()).ToUpperInvariant();
        if (country is "CHINA" or "中国" or "PRC") country = "CN";
        var known = country.Length == 2 && country.All(char.IsAsciiLetter);
        if (!known) check.Add(prefix + "country", "invalid_value", "country is a two-letter code (CN, US …).", country);
        var china = country == "CN" || !known;
        var province = china ? check.Required(prefix + "province", input.Province, 100) : check.Optional(prefix + "province", input.Province, 100);
        var city = china ? check.Required(prefix + "city", input.City, 100) : check.Optional(prefix + "city", input.City, 100);
        var district = check.Optional(prefix + "district", input.District, 100);
        var address = check.Required(prefix + "address", input.Address, 1000);
        var postal = check.Optional(prefix + "postalCode", input.PostalCode, 100);
        if (country == "CN" && !string.IsNullOrEmpty(province) && ChinaRegions.ProvinceOf(province) is null)
            check.Add(prefix + "province", "unknown_province", $"{province} is not a province, region or municipality of China.", province);
        // Read against the region list: 浙江 → 浙江省, 杭州 → 杭州市, a street that repeats the place loses it.
        var place = ChinaRegions.Normalize(country, province, city, district, address);
        return new CheckedAddress(name, phone, country, place.Province, place.City, place.District, place.Street ?? address, postal);
    }
}

/// <summary>
/// The exception queues' way out (异常处理): edit the address (地址不全), accept the buyer's remark (有买家留言), and match
/// again the lines nothing matched (商品未匹配) once the SKU, alias or listing mapping exists. An order whose last
/// exception is put right goes back to 待审核; each change is in the order's log and the audit log.
/// </summary>
public sealed class ResolveExceptions(TenantDbContext db, IResolveLines resolver, CurrentUser user)
{
    public const int MaxSelection = 1000;

    public async Task ChangeAddressAsync(Guid id, AddressInput input, CancellationToken ct)
    {
        // An order of another tenant (or none) is not found, whatever the input says.
        if (!await db.Set<Order>().AnyAsync(o => o.Id == id, ct)) throw new NotFoundException("order", id);
        var check = new InputCheck();
        var a = CheckedAddress.From(check, input, "");
        check.ThrowIfAny();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var order = await db.Set<Order>().SingleOrDefaultAsync(o => o.Id == id, ct) ?? throw new NotFoundException("order", id);
        var before = $"{order.Province}{order.City}{order.District}{order.Address}";
        var entries = order.ChangeAddress(a.Name, a.Phone, a.Country, a.Province, a.City, a.District, a.Address, a.PostalCode, db.Time.StoredUtcNow());
        Record(entries);
        Audit(order.OrderNo, "change_address", new Dictionary<string, object?[]> { ["address"] = [before, entries[0].Reason] });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>确认留言: the remark has been read; an order with nothing else wrong goes back to 待审核.</summary>
    public Task<IReadOnlyList<OrderChange>> AcceptRemarksAsync(OrdersRequest request, CancellationToken ct) =>
        EachAsync(request, "accept_remark", async (orders, now) => orders.ToDictionary(o => o.Id, o =>
            o.Clear(OrderExceptions.RemarkToRead, "remark_accepted", now) is { } entry
                ? Done(o, entry)
                : new OrderChange(o.Id, o.OrderNo, ChangeOutcome.Skipped, "order.no_remark", $"Order {o.OrderNo} has no remark waiting.", o.OrderNo)), ct);

    /// <summary>处理规则标记: a person has looked at what an audit rule flagged; the flag is cleared.</summary>
    public Task<IReadOnlyList<OrderChange>> ClearRuleFlagsAsync(OrdersRequest request, CancellationToken ct) =>
        DismissAsync(request, OrderExceptions.RuleFlagged, "clear_rule_flag", "order.no_rule_flag", "is not flagged by a rule", ct);

    /// <summary>不是重复: a person has checked that a suspected duplicate is a real order of its own.</summary>
    public Task<IReadOnlyList<OrderChange>> DismissDuplicatesAsync(OrdersRequest request, CancellationToken ct) =>
        DismissAsync(request, OrderExceptions.DuplicateSuspect, "dismiss_duplicate", "order.not_duplicate_suspect", "is not suspected a duplicate", ct);

    /// <summary>不合并: the orders of the same buyer and address go as parcels of their own.</summary>
    public Task<IReadOnlyList<OrderChange>> DismissMergeAsync(OrdersRequest request, CancellationToken ct) =>
        DismissAsync(request, OrderExceptions.MergeCandidate, "dismiss_merge", "order.not_merge_candidate", "is not a merge candidate", ct);

    /// <summary>确认金额: a person has checked the amount that looked wrong (金额异常); the order goes on.</summary>
    public Task<IReadOnlyList<OrderChange>> AcceptAmountsAsync(OrdersRequest request, CancellationToken ct) =>
        DismissAsync(request, OrderExceptions.AmountAnomaly, "accept_amount", "order.no_amount_anomaly", "has no amount anomaly", ct);

    /// <summary>
    /// 继续发货: a person has checked a refund under way (or a part refunded) and the order ships all the same (the
    /// buyer asked back the postage only, the seller refused); a later refund from the platform flags it again.
    /// </summary>
    public Task<IReadOnlyList<OrderChange>> AcceptRefundsAsync(OrdersRequest request, CancellationToken ct) =>
        DismissAsync(request, OrderExceptions.RefundInProgress, "accept_refund", "order.no_refund", "has no refund waiting", ct);

    private Task<IReadOnlyList<OrderChange>> DismissAsync(OrdersRequest request, OrderExceptions flag, string action, string skipCode, string skipText,
        CancellationToken ct) =>
        EachAsync(request, action, async (orders, now) => orders.ToDictionary(o => o.Id, o =>
            o.Clear(flag, action, now) is { } entry
                ? Done(o, entry)
                : new OrderChange(o.Id, o.OrderNo, ChangeOutcome.Skipped, skipCode, $"Order {o.OrderNo} {skipText}.", o.OrderNo)), ct);

    /// <summary>
    /// 重新匹配: the lines of unmatched orders go through the catalog again; those that resolve now get their SKU and
    /// items, and an order whose lines all resolve loses 商品未匹配.
    /// </summary>
    public Task<IReadOnlyList<OrderChange>> ReResolveAsync(OrdersRequest request, CancellationToken ct) =>
        EachAsync(request, "re_resolve", async (orders, now) =>
        {
            var unmatched = orders.Where(o => o.Exceptions.HasFlag(OrderExceptions.SkuNotMapped)).ToList();
            var results = orders.Except(unmatched).ToDictionary(o => o.Id,
                o => new OrderChange(o.Id, o.OrderNo, ChangeOutcome.Skipped, "order.nothing_unmatched", $"Order {o.OrderNo} has no unmatched line.", o.OrderNo));
            var ids = unmatched.Select(o => o.Id).ToList();
            var lines = await db.Set<OrderLine>().Where(l => EF.Parameter(ids).Contains(l.OrderId) && l.ResolutionCode != null).ToListAsync(ct);
            var orderOf = unmatched.ToDictionary(o => o.Id);
            var answers = await resolver.ResolveAsync(lines.Select(l =>
                new LineToResolve(orderOf[l.OrderId].ShopId, l.PlatformItemId, l.PlatformSkuId, l.SellerCode, l.Quantity, l.Paid, orderOf[l.OrderId].PlacedAt)).ToList(), null, ct);
            for (var i = 0; i < lines.Count; i++)
            {
                var (line, r) = (lines[i], answers[i]);
                if (!r.Resolved) continue;
                (line.SkuId, line.SkuCode, line.Multiplier, line.ResolutionCode, line.ResolutionMessage) = (r.SkuId, r.SkuCode, r.Multiplier, null, null);
                foreach (var part in r.Parts)
                    db.Add(new OrderItem
                    {
                        OrderId = line.OrderId, LineId = line.Id, SkuId = part.SkuId, SkuCode = part.SkuCode, Quantity = checked((int)part.Quantity), Amount = part.Amount,
                        ComboSkuId = part.ComboSkuId, ReplacedSkuId = part.ReplacedSkuId,
                    });
            }
            var open = lines.Where(l => l.ResolutionCode is not null).ToLookup(l => l.OrderId);
            foreach (var order in unmatched)
                results[order.Id] = open[order.Id].Any()
                    ? new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Skipped, "order.still_unmatched",
                        $"Order {order.OrderNo} still has lines nothing matches: {string.Join(", ", open[order.Id].Select(l => l.SellerCode))}.",
                        order.OrderNo, string.Join(", ", open[order.Id].Select(l => l.SellerCode)))
                    : Done(order, order.Clear(OrderExceptions.SkuNotMapped, "re_resolved", now)!);
            return results;
        }, ct);

    /// <summary>The unmatched orders, oldest payment first (up to <paramref name="max"/>), matched again: for the intake round, after the catalog changed.</summary>
    public async Task<int> ReResolveWaitingAsync(int max, CancellationToken ct)
    {
        var ids = await db.Set<Order>().Where(o => o.Status == OrderStatus.Exception || o.Status == OrderStatus.Held)
            .Where(o => (o.Exceptions & OrderExceptions.SkuNotMapped) == OrderExceptions.SkuNotMapped)
            .OrderBy(o => o.PaidAt).Select(o => o.Id).Take(Math.Min(max, MaxSelection)).ToListAsync(ct);
        return ids.Count == 0 ? 0 : (await ReResolveAsync(new OrdersRequest(ids, null), ct)).Count(r => r.Outcome == ChangeOutcome.Done);
    }

    private OrderChange Done(Order order, OrderLogEntry entry)
    {
        Record([entry]);
        return new OrderChange(order.Id, order.OrderNo, ChangeOutcome.Done);
    }

    private async Task<IReadOnlyList<OrderChange>> EachAsync(OrdersRequest request, string action,
        Func<List<Order>, DateTime, Task<Dictionary<Guid, OrderChange>>> work, CancellationToken ct)
    {
        var check = new InputCheck();
        var wanted = request.Checked(check, MaxSelection);
        check.ThrowIfAny();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var orders = await db.Set<Order>().Where(o => EF.Parameter(wanted).Contains(o.Id)).ToListAsync(ct);
        var results = await work(orders, db.Time.StoredUtcNow());
        var done = orders.Where(o => results[o.Id].Outcome == ChangeOutcome.Done).Select(o => o.OrderNo).ToList();
        if (done.Count > 0) Audit(done.Count == 1 ? done[0] : $"{done.Count} orders", action, new Dictionary<string, object?[]> { ["orders"] = [null, string.Join(",", done)] });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return wanted.Select(id => results.GetValueOrDefault(id) ?? new OrderChange(id, null, ChangeOutcome.Skipped, "order.not_found", $"No order {id}.", id)).ToList();
    }

    private void Record(IEnumerable<OrderLogEntry> entries)
    {
        foreach (var entry in entries)
        {
            (entry.UserId, entry.UserName) = (user.UserId, user.UserName);
            db.Add(entry);
        }
    }

    private void Audit(string orderNo, string action, Dictionary<string, object?[]> changes) => db.Add(new AuditEntry
    {
        At = db.Time.StoredUtcNow(), UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order",
        EntityId = orderNo.Length > 100 ? orderNo[..100] : orderNo, Action = action, Changes = JsonSerializer.Serialize(changes),
    });
}
