namespace Shelfbook.Orders.Contracts;

/// <summary>A platform order a parcel confirms (回传): its shop, the platform's order id, and the lines it carries (empty: the whole order).</summary>
public sealed record WriteBackTarget(Guid ShopId, string PlatformOrderNo, IReadOnlyList<string> PlatformLineIds);

/// <summary>
/// An order as shipping sees it: where it stands (<see cref="Shippable"/>: audited or in fulfillment), its warehouse and
/// carrier, the tracking number it left with (once shipped), and the platform orders its parcel confirms — each source
/// order of a merged one, the lines of a split one; none for an offline order or a reissue.
/// </summary>
public sealed record OrderToShip(
    Guid OrderId, string OrderNo, string Status, bool Shippable, bool Shipped, Guid? WarehouseId, string? CarrierCode, string? TrackingNo,
    IReadOnlyList<WriteBackTarget> Targets);

/// <summary>An order that left: its tracking number (none for 一键发货), the carrier it went with, and how (the mode's name).</summary>
public sealed record OrderShipped(Guid OrderId, string? TrackingNo, string? CarrierCode, string Mode);

/// <summary>An audited order waiting to ship, for the pages that list them.</summary>
public sealed class OrderWaiting
{
    public Guid Id { get; init; }
    public string OrderNo { get; init; } = "";
    public Guid? WarehouseId { get; init; }
    public Guid? ShopId { get; init; }
    public string? CarrierCode { get; init; }
    public string? ReceiverName { get; init; }
    public string? Province { get; init; }
    public string? City { get; init; }
    public int Quantity { get; init; }
    public DateTime? PaidAt { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>预售: the order holds presale goods, to ship by <see cref="ShipBy"/> (the platform's or the seller's day).</summary>
    public bool Presale { get; init; }

    public DateTime? ShipBy { get; init; }
}

/// <summary>
/// An order as its waybill and its label need it: where it stands, its warehouse, carrier and service, the receiver, and
/// its estimated weight (grams; 0 before audit).
/// </summary>
public sealed class OrderLabel
{
    public Guid Id { get; init; }
    public string OrderNo { get; init; } = "";
    public Guid? ShopId { get; init; }
    public Guid? WarehouseId { get; init; }
    public string? CarrierCode { get; init; }
    public Guid? CarrierServiceId { get; init; }

    /// <summary>已审核 or 发货中: it may be numbered and printed.</summary>
    public bool Shippable { get; init; }

    public bool Shipped { get; init; }
    public bool Intercepted { get; init; }
    public string? ReceiverName { get; init; }
    public string? ReceiverPhone { get; init; }
    public string? Country { get; init; }
    public string? Province { get; init; }
    public string? City { get; init; }
    public string? District { get; init; }
    public string? Address { get; init; }
    public string? BuyerMessage { get; init; }
    public string? SellerMemo { get; init; }
    public int Quantity { get; init; }
    public long WeightGrams { get; init; }
    public long VolumeMm3 { get; init; }
    public long Paid { get; init; }
    public DateTime? PaidAt { get; init; }
}

/// <summary>An order's goods as they are picked: each item (a combo's parts one by one, with the combo they belong to).</summary>
public sealed class OrderItemRow
{
    public Guid OrderId { get; init; }
    public Guid SkuId { get; init; }
    public string SkuCode { get; init; } = "";
    public int Quantity { get; init; }
    public Guid? ComboSkuId { get; init; }
}

/// <summary>What Fulfillment asks of Orders to pick and ship: the orders as they stand, their goods, and their moves.</summary>
public interface IShipOrders
{
    /// <summary>The orders named by id or by order number (those naming nothing are absent), read in chunks.</summary>
    Task<IReadOnlyList<OrderToShip>> FindAsync(IReadOnlyCollection<Guid>? ids, IReadOnlyCollection<string>? orderNos, CancellationToken ct);

    /// <summary>
    /// Moves the orders to 已发货 in the caller's transaction (which it needs; the caller consumes their stock in it), as
    /// they were read: one that is no longer shippable, or changed meanwhile, refuses the whole call as a concurrent
    /// change. Set-based: the shipments through the bulk path, one conditional update per status and chunk.
    /// </summary>
    Task MarkShippedAsync(IReadOnlyList<OrderShipped> shipped, CancellationToken ct);

    /// <summary>Audited orders (not yet in fulfillment) of a warehouse, or of all, as a query to page.</summary>
    IQueryable<OrderWaiting> Waiting(Guid? warehouseId);

    /// <summary>
    /// How many orders each warehouse holds at each stage past audit: 已审核 (Audited), 发货中 (InFulfillment), 挂起 after
    /// audit (Held, their stock kept) and 已拦截 (Intercepted) — by (warehouse, status name).
    /// </summary>
    Task<IReadOnlyDictionary<(Guid WarehouseId, string Status), int>> CountByStageAsync(CancellationToken ct);

    /// <summary>Every order as its waybill and label need it, as a query to filter by id.</summary>
    IQueryable<OrderLabel> Labels { get; }

    /// <summary>Every order's items, as a query to join into the caller's (a wave's choice, its pick list).</summary>
    IQueryable<OrderItemRow> Items { get; }

    /// <summary>
    /// Moves audited orders into fulfillment (发货中) for wave <paramref name="waveNo"/>, in the caller's transaction: one
    /// conditional update per chunk, so an order that changed meanwhile (held, intercepted, in another wave) refuses the
    /// whole call as a concurrent change.
    /// </summary>
    Task StartFulfillmentAsync(IReadOnlyCollection<Guid> orderIds, string waveNo, CancellationToken ct);

    /// <summary>Takes orders in fulfillment back to 已审核 (out of their wave); answers those that were (the others are left as they are).</summary>
    Task<IReadOnlyList<Guid>> LeaveFulfillmentAsync(IReadOnlyCollection<Guid> orderIds, string? reason, CancellationToken ct);
}
