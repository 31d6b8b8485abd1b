namespace Shelfbook.Inventory.Contracts;

/// <summary>One order line's claim on sellable stock of one SKU in one warehouse (a combo's parts come as separate lines).</summary>
public sealed record StockToReserve(Guid OrderId, string OrderNo, Guid OrderLineId, Guid SkuId, Guid WarehouseId, int Quantity);

/// <summary>A line that found too little: how much it wanted and how much was available when its order was tried.</summary>
public sealed record ShortLine(Guid OrderLineId, Guid SkuId, Guid WarehouseId, int Wanted, long Available);

/// <summary>
/// The answer for one order: reserved whole (<see cref="AlreadyHeld"/> when it held its reservations before), or not at
/// all, with the lines that were short.
/// </summary>
public sealed record OrderReservation(Guid OrderId, bool Reserved, bool AlreadyHeld, IReadOnlyList<ShortLine> ShortLines);

/// <summary>An order that has shipped: all it holds becomes an outbound movement.</summary>
public sealed record ShipmentToConsume(Guid OrderId, string? TrackingNo = null);

/// <summary>What consuming did for an order: lines turned into movements, or <see cref="AlreadyShipped"/> when it was done before.</summary>
public sealed record ConsumedOrder(Guid OrderId, int Lines, long Quantity, bool AlreadyShipped);

/// <summary>Sellable stock of one SKU in one warehouse: on hand, reserved and available.</summary>
public sealed record StockLevel(Guid SkuId, Guid WarehouseId, long OnHand, long Reserved)
{
    public long Available => OnHand - Reserved;
}

/// <summary>
/// Reservations (订单占用) for the Orders module. Every call is set-based: a batch of 100,000 lines costs a handful of
/// statements, not one per line. Orders are tried in the order given (put the oldest payment first); each is reserved
/// whole or not at all. The check and the take are one conditional statement per balance; on PostgreSQL balances are
/// locked in (SKU, warehouse) order, so concurrent batches never oversell and never deadlock.
/// </summary>
public interface IReserveStock
{
    Task<IReadOnlyList<OrderReservation>> ReserveAsync(IReadOnlyList<StockToReserve> lines, CancellationToken ct = default);

    /// <summary>Releases everything the orders hold (cancelled, intercepted, re-allocated); returns the lines released.</summary>
    Task<int> ReleaseAsync(IReadOnlyCollection<Guid> orderIds, CancellationToken ct = default);

    /// <summary>
    /// Turns the orders' reservations into sales shipment movements at the moving average cost. Idempotent: an order
    /// consumed before answers <see cref="ConsumedOrder.AlreadyShipped"/> and changes nothing. An order that holds
    /// nothing and never shipped is refused.
    /// </summary>
    Task<IReadOnlyList<ConsumedOrder>> ConsumeAsync(IReadOnlyList<ShipmentToConsume> shipments, CancellationToken ct = default);

    /// <summary>Sellable stock of the SKUs in every warehouse (or the given ones); SKUs without stock are absent.</summary>
    Task<IReadOnlyList<StockLevel>> LevelsAsync(IReadOnlyCollection<Guid> skuIds, IReadOnlyCollection<Guid>? warehouseIds = null, CancellationToken ct = default);
}
