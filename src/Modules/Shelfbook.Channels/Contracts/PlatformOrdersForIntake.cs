using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Domain;
using Shelfbook.Data.Tenancy;

namespace Shelfbook.Channels.Contracts;

/// <summary>A platform order (原始单) as Orders takes it in: normalized, amounts in minor units of <see cref="Currency"/>, times UTC.</summary>
public sealed class PlatformOrderHead
{
    public Guid Id { get; init; }
    public Guid ShopId { get; init; }
    public string PlatformOrderId { get; init; } = "";

    /// <summary>Paid and not shipped: to ship, or held by the platform (<see cref="HeldByPlatform"/>).</summary>
    public bool ToShip { get; init; }

    public bool HeldByPlatform { get; init; }

    /// <summary>The buyer asked for a refund that is not settled yet.</summary>
    public bool RefundRequested { get; init; }

    /// <summary>Cancelled or closed by the platform (nothing to ship).</summary>
    public bool Cancelled { get; init; }

    /// <summary>Refunded in full.</summary>
    public bool Refunded { get; init; }

    /// <summary>Some lines refunded, others not.</summary>
    public bool PartlyRefunded { get; init; }

    public DateTime PlacedAt { get; init; }
    public DateTime? PaidAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string? BuyerNick { get; init; }
    public string? BuyerMessage { get; init; }
    public string? SellerMemo { get; init; }
    public string? ReceiverName { get; init; }
    public string? ReceiverPhone { get; init; }
    public string? Country { get; init; }
    public string? Province { get; init; }
    public string? City { get; init; }
    public string? District { get; init; }
    public string? Address { get; init; }
    public string? PostalCode { get; init; }
    public string Currency { get; init; } = "CNY";
    public long GoodsAmount { get; init; }
    public long Discount { get; init; }
    public long Postage { get; init; }
    public long Paid { get; init; }
    public bool Presale { get; init; }
    public DateTime? ShipBy { get; init; }
}

/// <summary>A platform order's line as the shop sold it.</summary>
public sealed class PlatformOrderLineRow
{
    public Guid OrderId { get; init; }
    public int Position { get; init; }
    public string PlatformLineId { get; init; } = "";
    public string? PlatformItemId { get; init; }
    public string? PlatformSkuId { get; init; }
    public string? SellerCode { get; init; }
    public string? Title { get; init; }
    public string? Spec { get; init; }
    public int Quantity { get; init; }
    public long Price { get; init; }
    public long Paid { get; init; }

    /// <summary>This line was refunded (the rest of the order still ships).</summary>
    public bool Refunded { get; init; }
}

/// <summary>
/// Platform orders for the Orders module, as queries it composes with its own tables in one statement (it takes in
/// those it has not taken in yet).
/// </summary>
public static class PlatformOrdersForIntake
{
    public static IQueryable<PlatformOrderHead> Heads(TenantDbContext db) =>
        db.Set<PlatformOrder>().AsNoTracking().Select(o => new PlatformOrderHead
        {
            Id = o.Id, ShopId = o.ShopId, PlatformOrderId = o.PlatformOrderId,
            ToShip = o.Status == PlatformOrderStatus.AwaitingShipment || o.Status == PlatformOrderStatus.Held,
            HeldByPlatform = o.Status == PlatformOrderStatus.Held, RefundRequested = o.Refund == RefundState.Requested,
            Cancelled = o.Status == PlatformOrderStatus.Cancelled, Refunded = o.Refund == RefundState.Refunded, PartlyRefunded = o.Refund == RefundState.PartiallyRefunded,
            PlacedAt = o.PlacedAt, PaidAt = o.PaidAt, UpdatedAt = o.PlatformUpdatedAt,
            BuyerNick = o.BuyerNick, BuyerMessage = o.BuyerMessage, SellerMemo = o.SellerMemo,
            ReceiverName = o.ReceiverName, ReceiverPhone = o.ReceiverPhone, Country = o.Country, Province = o.Province, City = o.City, District = o.District,
            Address = o.Address, PostalCode = o.PostalCode,
            Currency = o.Currency, GoodsAmount = o.GoodsAmount, Discount = o.Discount, Postage = o.Postage, Paid = o.Paid, Presale = o.Presale, ShipBy = o.ShipBy,
        });

    public static IQueryable<PlatformOrderLineRow> Lines(TenantDbContext db) =>
        db.Set<PlatformOrderLine>().AsNoTracking().Select(l => new PlatformOrderLineRow
        {
            OrderId = l.OrderId, Position = l.Position, PlatformLineId = l.PlatformLineId, PlatformItemId = l.PlatformItemId, PlatformSkuId = l.PlatformSkuId,
            SellerCode = l.SellerCode, Title = l.Title, Spec = l.Spec, Quantity = l.Quantity, Price = l.Price, Paid = l.Paid,
            Refunded = l.Refund == RefundState.Refunded,
        });
}

/// <summary>A status change that matters downstream, published for the Orders module (past tense, as events are).</summary>
public enum PlatformOrderChange
{
    RefundRequested,
    RefundClosed,
    Refunded,
    PartiallyRefunded,
    Cancelled,
    AddressChanged,
}

/// <summary>A change of a platform order not acted on yet.</summary>
public sealed class PlatformOrderChangeRow
{
    public long Id { get; init; }

    /// <summary>The platform order (<see cref="PlatformOrderHead.Id"/>).</summary>
    public Guid PlatformOrderId { get; init; }

    public PlatformOrderChange Change { get; init; }
    public DateTime At { get; init; }
}

/// <summary>
/// The outbox of platform order changes (refund asked, refunded, cancelled, address changed) for the Orders module:
/// it reads the waiting ones and marks those it acted on in its own transaction.
/// </summary>
public static class PlatformOrderChanges
{
    public static IQueryable<PlatformOrderChangeRow> Waiting(TenantDbContext db) =>
        db.Set<PlatformOrderEvent>().AsNoTracking().Where(e => e.HandledAt == null).OrderBy(e => e.Id)
            .Select(e => new PlatformOrderChangeRow { Id = e.Id, PlatformOrderId = e.OrderId, Change = e.Change, At = e.At });

    public static Task<int> MarkHandledAsync(TenantDbContext db, IReadOnlyCollection<long> ids, DateTime now, CancellationToken ct) =>
        db.Set<PlatformOrderEvent>().Where(e => EF.Parameter(ids).Contains(e.Id) && e.HandledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.HandledAt, now), ct);
}
