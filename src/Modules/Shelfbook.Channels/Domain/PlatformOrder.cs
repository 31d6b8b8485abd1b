using Shelfbook.Channels.Contracts;
using Shelfbook.Catalog.Contracts;

namespace Shelfbook.Channels.Domain;

/// <summary>Shelfbook's reading of a platform order's status (the platform's own value is kept beside it).</summary>
public enum PlatformOrderStatus
{
    /// <summary>Placed, not paid: nothing to ship yet.</summary>
    AwaitingPayment,

    /// <summary>Paid: to ship (待发货).</summary>
    AwaitingShipment,

    /// <summary>Paid, but the platform forbids shipping it yet (a group buy not formed, a risk check): not to ship.</summary>
    Held,

    PartiallyShipped,
    Shipped,

    /// <summary>Received or finished.</summary>
    Completed,

    /// <summary>Cancelled or closed (before or after payment, by the buyer, the seller or the platform).</summary>
    Cancelled,
}

/// <summary>Where the buyer's refund stands on an order or a line.</summary>
public enum RefundState
{
    None,

    /// <summary>Requested and not yet settled (退款中): the order must not ship unchecked.</summary>
    Requested,

    /// <summary>Refused by the seller or withdrawn by the buyer.</summary>
    Closed,

    Refunded,

    /// <summary>Some lines refunded, others not: the rest may still ship.</summary>
    PartiallyRefunded,
}

/// <summary>
/// A platform order (原始单) as the platform last described it, normalized: amounts in minor units with the currency,
/// times in UTC, the status mapped, and the raw payload kept. Keyed by (shop, platform order id); an update older than
/// the stored one is ignored.
/// </summary>
public sealed class PlatformOrder
{
    public const int IdMax = 64;

    /// <summary>Receiver name and phone, and the address: wide enough for the platforms' encrypted forms, which must not be cut.</summary>
    public const int ReceiverMax = 300;

    public const int AddressMax = 1000;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ShopId { get; set; }
    public ShopPlatform Platform { get; set; }
    public string PlatformOrderId { get; set; } = "";
    public PlatformOrderStatus Status { get; set; }
    public string PlatformStatus { get; set; } = "";
    public RefundState Refund { get; set; }
    public DateTime PlacedAt { get; set; }
    public DateTime? PaidAt { get; set; }

    /// <summary>The platform's modified time: an update older than this is ignored.</summary>
    public DateTime PlatformUpdatedAt { get; set; }

    /// <summary>A presale order (预售): Orders holds it until its ship date comes near.</summary>
    public bool Presale { get; set; }

    /// <summary>The latest ship time the platform promised the buyer (a presale's ship date, else the ship-within deadline); null when it gives none.</summary>
    public DateTime? ShipBy { get; set; }

    public string? BuyerNick { get; set; }
    public string? BuyerMessage { get; set; }
    public string? SellerMemo { get; set; }
    public string? ReceiverName { get; set; }
    public string? ReceiverPhone { get; set; }
    public string? Country { get; set; }
    public string? Province { get; set; }
    public string? City { get; set; }
    public string? District { get; set; }
    public string? Address { get; set; }
    public string? PostalCode { get; set; }
    public string Currency { get; set; } = "CNY";

    /// <summary>Goods before discounts, discounts, postage and what the buyer paid, in minor units of <see cref="Currency"/>.</summary>
    public long GoodsAmount { get; set; }

    public long Discount { get; set; }
    public long Postage { get; set; }
    public long Paid { get; set; }
    public int LineCount { get; set; }
    public string RawPayload { get; set; } = "";
    public DateTime FirstStoredAt { get; set; }
    public DateTime StoredAt { get; set; }

    /// <summary>How many times a newer version replaced the stored one.</summary>
    public int Revision { get; set; }
}

/// <summary>One line of a platform order, with the shop's item, SKU and seller code (商家编码) that map it to the catalog.</summary>
public sealed class PlatformOrderLine
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public int Position { get; set; }
    public string PlatformLineId { get; set; } = "";
    public string? PlatformItemId { get; set; }
    public string? PlatformSkuId { get; set; }
    public string? SellerCode { get; set; }
    public string? Title { get; set; }
    public string? Spec { get; set; }
    public int Quantity { get; set; }

    /// <summary>Unit price and what the buyer paid for the line after apportioned discounts, in minor units.</summary>
    public long Price { get; set; }

    public long Paid { get; set; }
    public RefundState Refund { get; set; }
}

/// <summary>A downstream-relevant change of a platform order: the outbox the Orders module reads (<see cref="Contracts.PlatformOrderChanges"/>).</summary>
public sealed class PlatformOrderEvent
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public Guid ShopId { get; set; }
    public string PlatformOrderId { get; set; } = "";
    public PlatformOrderChange Change { get; set; }
    public DateTime At { get; set; }

    /// <summary>When Orders acted on it (null: not yet; a filtered index keeps the waiting ones quick to find).</summary>
    public DateTime? HandledAt { get; set; }
}

public enum QuarantineState
{
    Open,
    Dismissed,

    /// <summary>A later pull or a retry stored the order.</summary>
    Resolved,
}

/// <summary>A record a pull could not read (隔离): its error and payload, kept for a retry or a dismissal; the rest of the page went on.</summary>
public sealed class QuarantinedRecord
{
    public long Id { get; set; }
    public Guid ShopId { get; set; }

    /// <summary>The order id when the record showed one.</summary>
    public string? PlatformOrderId { get; set; }

    public string Error { get; set; } = "";
    public string Payload { get; set; } = "";
    public QuarantineState State { get; set; }
    public int Occurrences { get; set; } = 1;
    public DateTime FirstSeenAt { get; set; }
    public DateTime LastSeenAt { get; set; }
}
