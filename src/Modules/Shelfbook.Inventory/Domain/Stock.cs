namespace Shelfbook.Inventory.Domain;

/// <summary>
/// The state of a unit in a warehouse. <see cref="InTransit"/> is stock on its way to the warehouse (a shipped transfer
/// not yet received): it is owned and on the books, so the ledger carries it like any other condition.
/// </summary>
public enum StockCondition
{
    /// <summary>良品: may be sold and reserved.</summary>
    Sellable,

    /// <summary>次品: damaged or returned goods that may not be sold.</summary>
    NonSellable,

    /// <summary>在途: shipped to this warehouse by a transfer, not yet received.</summary>
    InTransit,
}

public enum MovementType
{
    OpeningBalance,
    PurchaseReceipt,
    SalesShipment,
    Return,
    TransferOut,
    TransferIn,
    TransferLoss,
    TransferOverage,
    StocktakeGain,
    StocktakeLoss,
    ManualIn,
    ManualOut,
    ConditionChange,
    ThirdPartyOutbound,

    /// <summary>
    /// 代发入库: goods a supplier ships from its own stock for a dropship order, booked in at the SKU's cost price just
    /// before their shipment books them out at the same cost (the seller never held them; the average is not moved).
    /// </summary>
    DropshipReceipt,
}

/// <summary>
/// One line of the ledger (库存流水). Append-only: a correction is a new movement. <see cref="OnHandAfter"/> is the
/// balance of (warehouse, SKU, condition) right after it, which is what the ledger page's running balance shows.
/// </summary>
public sealed class StockMovement
{
    public const int KeyMax = 200;

    public long Id { get; set; }
    public Guid WarehouseId { get; set; }
    public Guid SkuId { get; set; }
    public StockCondition Condition { get; set; }
    public int Quantity { get; set; }
    public MovementType Type { get; set; }
    public string? Reason { get; set; }
    public string? SourceType { get; set; }
    public string? SourceId { get; set; }

    /// <summary>The source's number as people know it (document number, order number).</summary>
    public string? SourceNo { get; set; }

    /// <summary>Cost of one unit in minor units: the receipt's cost inbound, the moving average outbound.</summary>
    public long UnitCost { get; set; }

    public long OnHandAfter { get; set; }
    public Guid? OperatorId { get; set; }
    public string OperatorName { get; set; } = "";
    public DateTime At { get; set; }
    public string IdempotencyKey { get; set; } = "";
}

/// <summary>
/// The projection of the ledger per (warehouse, SKU, condition), updated in the transaction of each movement.
/// Available = <see cref="OnHand"/> − <see cref="Reserved"/>; only sellable stock is reserved.
/// </summary>
public sealed class StockBalance
{
    public Guid WarehouseId { get; set; }
    public Guid SkuId { get; set; }
    public StockCondition Condition { get; set; }
    public long OnHand { get; set; }
    public long Reserved { get; set; }
    public DateTime? LastMovementAt { get; set; }
    public DateTime? LastOutboundAt { get; set; }

    /// <summary>When stock first moved here: stock that never went out is stagnant counting from then.</summary>
    public DateTime? FirstMovementAt { get; set; }
}

/// <summary>
/// Stock held for one order line (订单占用), from allocation until it ships (consumed into a movement) or is released.
/// The sum of a balance's reservations is its <see cref="StockBalance.Reserved"/>.
/// </summary>
public sealed class StockReservation
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string OrderNo { get; set; } = "";
    public Guid OrderLineId { get; set; }
    public Guid SkuId { get; set; }
    public Guid WarehouseId { get; set; }
    public int Quantity { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>The moving weighted average cost of a SKU across all warehouses, in minor units.</summary>
public sealed class SkuCost
{
    public Guid SkuId { get; set; }
    public long AverageCost { get; set; }

    /// <summary>
    /// On hand over every warehouse and condition: the quantity the moving average weighs. Kept by the posting with the
    /// balances, under this row's lock, so a receipt reads one row instead of summing the SKU's balances; verify checks it.
    /// </summary>
    public long OnHand { get; set; }

    public DateTime UpdatedAt { get; set; }
}

/// <summary>The tenant's inventory settings (one row): after how many days without outbound stock counts as stagnant (呆滞).</summary>
[Shelfbook.Data.Audit.Audited(Shelfbook.Data.Audit.AuditCategory.Stock, "inventory_settings")]
public sealed class InventorySettings
{
    public const int MaxStagnantDays = 3650;

    public int Id { get; set; } = 1;
    public int StagnantDays { get; set; } = 90;
}
