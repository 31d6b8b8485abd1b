using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ResolveExceptions;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.ManualOrders;

/// <summary>A line of a manual order: a SKU code (or alias, barcode, combo code), units and unit price in minor units.</summary>
public sealed record ManualLineInput(string? Code, int? Quantity, long? Price);

public sealed record ManualOrderInput(
    Guid? ShopId, string? BuyerNick, AddressInput? Receiver, IReadOnlyList<ManualLineInput>? Lines, long? Discount = null, long? Postage = null,
    string? BuyerMessage = null, string? SellerMemo = null);

public sealed record ManualOrderCreated(Guid Id, string OrderNo, OrderStatus Status);

/// <summary>A reissue: why, the items to send again (codes and units), and the receiver when not the original's.</summary>
public sealed record ReissueInput(string? Reason, IReadOnlyList<ManualLineInput>? Lines, AddressInput? Receiver = null);

/// <summary>
/// 线下订单: an order entered by hand (a phone order, a shop counter, a gift). Its lines are resolved through the catalog
/// like a platform order's, but a code that names nothing is refused here, naming the line, rather than making an
/// exception; the order starts in 待审核 (or 异常 when the buyer left a remark) and the audit rules look at it like
/// any arriving order. Nothing is written when anything is wrong.
/// </summary>
public sealed class CreateManualOrder(TenantDbContext db, IResolveLines resolver, CurrentUser user)
{
    public const int MaxLines = 200;

    public Task<ManualOrderCreated> CreateAsync(ManualOrderInput input, CancellationToken ct) => CreateAsync(input, OrderOrigin.Manual, null, ct);

    /// <summary>
    /// 补发: a reissue of an order's missing or wrong items to its receiver (or another address) — zero amounts, linked
    /// to the original, the original's shop and platform order number kept for search, no platform write-back (it
    /// stands for no platform order). It is audited, picked and shipped like any order.
    /// </summary>
    public async Task<ManualOrderCreated> ReissueAsync(Guid originalId, ReissueInput input, CancellationToken ct)
    {
        var original = await db.Set<Order>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == originalId, ct) ?? throw new NotFoundException("order", originalId);
        var check = new InputCheck();
        var reason = check.Required("reason", input.Reason, 200);
        check.ThrowIfAny();
        var receiver = input.Receiver ?? new AddressInput(original.ReceiverName, original.ReceiverPhone, original.Country, original.Province, original.City,
            original.District, original.Address, original.PostalCode);
        var lines = input.Lines?.Select(l => l is null ? null! : l with { Price = 0 }).ToList();
        return await CreateAsync(new ManualOrderInput(original.ShopId, original.BuyerNick, receiver, lines, 0, 0, null, reason), OrderOrigin.Reissue, original, ct);
    }

    /// <summary>复制: a new order with the original's receiver, lines and prices, entered as a manual one.</summary>
    public async Task<ManualOrderCreated> CopyAsync(Guid originalId, CancellationToken ct)
    {
        var original = await db.Set<Order>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == originalId, ct) ?? throw new NotFoundException("order", originalId);
        var lines = await db.Set<OrderLine>().AsNoTracking().Where(l => l.OrderId == originalId).OrderBy(l => l.Position).ToListAsync(ct);
        var receiver = new AddressInput(original.ReceiverName, original.ReceiverPhone, original.Country, original.Province, original.City, original.District,
            original.Address, original.PostalCode);
        return await CreateAsync(new ManualOrderInput(original.ShopId, original.BuyerNick, receiver,
            lines.Select(l => new ManualLineInput(l.SkuCode ?? l.SellerCode, l.Quantity, l.Price)).ToList(), original.Discount, original.Postage, null,
            original.SellerMemo), OrderOrigin.Manual, null, ct);
    }

    private async Task<ManualOrderCreated> CreateAsync(ManualOrderInput input, OrderOrigin origin, Order? original, CancellationToken ct)
    {
        var check = new InputCheck();
        if (input.ShopId is { } shop && !await ShopQueries.Summaries(db).AnyAsync(s => s.Id == shop, ct)) check.Add("shopId", "unknown", $"No shop {shop}.", shop);
        var buyer = check.Optional("buyerNick", input.BuyerNick, 100);
        var address = CheckedAddress.From(check, input.Receiver ?? new AddressInput(null, null, null, null, null, null, null, null), "receiver.");
        var message = check.Optional("buyerMessage", input.BuyerMessage, 500);
        var memo = check.Optional("sellerMemo", input.SellerMemo, 500);
        if (input.Discount is < 0) check.Add("discount", "negative", "discount cannot be negative.");
        if (input.Postage is < 0) check.Add("postage", "negative", "postage cannot be negative.");
        var lines = input.Lines ?? [];
        if (lines.Count == 0) check.Add("lines", "required", "Add at least one line.");
        if (lines.Count > MaxLines) check.Add("lines", "too_many", $"At most {MaxLines} lines.", MaxLines);
        for (var i = 0; i < lines.Count && i < MaxLines; i++)
        {
            var line = lines[i];
            if (line is null)
            {
                check.Add($"lines[{i}]", "required", $"lines[{i}] is empty.");
                continue;
            }
            check.Required($"lines[{i}].code", line.Code, 64);
            if (line.Quantity is not (> 0 and <= 99_999)) check.Add($"lines[{i}].quantity", "out_of_range", $"lines[{i}].quantity must be 1–99999.", 1, 99_999);
            if (line.Price is < 0 or > 100_000_000_00) check.Add($"lines[{i}].price", "out_of_range", $"lines[{i}].price must be 0–100,000,000.00.", 0, 100_000_000);
        }
        check.ThrowIfAny();

        var goods = lines.Sum(l => (long)l.Quantity!.Value * (l.Price ?? 0));
        var discount = input.Discount ?? 0;
        if (discount > goods) check.Add("discount", "too_large", "The discount is more than the goods are worth.");
        check.ThrowIfAny();
        // Each line's share of the discount, by value, so that the lines add up to what is paid for goods.
        var paid = Shares(lines.Select(l => (long)l.Quantity!.Value * (l.Price ?? 0)).ToList(), goods - discount);
        var now = db.Time.StoredUtcNow();
        var resolutions = await resolver.ResolveAsync(
            lines.Select((l, i) => new LineToResolve(input.ShopId, null, null, l.Code!.Trim(), l.Quantity!.Value, paid[i], now)).ToList(), null, ct);
        for (var i = 0; i < resolutions.Count; i++)
            if (resolutions[i].Failure is { } failure)
                check.Add($"lines[{i}].code", failure.Code == "unmapped" ? "unknown_sku" : failure.Code, failure.Message, lines[i].Code!.Trim());
        check.ThrowIfAny();

        var (day, serial) = await OrderNumbers.TakeAsync(db, user.TimeZone, 1, ct);
        var order = new Order
        {
            OrderNo = OrderNumbers.Format(day, serial), Origin = origin, ShopId = input.ShopId, ReissueOf = original?.Id, PlatformOrderNo = original?.PlatformOrderNo,
            BuyerNick = buyer, BuyerMessage = message, SellerMemo = memo,
            ReceiverName = address.Name, ReceiverPhone = address.Phone, Country = address.Country, Province = address.Province, City = address.City,
            District = address.District, Address = address.Address, PostalCode = address.PostalCode, Currency = "CNY", GoodsAmount = goods, Discount = discount,
            Postage = input.Postage ?? 0, Paid = goods - discount + (input.Postage ?? 0), PlacedAt = now, PaidAt = now, LineCount = lines.Count,
            Quantity = lines.Sum(l => l.Quantity!.Value),
        };
        var log = order.TakeIn(message is null ? OrderExceptions.None : OrderExceptions.RemarkToRead, null, now);
        (log.Reason, log.UserId, log.UserName) = (original is null ? "manual" : $"reissue:{original.OrderNo}", user.UserId, user.UserName);
        db.Add(order);
        db.Add(log);
        for (var i = 0; i < lines.Count; i++)
        {
            var r = resolutions[i];
            var line = new OrderLine
            {
                OrderId = order.Id, Position = i, SellerCode = lines[i].Code!.Trim(), Title = r.SkuCode, Quantity = lines[i].Quantity!.Value, Price = lines[i].Price ?? 0,
                Paid = paid[i], SkuId = r.SkuId, SkuCode = r.SkuCode, Multiplier = r.Multiplier,
            };
            db.Add(line);
            foreach (var part in r.Parts)
                db.Add(new OrderItem
                {
                    OrderId = order.Id, LineId = line.Id, SkuId = part.SkuId, SkuCode = part.SkuCode, Quantity = checked((int)part.Quantity), Amount = part.Amount,
                    ComboSkuId = part.ComboSkuId, ReplacedSkuId = part.ReplacedSkuId,
                });
        }
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "order", EntityId = order.OrderNo,
            Action = original is null ? "create_manual" : "reissue",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
                { ["paid"] = [null, order.Paid], ["lines"] = [null, lines.Count], ["reissueOf"] = [null, original?.OrderNo] }),
        });
        await db.SaveChangesAsync(ct);
        return new ManualOrderCreated(order.Id, order.OrderNo, order.Status);
    }

    /// <summary><paramref name="total"/> shared over the values in proportion, the remainder to the largest, so the shares add up exactly.</summary>
    internal static long[] Shares(List<long> values, long total)
    {
        var sum = values.Sum();
        var shares = values.Select(v => sum == 0 ? 0 : (long)((decimal)total * v / sum)).ToArray();
        if (shares.Length > 0) shares[values.IndexOf(values.Max())] += total - shares.Sum();
        return shares;
    }
}
