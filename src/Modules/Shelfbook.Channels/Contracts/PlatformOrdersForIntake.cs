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
